import { type SparseVector } from './features.js'
import { fusedScorerWasm } from './fused-scorer-wasm.js'
import { type LinearModel } from './linear-model.js'

/**
 * The sentiment (softmax), complaint (binary), intent and flag (multilabel) models read the same
 * hashed features; their weights are interleaved here, per bucket, so one pass over a text's
 * features (one memory access per feature instead of one per model) gives every model's raw score.
 *
 * The interleaved weights are quantised to 16 bits with one scale per output (its largest |weight| /
 * 32767), rows padded to a multiple of 8 outputs: 8 MB at 2^18 buckets and 16 columns instead of 16 MB of
 * floats. A raw score differs from the float model's by at most `maxError(x)` (half a quantisation step
 * per feature, ~1e-4): the eval figures match the float models' (8 bits were faster still but moved
 * complaints val macro-F1 by 0.3 points).
 *
 * Most of a text's features share a value (every word n-gram 1/sqrt(words), every character n-gram
 * 1/sqrt(chars)), so where WebAssembly SIMD is available (fused-scorer.wat) the rows of each run of equal
 * values are summed as exact integers, 8 outputs per instruction, and multiplied by the value once per run:
 * several times faster than the float loop, which remains as the fallback.
 */
export interface FusedScorer {
  /**
   * Raw scores: the sentiment classes' (relative to the last class's, which is 0: the same softmax), the
   * complaint score, the intents' base scores (no signals yet), the flag scores.
   */
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
/** Outputs are scored eight at a time (local accumulators in JS, one v128 of Int16 in WASM); rows are padded to a multiple of this. */
const block = 8
/**
 * Features per call of the WASM kernel; longer vectors are scored in chunks. It also bounds a run's length,
 * so a run's integer sums (at most 4096 * 32767 in magnitude) cannot overflow the kernel's i32 lanes.
 */
export const wasmChunkRows = 4096

/** Which inner loop scores: the WebAssembly SIMD kernel, or the float loop in JS. */
export type FusedKernel = 'wasm-simd' | 'js'

/** The part of the WebAssembly API used here (the repo's libs, es2023 and @types/node 20, do not declare it). */
interface WasmApi {
  validate: (bytes: Uint8Array) => boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> }
  Memory: new (descriptor: { initial: number, maximum: number }) => { buffer: ArrayBuffer }
}

/** accumulate(indices, values, n, mask, strideBytes, totals): see fused-scorer.wat. */
type Accumulate = (indices: number, values: number, n: number, mask: number, strideBytes: number, totals: number) => void

/** The WebAssembly API and the kernel's bytes, where both WebAssembly and its SIMD are there (validated per scorer: a 1 kB module). */
function wasmKernel (): { api: WasmApi, bytes: Uint8Array } | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  const bytes = Buffer.from(fusedScorerWasm, 'base64')
  return api !== undefined && api.validate(bytes) ? { api, bytes } : undefined
}

/** Whether `createFusedScorer` will use the WebAssembly SIMD kernel. */
export function wasmSimdAvailable (): boolean {
  return wasmKernel() !== undefined
}

export function createFusedScorer (sentiment: LinearModel, complaint: LinearModel, intents: LinearModel | undefined, flags: LinearModel | undefined): FusedScorer | undefined {
  if (wasmSimdAvailable()) {
    try {
      return createFusedScorerWith(sentiment, complaint, intents, flags, 'wasm-simd')
    } catch (err) {
      // A table too large for a 32-bit WebAssembly memory (or no memory to be had): the JS loop still scores it.
      if (!(err instanceof RangeError)) throw err
    }
  }
  return createFusedScorerWith(sentiment, complaint, intents, flags, 'js')
}

/** `createFusedScorer` with a chosen kernel (tests and benchmarks compare them); 'wasm-simd' throws where it is unavailable. */
export function createFusedScorerWith (sentiment: LinearModel, complaint: LinearModel, intents: LinearModel | undefined, flags: LinearModel | undefined, kernel: FusedKernel): FusedScorer | undefined {
  const bits = complaint.features.bits
  if (sentiment.kind !== 'softmax' || complaint.kind !== 'binary' || sentiment.features.bits !== bits) return undefined
  for (const model of [intents, flags]) if (model !== undefined && (model.kind !== 'multilabel' || model.features.bits !== bits)) return undefined
  const columns = scoreColumns(sentiment, [complaint, ...(intents === undefined ? [] : [intents]), ...(flags === undefined ? [] : [flags])])
  const outputs = sentiment.bias.length + 1 + (intents?.bias.length ?? 0) + (flags?.bias.length ?? 0)
  const stride = Math.ceil(columns.length / block) * block
  const buckets = 1 << bits
  const bias = Float64Array.from(columns, (column) => column.bias)
  const scoreOf = Int32Array.from(columns, (column) => column.score)
  const scale = new Float64Array(stride)
  columns.forEach((column, c) => {
    let largest = 0
    for (let j = 0; j < buckets; j++) largest = Math.max(largest, Math.abs(columnWeight(column, j)))
    scale[c] = largest === 0 ? 1 : largest / quantisedMax
  })
  const wasm = kernel === 'wasm-simd' ? wasmScratch(buckets, stride) : undefined
  // The WASM kernel reads the table from its own memory: quantise straight into it.
  const weights = wasm?.weights ?? new Int16Array(buckets * stride)
  columns.forEach((column, c) => {
    const columnScale = scale[c] as number
    for (let j = 0; j < buckets; j++) weights[j * stride + c] = Math.round(columnWeight(column, j) / columnScale)
  })
  const scores = new Float64Array(outputs)
  const mask = buckets - 1
  let largestScale = 0
  for (let c = 0; c < columns.length; c++) largestScale = Math.max(largestScale, scale[c] as number)
  const finish = { columns: columns.length, bias, scale, scoreOf, scores }
  return {
    scores,
    sentimentOutputs: sentiment.bias.length,
    complaintOutput: sentiment.bias.length,
    intentScores: scores.subarray(sentiment.bias.length + 1, sentiment.bias.length + 1 + (intents?.bias.length ?? 0)),
    flagScores: scores.subarray(outputs - (flags?.bias.length ?? 0)),
    score: wasm === undefined ? jsScore(weights, stride, mask, finish) : wasmScore(wasm, stride, mask, finish),
    maxError: (x) => {
      let total = 0
      for (let i = 0; i < x.length; i++) total += Math.abs(x.values[i] as number)
      return total * largestScale / 2
    },
  }
}

