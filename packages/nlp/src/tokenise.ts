import { emojiPolarity } from './lexicons.js'

/** Marker tokens the tokeniser emits besides words; upper-case letters keep them apart from words. */
export const markers = {
  url: '<URL>',
  user: '<USER>',
  elongated: '<ELONG>',
  allCaps: '<ALLCAPS>',
  positiveEmoji: '<EMO_POS>',
  negativeEmoji: '<EMO_NEG>',
  negationPrefix: 'NEG_',
} as const

const positiveEmoticon = /^(?:[:;=][-o^']?[)\]dDpP*3]|[([][-o^']?[:;=]|<3+|[xX][dD])$/
const negationWords = new Set([
  'not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  'dont', 'cant', 'wont', 'isnt', 'arent', 'wasnt', 'werent', 'didnt', 'doesnt', 'havent', 'hasnt', 'shouldnt',
  'wouldnt', 'couldnt', 'aint',
])
const elongation = /(.)\1{2,}/gu
const camelParts = /[A-Z]{2,}(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+/g
const hasLowerCase = /\p{Ll}/u
const hasUpperCase = /\p{Lu}/u
const twoLetters = /\p{L}{2}/u

// Sticky classes for code points outside ASCII, where a table would be large; ASCII is decided by char code.
const wordCharAt = /[\p{L}\p{N}_]/uy
const letterAt = /\p{L}/uy
const pictographAt = /\p{Extended_Pictographic}/uy

function isNegation (word: string): boolean {
  return negationWords.has(word) || word.endsWith("n't")
}

function splitHashtag (tag: string): string[] {
  return tag.match(camelParts) ?? []
}

const isAsciiWord = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95

function testAt (pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at
  return pattern.test(text)
}

/** `[\p{L}\p{N}_]` at `at` (false at the end). */
function isWordCharAt (text: string, at: number): boolean {
  if (at >= text.length) return false
  const code = text.charCodeAt(at)
  return code < 128 ? isAsciiWord(code) : testAt(wordCharAt, text, at)
}

/** `\p{L}` at `at` (false at the end). */
function isLetterAt (text: string, at: number): boolean {
  if (at >= text.length) return false
  const code = text.charCodeAt(at)
  return code < 128 ? (code >= 97 && code <= 122) || (code >= 65 && code <= 90) : testAt(letterAt, text, at)
}

/** `(?![\p{L}\p{N}])` at `at`: no letter or number follows. */
function endsToken (text: string, at: number): boolean {
  return !isWordCharAt(text, at) || text.charCodeAt(at) === 95
}

/** JavaScript's `\s` (also what `trim` removes). */
function isSpace (code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13)
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}

function codePointWidth (text: string, at: number): number {
  return (text.codePointAt(at) as number) > 0xffff ? 2 : 1
}

const emoticonMiddle = "-o^'"
const emoticonEyes = ':;='
const emoticonMouths = ')]([dDpP/\\|*3@'
const emoticonMouthsReversed = ')([]'

/** The end of the URL starting at `at`, or -1: `https?:\/\/\S+|www\.\S+` (case-sensitive, as X writes them). */
function urlEnd (text: string, at: number): number {
  let from = -1
  if (text.startsWith('http', at)) {
    const rest = text.charCodeAt(at + 4) === 115 ? at + 5 : at + 4
    if (text.startsWith('://', rest)) from = rest + 3
  } else if (text.startsWith('www.', at)) from = at + 4
  if (from < 0 || from >= text.length || isSpace(text.charCodeAt(from))) return -1
  let end = from
  while (end < text.length && !isSpace(text.charCodeAt(end))) end++
  return end
}

