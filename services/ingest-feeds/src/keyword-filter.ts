export interface KeywordRules {
  /** Keep an item only if it contains at least one of these (when any are given). */
  include: readonly string[]
  /** Drop an item that contains any of these. */
  exclude: readonly string[]
}

export type KeywordVerdict = 'keep' | 'keyword_missing' | 'keyword_excluded'

function normalise (text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase('und')
}

function escape (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A phrase matches as whole words, case- and width-insensitive: "acme" matches "Acme's app" but not "acmeville". */
function phrasePattern (phrase: string): RegExp {
  const words = normalise(phrase).trim().split(/\s+/).map(escape).join('\\s+')
  return new RegExp(`(?<![\\p{L}\\p{N}_])${words}(?![\\p{L}\\p{N}_])`, 'u')
}

/**
 * A tenant's keyword rules for one feed (forums and review sites carry much that is not about the
 * brand): exclusions win over inclusions; with no inclusions every item not excluded is kept.
 */
export function createKeywordFilter (rules: KeywordRules): (text: string) => KeywordVerdict {
  const include = rules.include.filter((k) => k.trim() !== '').map(phrasePattern)
  const exclude = rules.exclude.filter((k) => k.trim() !== '').map(phrasePattern)
  return (text) => {
    const haystack = normalise(text)
    if (exclude.some((pattern) => pattern.test(haystack))) return 'keyword_excluded'
    if (include.length > 0 && !include.some((pattern) => pattern.test(haystack))) return 'keyword_missing'
    return 'keep'
  }
}