/**
 * One column of the interleaved table: output `k` of a model's `width` interleaved outputs, less output
 * `minus` when that is not -1, and the score it gives.
 */
interface Column {
  bias: number
  weights: Float32Array
  width: number
  k: number
  minus: number
  score: number
}

function columnWeight (column: Column, bucket: number): number {
  const at = bucket * column.width
  const weight = column.weights[at + column.k] as number
  return column.minus < 0 ? weight : weight - (column.weights[at + column.minus] as number)
}

/**
 * The table's columns. A softmax is unchanged by adding one number to every class's score, so the
 * sentiment's last class is folded into the others (column k holds w_k - w_last, and the last class's
 * score stays 0): one column fewer, which keeps the four models' 17 outputs (3 + 1 + 9 + 4) in two
 * blocks of 8 instead of three.
 */
function scoreColumns (softmax: LinearModel, others: readonly LinearModel[]): Column[] {
  const columns: Column[] = []
  const width = softmax.bias.length
  const last = width - 1
  const { weights, bias } = softmax
  for (let k = 0; k < last; k++) columns.push({ bias: (bias[k] as number) - (bias[last] as number), weights, width, k, minus: last, score: k })
  let score = width
  for (const model of others) {
    const outputs = model.bias.length
    for (let k = 0; k < outputs; k++) columns.push({ bias: model.bias[k] as number, weights: model.weights, width: outputs, k, minus: -1, score: score + k })
    score += outputs
  }
  return columns
}

/** What turns a pass's per-column sums into scores. */
interface Finish {
  columns: number
  bias: Float64Array
  scale: Float64Array
  scoreOf: Int32Array
  scores: Float64Array
}

interface WasmScratch {
  accumulate: Accumulate
  /** The table, in the kernel's memory. */
  weights: Int16Array
  /** Byte addresses and views of the scratch region: one chunk of a vector, and the totals. */
  indicesAt: number
  indices: Int32Array
  valuesAt: number
  values: Float32Array
  totalsAt: number
  totals: Float64Array
}

/** A kernel instance with its own memory: the table, then the scratch region; sized once, never grown, so the views stay valid. */
function wasmScratch (buckets: number, stride: number): WasmScratch {
  const kernel = wasmKernel()
  if (kernel === undefined) throw new Error('WebAssembly SIMD is not available')
  const tableBytes = buckets * stride * 2
  const indicesAt = tableBytes
  const valuesAt = indicesAt + wasmChunkRows * 4
  const totalsAt = valuesAt + wasmChunkRows * 4
  const pages = Math.ceil((totalsAt + stride * 8) / 65536)
  const memory = new kernel.api.Memory({ initial: pages, maximum: pages })
  const instance = new kernel.api.Instance(new kernel.api.Module(kernel.bytes), { env: { memory } })
  return {
    accumulate: instance.exports.accumulate as Accumulate,
    weights: new Int16Array(memory.buffer, 0, buckets * stride),
    indicesAt,
    indices: new Int32Array(memory.buffer, indicesAt, wasmChunkRows),
    valuesAt,
    values: new Float32Array(memory.buffer, valuesAt, wasmChunkRows),
    totalsAt,
    totals: new Float64Array(memory.buffer, totalsAt, stride),
  }
}

/** Copies each chunk of the vector into the kernel's memory (a memcpy: cheaper than any loop in JS) and runs the kernel. */
function wasmScore (wasm: WasmScratch, stride: number, mask: number, finish: Finish): (x: SparseVector) => Float64Array {
  const { accumulate, indicesAt, indices, valuesAt, values, totalsAt, totals } = wasm
  const { columns, bias, scale, scoreOf, scores } = finish
  const strideBytes = stride * 2
  return (x) => {
    const n = x.length
    totals.fill(0)
    for (let from = 0; from < n; from += wasmChunkRows) {
      const to = Math.min(n, from + wasmChunkRows)
      indices.set(x.indices.subarray(from, to))
      values.set(x.values.subarray(from, to))
      accumulate(indicesAt, valuesAt, to - from, mask, strideBytes, totalsAt)
    }
    for (let c = 0; c < columns; c++) scores[scoreOf[c] as number] = (bias[c] as number) + (totals[c] as number) * (scale[c] as number)
    return scores
  }
}

/** The float loop: eight outputs at a time in locals, one multiply-add per feature and output. */
function jsScore (weights: Int16Array, stride: number, mask: number, finish: Finish): (x: SparseVector) => Float64Array {
  const { columns, bias, scale, scoreOf, scores } = finish
  let rows = new Int32Array(1024)
  const sums = new Float64Array(block)
  return (x) => {
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
      for (let b = 0; b < block && k + b < columns; b++) scores[scoreOf[k + b] as number] = (bias[k + b] as number) + (sums[b] as number) * (scale[k + b] as number)
    }
    return scores
  }
}
