import { finalise, fnvOffset, fnvPrime, fnvString } from './hash.js'
import { lexiconFor } from './lexicons.js'
import { characterUnits, type CodeUnitBuffer, markers, tokenise } from './tokenise.js'
import { createBitSet } from './word-filter.js'

export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  bits: number
  wordBigrams: boolean
  /** Character n-gram lengths, inclusive; `charMax: 0` turns them off. */
  charMin: number
  charMax: number
  /** AFINN and emoji polarity sums as extra features. */
  lexicon: boolean
}

export const defaultFeatureConfig: FeatureConfig = { bits: 18, wordBigrams: true, charMin: 3, charMax: 5, lexicon: true }

/** A reusable sparse vector: the first `length` entries of `indices`/`values` are live. */
export interface SparseVector {
  indices: Int32Array
  values: Float32Array
  length: number
}

export function createSparseVector (capacity = 4096): SparseVector {
  return { indices: new Int32Array(capacity), values: new Float32Array(capacity), length: 0 }
}

const unigramSeed = fnvString(fnvOffset, 'w:')
const bigramSeed = fnvString(fnvOffset, 'b:')
const charSeed = fnvString(fnvOffset, 'c:')

/** The bucket of a named dense feature (rule hits, model outputs) in a `bits`-bit space. */
export function hashFeature (name: string, bits: number): number {
  return finalise(fnvString(fnvOffset, name)) & ((1 << bits) - 1)
}

export function pushFeature (vector: SparseVector, index: number, value: number): void {
  push(vector, index, value)
}

function push (vector: SparseVector, index: number, value: number): void {
  reserve(vector, 1)
  vector.indices[vector.length] = index
  vector.values[vector.length] = value
  vector.length++
}

/** Makes room for `extra` more entries after `vector.length` (at least doubling, so pushes stay cheap). */
function reserve (vector: SparseVector, extra: number): void {
  if (vector.length + extra <= vector.indices.length) return
  const capacity = Math.max(vector.indices.length * 2, vector.length + extra)
  const indices = new Int32Array(capacity)
  indices.set(vector.indices.subarray(0, vector.length))
  const values = new Float32Array(capacity)
  values.set(vector.values.subarray(0, vector.length))
  vector.indices = indices
  vector.values = values
}

/** How many n-grams of lengths `min`..`max` a string of `length` characters has. */
function charNgramCount (length: number, min: number, max: number): number {
  let count = 0
  for (let n = min; n <= max; n++) count += Math.max(0, length - n + 1)
  return count
}

export interface LexiconSummary {
  positive: number
  negative: number
  last: number
}

/** The English lexicons natural ships; each adds its own polarity features. */
export const englishLexiconTypes = ['afinn', 'senticon', 'pattern'] as const

/** Polarity sums over tokens for one lexicon; `NEG_` tokens count at half weight with the opposite sign. */
export function summariseLexicon (tokens: readonly string[], polarity: ReadonlyMap<string, number>): LexiconSummary {
  const summary = { positive: 0, negative: 0, last: 0 }
  for (const token of tokens) {
    let score: number | undefined
    if (token === markers.positiveEmoji) score = 0.5
    else if (token === markers.negativeEmoji) score = -0.5
    else if (token.startsWith(markers.negationPrefix)) {
      const base = polarity.get(token.slice(markers.negationPrefix.length))
      score = base === undefined ? undefined : -base / 2
    } else score = polarity.get(token)
    if (score === undefined) continue
    if (score > 0) summary.positive += score
    else summary.negative -= score
    summary.last = score
  }
  return summary
}

const lexiconFeatureNames = ['pos', 'neg', 'last', 'haspos', 'hasneg', 'none'] as const

function addLexiconFeatures (out: SparseVector, indices: readonly number[], summary: LexiconSummary): void {
  const values = [
    Math.log1p(summary.positive), Math.log1p(summary.negative), summary.last,
    summary.positive > 0 ? 1 : 0, summary.negative > 0 ? 1 : 0,
    summary.positive === 0 && summary.negative === 0 ? 1 : 0,
  ]
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (value !== 0) push(out, indices[i] as number, value)
  }
}

export interface Featurizer {
  readonly config: FeatureConfig
  /** Fills `out` (reset first) with the hashed features of `text`; returns it. */
  extract: (text: string, out: SparseVector) => SparseVector
  extractTokens: (text: string, tokens: readonly string[], out: SparseVector) => SparseVector
}

