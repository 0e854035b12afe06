import { parseCsv } from './datasets.js'
import { detectLanguage } from './language.js'
import { tokenise } from './tokenise.js'

test('detects es/fr/de/pt from stopwords and keeps English short texts English', () => {
  const of = (text: string): string => detectLanguage(text, tokenise(text)).language
  expect(of('the app is down again')).toBe('en')
  expect(of('el servicio es muy malo y no funciona')).toBe('es')
  expect(of("je suis très déçu, c'est toujours pas livré")).toBe('fr')
  expect(of('das ist nicht gut und sehr langsam')).toBe('de')
  expect(of('o serviço é muito ruim e não funciona')).toBe('pt')
  expect(detectLanguage('whatever', [], 'fr-CA')).toEqual({ language: 'fr', method: 'hint' })
})

test('parses quoted CSV fields with commas and doubled quotes', () => {
  expect(parseCsv('1,"a, ""b""",0,x\n2,plain,1,y\n')).toEqual([['1', 'a, "b"', '0', 'x'], ['2', 'plain', '1', 'y']])
})