/** The end of the emoticon starting at `at`, or -1 (see the forms in `positiveEmoticon`, plus frowns). */
function emoticonEnd (text: string, at: number): number {
  const first = text[at] as string
  let end = -1
  if (emoticonEyes.includes(first) || emoticonMouthsReversed.includes(first)) {
    const closers = emoticonEyes.includes(first) ? emoticonMouths : emoticonEyes
    let next = at + 1
    if (next < text.length && emoticonMiddle.includes(text[next] as string)) next++
    if (next < text.length && closers.includes(text[next] as string)) end = next + 1
  } else if (first === '<') {
    let next = at + 1
    if (text.charCodeAt(next) === 47) next++
    if (text.charCodeAt(next) === 51) {
      while (text.charCodeAt(next) === 51) next++
      end = next
    }
  } else if ((first === 'x' || first === 'X') && (at === 0 || !isAsciiWord(text.charCodeAt(at - 1)))) {
    const second = text.charCodeAt(at + 1)
    if ((second === 100 || second === 68) && !isAsciiWord(text.charCodeAt(at + 2))) end = at + 2
  }
  return end >= 0 && endsToken(text, end) ? end : -1
}

/** Shortens every run of three or more equal code points to two (`/(.)\1{2,}/gu` with `$1$1`). */
function shortenElongations (word: string, ascii: boolean): string {
  if (!ascii) return word.replace(elongation, '$1$1')
  let run = 1
  let found = false
  for (let i = 1; i < word.length && !found; i++) {
    run = word.charCodeAt(i) === word.charCodeAt(i - 1) ? run + 1 : 1
    if (run >= 3) found = true
  }
  return found ? word.replace(elongation, '$1$1') : word
}

/**
 * Splits social text into lower-case tokens plus markers (see `markers`): handles and URLs become
 * markers, hashtags are kept and split at camelCase, emoji and emoticons add a polarity marker,
 * elongations are shortened to two letters plus a marker, shouted words get an ALLCAPS marker, and
 * words after a negation up to the next punctuation are prefixed with `NEG_`.
 *
 * A hand-written scanner (the tokeniser runs on every mention; a regular expression with named
 * groups cost a fifth of classification). Tokens, left to right, the first kind that matches:
 * URL, @handle, #hashtag, emoticon, word (letters, digits, `_`, inner apostrophes), emoji, punctuation;
 * anything else is skipped. Its output equals the pattern it replaced (tokenise.test.ts keeps that as an oracle).
 */
export function tokenise (text: string): string[] {
  const tokens: string[] = []
  let negated = false
  let at = 0
  const length = text.length
  while (at < length) {
    const code = text.charCodeAt(at)
    if (code === 104 || code === 119) {
      const end = urlEnd(text, at)
      if (end > 0) {
        tokens.push(markers.url)
        at = end
        continue
      }
    } else if (code === 64) {
      let end = at + 1
      while (end < length && isAsciiWord(text.charCodeAt(end))) end++
      if (end > at + 1) tokens.push(markers.user)
      at = end
      continue
    } else if (code === 35) {
      let end = at + 1
      while (isWordCharAt(text, end)) end += codePointWidth(text, end)
      if (end > at + 1) {
        const tag = text.slice(at + 1, end)
        tokens.push('#' + tag.toLowerCase())
        for (const part of splitHashtag(tag)) tokens.push(part.toLowerCase())
      }
      at = end
      continue
    }
    if (code === 58 || code === 59 || code === 61 || code === 40 || code === 41 || code === 91 || code === 93 || code === 60 || code === 120 || code === 88) {
      const end = emoticonEnd(text, at)
      if (end > 0) {
        tokens.push(positiveEmoticon.test(text.slice(at, end)) ? markers.positiveEmoji : markers.negativeEmoji)
        at = end
        continue
      }
    }
    if (code < 128 ? isAsciiWord(code) : isWordCharAt(text, at)) {
      let end = at
      let ascii = true
      let upper = false
      let lower = false
      while (end < length) {
        const c = text.charCodeAt(end)
        if (c < 128) {
          if (!isAsciiWord(c)) break
          if (c >= 65 && c <= 90) upper = true
          else if (c >= 97) lower = true
          end++
        } else if (testAt(wordCharAt, text, end)) {
          ascii = false
          end += codePointWidth(text, end)
        } else break
      }
      // An apostrophe followed by letters continues the word ("don't", "l’avion"), letters only after it.
      while (end < length) {
        const c = text.charCodeAt(end)
        if ((c !== 39 && c !== 0x2019) || !isLetterAt(text, end + 1)) break
        if (c === 0x2019) ascii = false
        end++
        while (isLetterAt(text, end)) {
          const letter = text.charCodeAt(end)
          if (letter >= 128) ascii = false
          else if (letter <= 90) upper = true
          else lower = true
          end += codePointWidth(text, end)
        }
      }
      let word = text.slice(at, end)
      at = end
      const shouted = ascii
        ? upper && !lower && /[A-Za-z]{2}/.test(word)
        : word.length > 1 && hasUpperCase.test(word) && !hasLowerCase.test(word) && twoLetters.test(word)
      if (shouted) tokens.push(markers.allCaps)
      word = word.toLowerCase()
      if (!ascii) word = word.replace('’', "'")
      const shortened = shortenElongations(word, ascii)
      if (shortened !== word) tokens.push(markers.elongated)
      tokens.push(negated ? markers.negationPrefix + shortened : shortened)
      if (isNegation(shortened)) negated = true
      continue
    }
    if (code >= 128 && testAt(pictographAt, text, at)) {
      const width = codePointWidth(text, at)
      const emoji = text.slice(at, at + width)
      tokens.push(emoji)
      const polarity = emojiPolarity.get(emoji)
      if (polarity !== undefined && polarity !== 0) tokens.push(polarity > 0 ? markers.positiveEmoji : markers.negativeEmoji)
      at += width
      continue
    }
    if (code === 46 || code === 44 || code === 33 || code === 63 || code === 59 || code === 58) {
      let end = at
      let exclaims = false
      let asks = false
      for (; end < length; end++) {
        const c = text.charCodeAt(end)
        if (c === 33) exclaims = true
        else if (c === 63) asks = true
        else if (c !== 46 && c !== 44 && c !== 59 && c !== 58) break
      }
      negated = false
      if (exclaims) tokens.push('!')
      if (asks) tokens.push('?')
      at = end
      continue
    }
    at += code >= 0xd800 && code <= 0xdbff ? codePointWidth(text, at) : 1
  }
  return tokens
}