export function createFeaturizer (config: FeatureConfig): Featurizer {
  const mask = (1 << config.bits) - 1
  const lexicons = englishLexiconTypes.map((type) => ({
    polarity: lexiconFor('en', type).polarity,
    indices: lexiconFeatureNames.map((name) => finalise(fnvString(fnvOffset, `${type}:${name}`)) & mask),
  }))
  // One map lookup per token for all lexicons (NaN = absent) instead of one per lexicon; same sums as summariseLexicon.
  const combined = new Map<string, Float64Array>()
  lexicons.forEach(({ polarity }, l) => {
    for (const [word, score] of polarity) {
      let scores = combined.get(word)
      if (scores === undefined) {
        scores = new Float64Array(lexicons.length).fill(NaN)
        combined.set(word, scores)
      }
      scores[l] = score
    }
  })
  // A word's unigram feature index, as one bit: a token whose bit is clear is in no lexicon, so most
  // tokens skip the map (a cache miss into a large table) and are decided from 32 KB.
  const inLexicon = createBitSet(mask + 1)
  for (const word of combined.keys()) inLexicon.add(finalise(fnvString(unigramSeed, word)))
  let tokenIndices = new Int32Array(256)
  const summaries: LexiconSummary[] = lexicons.map(() => ({ positive: 0, negative: 0, last: 0 }))
  const add = (summary: LexiconSummary, score: number): void => {
    if (score > 0) summary.positive += score
    else summary.negative -= score
    summary.last = score
  }
  /** `indices[i]`: token i's unigram feature index, which extractTokens has just computed. */
  const summariseAll = (tokens: readonly string[], indices: Int32Array): void => {
    for (const summary of summaries) {
      summary.positive = 0
      summary.negative = 0
      summary.last = 0
    }
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string
      if (token === markers.positiveEmoji || token === markers.negativeEmoji) {
        const score = token === markers.positiveEmoji ? 0.5 : -0.5
        for (const summary of summaries) add(summary, score)
        continue
      }
      const negated = token.startsWith(markers.negationPrefix)
      if (!inLexicon.has(negated ? finalise(fnvString(unigramSeed, token, markers.negationPrefix.length)) : indices[i] as number)) continue
      const scores = combined.get(negated ? token.slice(markers.negationPrefix.length) : token)
      if (scores === undefined) continue
      for (let l = 0; l < summaries.length; l++) {
        const score = scores[l] as number
        if (Number.isNaN(score)) continue
        add(summaries[l] as LexiconSummary, negated ? -score / 2 : score)
      }
    }
  }
  const characters: CodeUnitBuffer = { units: new Uint16Array(512) }
  const extractTokens = (text: string, tokens: readonly string[], out: SparseVector): SparseVector => {
    const charLength = config.charMax > 0 ? characterUnits(text, characters) : 0
    const chars = characters.units
    const wordCount = tokens.length * (config.wordBigrams ? 2 : 1)
    const charCount = charNgramCount(charLength, config.charMin, config.charMax)
    reserve(out, wordCount + charCount + lexicons.length * lexiconFeatureNames.length)
    const { indices, values } = out
    // Word and character features are each scaled to unit length, so the ~300 character n-grams of a
    // tweet do not drown its ~40 word features.
    const wordValue = wordCount === 0 ? 1 : 1 / Math.sqrt(wordCount)
    let at = 0
    if (tokenIndices.length < tokens.length) tokenIndices = new Int32Array(tokens.length * 2)
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string
      const unigram = finalise(fnvString(unigramSeed, token)) & mask
      tokenIndices[i] = unigram
      indices[at] = unigram
      values[at++] = wordValue
      if (config.wordBigrams) {
        const left = i === 0 ? '<S>' : tokens[i - 1] as string
        indices[at] = finalise(fnvString(fnvString(fnvString(bigramSeed, left), ' '), token)) & mask
        values[at++] = wordValue
      }
    }
    const charValue = charCount === 0 ? 1 : 1 / Math.sqrt(charCount)
    for (let start = 0; start + config.charMin <= charLength; start++) {
      let hash = charSeed
      for (let n = 1; n <= config.charMax && start + n <= charLength; n++) {
        hash = Math.imul(hash ^ (chars[start + n - 1] as number), fnvPrime)
        if (n >= config.charMin) {
          indices[at] = finalise(hash) & mask
          values[at++] = charValue
        }
      }
    }
    out.length = at
    if (config.lexicon) {
      summariseAll(tokens, tokenIndices)
      lexicons.forEach((lexicon, l) => addLexiconFeatures(out, lexicon.indices, summaries[l] as LexiconSummary))
    }
    return out
  }
  return {
    config,
    extract: (text, out) => extractTokens(text, tokenise(text), out),
    extractTokens,
  }
}
