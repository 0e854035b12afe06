import { type SparseVector } from './features.js'
import { type LinearModel } from './linear-model.js'

/**
 * The sentiment (softmax), complaint (binary) and intent (multilabel) models read the same hashed
 * features; their weights are interleaved here, per bucket, so one pass over a text's features (one
 * memory access per feature instead of one per model) gives every model's raw score. Scores are
 * summed in the same order as `predictProbabilities`, so the results are identical.
 */
export interface FusedScorer {
  /** Raw scores: sentiment classes, the complaint score, the intents' base scores (no signals yet), the flag scores. */
  readonly scores: Float64Array
  readonly sentimentOutputs: number
  readonly complaintOutput: number
  /** Views of `scores` (empty when that model is absent). */
  readonly intentScores: Float64Array
  readonly flagScores: Float64Array
  score: (x: SparseVector) => Float64Array
}

export function createFusedScorer (sentiment: LinearModel, complaint: LinearModel, intents: LinearModel | undefined, flags: LinearModel | undefined): FusedScorer | undefined {
  const bits = complaint.features.bits
  if (sentiment.kind !== 'softmax' || complaint.kind !== 'binary' || sentiment.features.bits !== bits) return undefined
  for (const model of [intents, flags]) if (model !== undefined && (model.kind !== 'multilabel' || model.features.bits !== bits)) return undefined
  const parts = [sentiment, complaint, ...(intents === undefined ? [] : [intents]), ...(flags === undefined ? [] : [flags])]
  const widths = parts.map((model) => model.bias.length)
  const stride = widths.reduce((sum, width) => sum + width, 0)
  const buckets = 1 << bits
  const weights = new Float32Array(buckets * stride)
  const bias = new Float64Array(stride)
  let offset = 0
  parts.forEach((model, p) => {
    const width = widths[p] as number
    for (let k = 0; k < width; k++) bias[offset + k] = model.bias[k] as number
    for (let j = 0; j < buckets; j++) {
      for (let k = 0; k < width; k++) weights[j * stride + offset + k] = model.weights[j * width + k] as number
    }
    offset += width
  })
  const scores = new Float64Array(stride)
  const mask = buckets - 1
  return {
    scores,
    sentimentOutputs: sentiment.bias.length,
    complaintOutput: sentiment.bias.length,
    intentScores: scores.subarray(sentiment.bias.length + 1, sentiment.bias.length + 1 + (intents?.bias.length ?? 0)),
    flagScores: scores.subarray(stride - (flags?.bias.length ?? 0)),
    score: (x) => {
      scores.set(bias)
      for (let i = 0; i < x.length; i++) {
        const base = ((x.indices[i] as number) & mask) * stride
        const value = x.values[i] as number
        for (let k = 0; k < stride; k++) scores[k] = (scores[k] as number) + (weights[base + k] as number) * value
      }
      return scores
    },
  }
}
