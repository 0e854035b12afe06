import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCsv, readTweetEvalSplit } from './datasets.js'
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

test('common posts are decided by stopwords, without the slow fallback detector', () => {
  const method = (text: string): string => detectLanguage(text, tokenise(text)).method
  // Each of these went to tinyld (~0.4 ms each) with the shorter stopword lists.
  for (const text of ['Company announces new CEO as part of leadership reshuffle', "Crestline Bank app down again? can't see my balance and payday is today",
    'Acme joder, otra vez sin servicio, qué mierda', 'Acme ich kündige meinen Vertrag, reicht jetzt', 'Acme je change d\'opérateur, trop de coupures',
    '@AcmeHelp vocês entregam no interior de São Paulo?']) {
    expect([text, method(text)]).toEqual([text, 'stopwords'])
  }
  expect(detectLanguage('not the worst, not the best', tokenise('not the worst, not the best')).language).toBe('en')
})

test('parses quoted CSV fields with commas and doubled quotes', () => {
  expect(parseCsv('1,"a, ""b""",0,x\n2,plain,1,y\n')).toEqual([['1', 'a, "b"', '0', 'x'], ['2', 'plain', '1', 'y']])
})

test('TweetEval text is decoded like the training tweets: \\uXXXX escapes and HTML entities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tweeteval-'))
  try {
    writeFileSync(join(dir, 'mapping.txt'), '0 negative\n1 neutral\n2 positive\n')
    writeFileSync(join(dir, 'val_text.txt'), 'I don\\u2019t like this &amp; that\nfine\\u002c thanks \n')
    writeFileSync(join(dir, 'val_labels.txt'), '0\n2\n')
    expect(readTweetEvalSplit(dir, 'val')).toEqual([
      { text: 'I don’t like this & that', label: 'negative' },
      { text: 'fine, thanks ', label: 'positive' },
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
