import { markers, tokenise } from './tokenise.js'

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
