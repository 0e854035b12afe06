import { join } from 'node:path'
import { readLabelledMentions } from './labelled-mentions.js'
import { emojiPolarity } from './lexicons.js'
import { createPrng } from './prng.js'
import { characterUnits, markers, normaliseForCharacters, tokenise } from './tokenise.js'

test('replaces handles and URLs with markers', () => {
  expect(tokenise('@acme see https://t.co/x1 now')).toEqual([markers.user, 'see', markers.url, 'now'])
})

test('keeps a hashtag and splits its camelCase parts', () => {
  expect(tokenise('#WorstServiceEver')).toEqual(['#worstserviceever', 'worst', 'service', 'ever'])
})

test('shortens elongations to two letters and marks them', () => {
  expect(tokenise('soooo good')).toEqual([markers.elongated, 'soo', 'good'])
})

test('marks shouted words and lower-cases them', () => {
  expect(tokenise('this is AWFUL')).toEqual(['this', 'is', markers.allCaps, 'awful'])
})

test('prefixes words after a negation with NEG_ until punctuation', () => {
  expect(tokenise("I don't like it. Fine")).toEqual(['i', "don't", 'NEG_like', 'NEG_it', 'fine'])
  expect(tokenise('never again, thanks')).toEqual(['never', 'NEG_again', 'thanks'])
})

test('maps emoticons and emoji to polarity markers', () => {
  expect(tokenise('great :) bad :(')).toEqual(['great', markers.positiveEmoji, 'bad', markers.negativeEmoji])
  expect(tokenise('love it 😍')).toEqual(['love', 'it', '😍', markers.positiveEmoji])
})

test('does not read times as emoticons', () => {
  expect(tokenise('at 12:30')).toEqual(['at', '12', '30'])
})

// The regular expression the hand-written scanner replaced: the models were trained on its tokens,
// so the scanner must split every text the same way.
const referencePattern = new RegExp([
  '(?<url>https?:\\/\\/\\S+|www\\.\\S+)',
  '(?<user>@\\w+)',
  '(?<hashtag>#[\\p{L}\\p{N}_]+)',
  '(?<emoticon>[:;=][\\-o^\']?[)\\](\\[dDpP\\/\\\\|*3@]|[)(\\[\\]][\\-o^\']?[:;=]|<\\/?3+|\\b[xX][dD]\\b)(?![\\p{L}\\p{N}])',
  '(?<word>[\\p{L}\\p{N}_]+(?:[\'’][\\p{L}]+)*)',
  '(?<emoji>\\p{Extended_Pictographic})',
  '(?<punct>[.,!?;:]+)',
].join('|'), 'gu')

/** The tokens' kinds and spans as the reference pattern finds them, with the scanner's per-kind rewriting. */
function referenceTokenise (text: string): string[] {
  const tokens: string[] = []
  let negated = false
  for (const match of text.matchAll(referencePattern)) {
    const groups = match.groups ?? {}
    if (groups.word !== undefined) {
      let word = groups.word
      if (word.length > 1 && /\p{Lu}/u.test(word) && !/\p{Ll}/u.test(word) && /\p{L}{2}/u.test(word)) tokens.push(markers.allCaps)
      word = word.toLowerCase().replace('’', "'")
      const shortened = word.replace(/(.)\1{2,}/gu, '$1$1')
      if (shortened !== word) tokens.push(markers.elongated)
      tokens.push(negated ? markers.negationPrefix + shortened : shortened)
      if (/^(?:not|no|never|nothing|nobody|none|nowhere|neither|nor|cannot|without|dont|cant|wont|isnt|arent|wasnt|werent|didnt|doesnt|havent|hasnt|shouldnt|wouldnt|couldnt|aint)$|n't$/.test(shortened)) negated = true
    } else if (groups.punct !== undefined) {
      negated = false
      if (groups.punct.includes('!')) tokens.push('!')
      if (groups.punct.includes('?')) tokens.push('?')
    } else if (groups.user !== undefined) tokens.push(markers.user)
    else if (groups.url !== undefined) tokens.push(markers.url)
    else if (groups.hashtag !== undefined) {
      const tag = groups.hashtag.slice(1)
      tokens.push('#' + tag.toLowerCase(), ...(tag.match(/[A-Z]{2,}(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+/g) ?? []).map((part) => part.toLowerCase()))
    } else if (groups.emoticon !== undefined) {
      tokens.push(/^(?:[:;=][-o^']?[)\]dDpP*3]|[([][-o^']?[:;=]|<3+|[xX][dD])$/.test(groups.emoticon) ? markers.positiveEmoji : markers.negativeEmoji)
    } else if (groups.emoji !== undefined) {
      tokens.push(groups.emoji)
      const polarity = emojiPolarity.get(groups.emoji)
      if (polarity !== undefined && polarity !== 0) tokens.push(polarity > 0 ? markers.positiveEmoji : markers.negativeEmoji)
    }
  }
  return tokens
}

test('splits random social-text fragments exactly as the reference pattern does', () => {
  const pieces = ['a', 'A', 'x', 'X', 'd', 'D', 'h', 'p', 's', 'w', '.', ':', '/', ';', '=', '(', ')', '[', ']', '<', '3', "'", '’', ' ', '\n',
    '@', '#', '_', '!', '?', ',', 'é', 'É', 'ß', 'o', '^', '-', '😂', '👍', '\u00a0', '1', 'http://', 'https://', 'www.', "n't", 'ooo', 'İ',
    '𝐚', '\ud800', '\udc00', '©', '漢', 'Ⅻ', '²', 'NOT', 'Don’t']
  const random = createPrng(11)
  for (let i = 0; i < 20_000; i++) {
    let text = ''
    const length = 1 + Math.floor(random() * 30)
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)] as string
    expect([text, tokenise(text)]).toEqual([text, referenceTokenise(text)])
  }
})

test('splits every labelled brand mention exactly as the reference pattern does', () => {
  for (const { text } of readLabelledMentions(join(__dirname, '..', 'data', 'brand-mentions.jsonl'))) {
    expect([text, tokenise(text)]).toEqual([text, referenceTokenise(text)])
  }
})

test('the character view is the padded normalised text, for random fragments and every brand mention', () => {
  const pieces = ['a', 'A', 'o', 'O', ' ', '  ', '\n', '\r', '\t', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b', '@', '_', 'x1', 'http://', 'https://', 'www.', 'http',
    '😂', '\ud83d', '\ude02', '\ud800', 'İ', 'ß', 'É', '.', '!', 'ooo', '!!!']
  const texts = readLabelledMentions(join(__dirname, '..', 'data', 'brand-mentions.jsonl')).map((row) => row.text)
  const random = createPrng(5)
  for (let i = 0; i < 20_000; i++) {
    let text = ''
    const length = Math.floor(random() * 25)
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)] as string
    texts.push(text)
  }
  const buffer = { units: new Uint16Array(1) }
  for (const text of texts) {
    const length = characterUnits(text, buffer)
    expect([text, String.fromCharCode(...buffer.units.subarray(0, length))]).toEqual([text, ` ${normaliseForCharacters(text)} `])
  }
})
