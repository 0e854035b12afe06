import { type SparseVector } from './features.js'
import { type LinearModel } from './linear-model.js'

/**
 * The sentiment (softmax), complaint (binary), intent and flag (multilabel) models read the same
 * hashed features; their weights are interleaved here, per bucket, so one pass over a text's
 * features (one memory access per feature instead of one per model) gives every model's raw score.
 *
 * The interleaved weights are quantised to 16 bits with one scale per output (its largest |weight| /
 * 32767), rows padded to 16 outputs: 8 MB at 2^18 buckets instead of 16 MB of floats, and with the
 * accumulators held in locals scoring is about 2.5 times as fast. A raw score differs from the float
 * model's by at most `maxError(x)` (half a quantisation step per feature, ~1e-4): the eval figures
 * match the float models' (8 bits were faster still but moved complaints val macro-F1 by 0.3 points).
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
  /** The largest difference quantisation can make to any raw score of `x`. */
  maxError: (x: SparseVector) => number
}

const quantisedMax = 32767
/** Outputs are scored eight at a time in local accumulators; rows are padded to a multiple of this. */
const block = 8

export function createFusedScorer (sentiment: LinearModel, complaint: LinearModel, intents: LinearModel | undefined, flags: LinearModel | undefined): FusedScorer | undefined {
  const bits = complaint.features.bits
  if (sentiment.kind !== 'softmax' || complaint.kind !== 'binary' || sentiment.features.bits !== bits) return undefined
  for (const model of [intents, flags]) if (model !== undefined && (model.kind !== 'multilabel' || model.features.bits !== bits)) return undefined
  const parts = [sentiment, complaint, ...(intents === undefined ? [] : [intents]), ...(flags === undefined ? [] : [flags])]
  const widths = parts.map((model) => model.bias.length)
  const outputs = widths.reduce((sum, width) => sum + width, 0)
  const stride = Math.ceil(outputs / block) * block
  const buckets = 1 << bits
  const bias = new Float64Array(outputs)
  const scale = new Float64Array(stride)
  let offset = 0
  parts.forEach((model, p) => {
    const width = widths[p] as number
    for (let k = 0; k < width; k++) {
      bias[offset + k] = model.bias[k] as number
      let largest = 0
      for (let j = 0; j < buckets; j++) largest = Math.max(largest, Math.abs(model.weights[j * width + k] as number))
      scale[offset + k] = largest === 0 ? 1 : largest / quantisedMax
    }
    offset += width
  })
  const weights = new Int16Array(buckets * stride)
  offset = 0
  parts.forEach((model, p) => {
    const width = widths[p] as number
    for (let j = 0; j < buckets; j++) {
      for (let k = 0; k < width; k++) weights[j * stride + offset + k] = Math.round((model.weights[j * width + k] as number) / (scale[offset + k] as number))
    }
    offset += width
  })
  const scores = new Float64Array(outputs)
  const mask = buckets - 1
  let rows = new Int32Array(1024)
  const sums = new Float64Array(block)
  const score = (x: SparseVector): Float64Array => {
    const n = x.length
    if (rows.length < n) rows = new Int32Array(n * 2)
    for (let i = 0; i < n; i++) rows[i] = ((x.indices[i] as number) & mask) * stride
    for (let k = 0; k < stride; k += block) {
      let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let s4 = 0; let s5 = 0; let s6 = 0; let s7 = 0
      for (let i = 0; i < n; i++) {
        const at = (rows[i] as number) + k
        const value = x.values[i] as number
        s0 += (weights[at] as number) * value
        s1 += (weights[at + 1] as number) * value
        s2 += (weights[at + 2] as number) * value
        s3 += (weights[at + 3] as number) * value
        s4 += (weights[at + 4] as number) * value
        s5 += (weights[at + 5] as number) * value
        s6 += (weights[at + 6] as number) * value
        s7 += (weights[at + 7] as number) * value
      }
      sums[0] = s0; sums[1] = s1; sums[2] = s2; sums[3] = s3; sums[4] = s4; sums[5] = s5; sums[6] = s6; sums[7] = s7
      for (let b = 0; b < block && k + b < outputs; b++) scores[k + b] = (bias[k + b] as number) + (sums[b] as number) * (scale[k + b] as number)
    }
    return scores
  }
  let largestScale = 0
  for (let k = 0; k < outputs; k++) largestScale = Math.max(largestScale, scale[k] as number)
  return {
    scores,
    sentimentOutputs: sentiment.bias.length,
    complaintOutput: sentiment.bias.length,
    intentScores: scores.subarray(sentiment.bias.length + 1, sentiment.bias.length + 1 + (intents?.bias.length ?? 0)),
    flagScores: scores.subarray(outputs - (flags?.bias.length ?? 0)),
    score,
    maxError: (x) => {
      let total = 0
      for (let i = 0; i < x.length; i++) total += Math.abs(x.values[i] as number)
      return total * largestScale / 2
    },
  }
}
