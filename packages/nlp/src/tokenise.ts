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

const tokenPattern = new RegExp([
  '(?<url>https?:\\/\\/\\S+|www\\.\\S+)',
  '(?<user>@\\w+)',
  '(?<hashtag>#[\\p{L}\\p{N}_]+)',
  '(?<emoticon>[:;=][\\-o^\']?[)\\](\\[dDpP\\/\\\\|*3@]|[)(\\[\\]][\\-o^\']?[:;=]|<\\/?3+|\\b[xX][dD]\\b)(?![\\p{L}\\p{N}])',
  '(?<word>[\\p{L}\\p{N}_]+(?:[\'’][\\p{L}]+)*)',
  '(?<emoji>\\p{Extended_Pictographic})',
  '(?<punct>[.,!?;:]+)',
].join('|'), 'gu')

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

function isNegation (word: string): boolean {
  return negationWords.has(word) || word.endsWith("n't")
}

function splitHashtag (tag: string): string[] {
  return tag.match(camelParts) ?? []
}

/**
 * Splits social text into lower-case tokens plus markers (see `markers`): handles and URLs become
 * markers, hashtags are kept and split at camelCase, emoji and emoticons add a polarity marker,
 * elongations are shortened to two letters plus a marker, shouted words get an ALLCAPS marker, and
 * words after a negation up to the next punctuation are prefixed with `NEG_`.
 */
export function tokenise (text: string): string[] {
  const tokens: string[] = []
  let negated = false
  for (const match of text.matchAll(tokenPattern)) {
    const groups = match.groups
    if (groups === undefined) continue
    if (groups.word !== undefined) {
      let word = groups.word
      if (word.length > 1 && hasUpperCase.test(word) && !hasLowerCase.test(word) && /\p{L}{2}/u.test(word)) {
        tokens.push(markers.allCaps)
      }
      word = word.toLowerCase().replace('’', "'")
      const shortened = word.replace(elongation, '$1$1')
      if (shortened !== word) tokens.push(markers.elongated)
      tokens.push(negated ? markers.negationPrefix + shortened : shortened)
      if (isNegation(shortened)) negated = true
    } else if (groups.punct !== undefined) {
      negated = false
      const punct = groups.punct
      if (punct.includes('!')) tokens.push('!')
      if (punct.includes('?')) tokens.push('?')
    } else if (groups.user !== undefined) {
      tokens.push(markers.user)
    } else if (groups.url !== undefined) {
      tokens.push(markers.url)
    } else if (groups.hashtag !== undefined) {
      const tag = groups.hashtag.slice(1)
      tokens.push('#' + tag.toLowerCase())
      for (const part of splitHashtag(tag)) tokens.push(part.toLowerCase())
    } else if (groups.emoticon !== undefined) {
      tokens.push(positiveEmoticon.test(groups.emoticon) ? markers.positiveEmoji : markers.negativeEmoji)
    } else if (groups.emoji !== undefined) {
      const emoji = groups.emoji
      tokens.push(emoji)
      const polarity = emojiPolarity.get(emoji)
      if (polarity !== undefined && polarity !== 0) tokens.push(polarity > 0 ? markers.positiveEmoji : markers.negativeEmoji)
    }
  }
  return tokens
}

/** The text the character n-grams are taken from: lower case, handles and URLs collapsed, elongations shortened. */
export function normaliseForCharacters (text: string): string {
  return text.toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+/g, ' ')
    .replace(/@\w+/g, '@')
    .replace(elongation, '$1$1')
    .replace(/\s+/g, ' ')
    .trim()
}
