import { detectLanguage } from './language.js'
import { tokenise } from './tokenise.js'

test('a mention\'s own language tag wins over its words', () => {
  expect(detectLanguage('the app is down', tokenise('the app is down'), 'pt-BR')).toEqual({ language: 'pt', method: 'hint' })
})

test('a language wins on stopwords with 1.5 times the runner-up\'s hits; closer counts go to tinyld', () => {
  // es: el, que, está (3); pt: que, está (2); fr: que (1).
  expect(detectLanguage('el bocata que está', ['el', 'bocata', 'que', 'está'])).toEqual({ language: 'es', method: 'stopwords' })
  // es: el, que, está, nada (4); pt: que, está, nada (3).
  expect(detectLanguage('el bocata que está nada', ['el', 'bocata', 'que', 'está', 'nada']).method).toBe('tinyld')
})

test('one stopword is enough for English, not for the other lexicon languages', () => {
  expect(detectLanguage('the queue', tokenise('the queue'))).toEqual({ language: 'en', method: 'stopwords' })
  expect(detectLanguage('schönes Wetter heute', tokenise('schönes Wetter heute')).method).toBe('tinyld')
})