const urls = /https?:\/\/\S+|www\.\S+/g
const handles = /@\w+/g

/** The text the character n-grams are taken from: lower case, handles and URLs collapsed, elongations shortened. */
export function normaliseForCharacters (text: string): string {
  return text.toLowerCase()
    .replace(urls, ' ')
    .replace(handles, '@')
    .replace(elongation, '$1$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/** A growable buffer of UTF-16 code units. */
export interface CodeUnitBuffer {
  units: Uint16Array
}

/**
 * `' ' + normaliseForCharacters(text) + ' '` as code units in `buffer` (grown as needed); returns the
 * length. The elongation, whitespace and trim steps run as one pass instead of three regex replaces and
 * their strings (the features of every mention start here); `normaliseForCharacters` is the reference.
 */
export function characterUnits (text: string, buffer: CodeUnitBuffer): number {
  let lower = text.toLowerCase()
  if (lower.includes('http') || lower.includes('www.')) lower = lower.replace(urls, ' ')
  if (lower.includes('@')) lower = lower.replace(handles, '@')
  if (buffer.units.length < lower.length + 2) buffer.units = new Uint16Array(2 * lower.length + 2)
  const units = buffer.units
  units[0] = 32
  let length = 1
  // The code point of the current run and its length: a third repeat onwards is dropped (`(.)\1{2,}` → `$1$1`).
  let previous = -1
  let run = 0
  let space = false
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i)
    if (isSpace(code)) {
      space = true
      previous = -1
      continue
    }
    let point = code
    const low = code >= 0xd800 && code <= 0xdbff && i + 1 < lower.length ? lower.charCodeAt(i + 1) : 0
    const pair = low >= 0xdc00 && low <= 0xdfff
    if (pair) point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
    run = point === previous ? run + 1 : 1
    previous = point
    if (run <= 2) {
      if (space && length > 1) units[length++] = 32
      space = false
      units[length++] = code
      if (pair) units[length++] = low
    }
    if (pair) i++
  }
  units[length++] = 32
  return length
}
