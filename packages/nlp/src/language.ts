import { detect } from 'tinyld'
import { type LexiconLanguage } from './lexicons.js'

const stopwords: Record<LexiconLanguage, Set<string>> = {
  en: new Set(['the', 'a', 'an', 'and', 'is', 'are', 'was', 'to', 'of', 'in', 'on', 'for', 'with', 'my', 'you', 'i', 'it', 'this', 'that', 'be', 'have', 'not', 'at', 'me', 'your', 'just', 'so', 'but', 'we', 'they', 'will', 'can', 'do', 'get', 'all', 'what', 'if', 'from', 'im', "i'm", 'up', 'out', 'about', 'thanks', 'please', 'why', 'how', 'when']),
  es: new Set(['el', 'la', 'los', 'las', 'que', 'y', 'es', 'en', 'por', 'para', 'con', 'una', 'un', 'muy', 'pero', 'mi', 'del', 'lo', 'se', 'está', 'esta', 'como', 'más', 'gracias', 'nada', 'ya', 'hay', 'tengo', 'servicio']),
  pt: new Set(['o', 'os', 'as', 'que', 'e', 'é', 'em', 'um', 'uma', 'não', 'com', 'para', 'por', 'muito', 'mas', 'meu', 'minha', 'do', 'da', 'no', 'na', 'está', 'isso', 'obrigado', 'obrigada', 'já', 'tenho', 'você', 'serviço']),
  fr: new Set(['le', 'la', 'les', 'et', 'est', 'un', 'une', 'des', 'je', 'pas', 'que', 'pour', 'avec', 'dans', 'ce', 'mon', 'ma', 'vous', 'très', 'mais', 'du', 'au', "c'est", "j'ai", 'merci', 'sur', 'ne', 'encore', 'toujours']),
  de: new Set(['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'ich', 'mit', 'für', 'auf', 'den', 'zu', 'es', 'sehr', 'aber', 'mein', 'meine', 'sie', 'wir', 'noch', 'schon', 'danke', 'bitte', 'kein', 'keine', 'immer', 'wieder']),
}

const lexiconLanguages: readonly LexiconLanguage[] = ['en', 'es', 'pt', 'fr', 'de']

export interface DetectedLanguage {
  /** BCP 47 primary tag, or `und` when unknown. */
  language: string
  /** How it was decided: the mention's own tag, a stopword count, or tinyld. */
  method: 'hint' | 'stopwords' | 'tinyld' | 'none'
}

/**
 * Stopword counts decide the common cases; tinyld (~4k texts/s, far below the classifier's budget)
 * only runs when no language clearly wins. Tokens must come from `tokenise`.
 */
export function detectLanguage (text: string, tokens: readonly string[], hint?: string): DetectedLanguage {
  if (hint !== undefined && hint !== '' && hint !== 'und') return { language: (hint.split('-')[0] as string).toLowerCase(), method: 'hint' }
  const hits = new Map<LexiconLanguage, number>()
  for (const token of tokens) {
    for (const language of lexiconLanguages) {
      if (stopwords[language].has(token)) hits.set(language, (hits.get(language) ?? 0) + 1)
    }
  }
  const ranked = [...hits.entries()].sort((a, b) => b[1] - a[1])
  const [first, second] = ranked
  if (first !== undefined && (second === undefined || first[1] >= 2 * second[1]) && (first[0] === 'en' || first[1] >= 2)) {
    return { language: first[0], method: 'stopwords' }
  }
  if (!/\p{L}/u.test(text)) return { language: 'und', method: 'none' }
  const detected = first === undefined ? detect(text) : detect(text, { only: [...lexiconLanguages] })
  return detected === '' ? { language: 'und', method: 'none' } : { language: detected, method: 'tinyld' }
}

export function isLexiconLanguage (language: string): language is Exclude<LexiconLanguage, 'en'> {
  return language === 'es' || language === 'pt' || language === 'fr' || language === 'de'
}

/** A lexicon language is only trusted for sentiment when at least one of its stopwords is present. */
export function hasStopword (language: LexiconLanguage, tokens: readonly string[]): boolean {
  return tokens.some((token) => stopwords[language].has(token))
}
