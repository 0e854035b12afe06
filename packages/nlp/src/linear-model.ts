import { NlpModelError, NlpError } from './errors.js'
import { type FeatureConfig, type SparseVector } from './features.js'
import { createPrng, shuffleInPlace } from './prng.js'

/**
 * A hashed sparse linear model. `softmax` has one weight row per class; `binary` has one output
 * (the score of `classes[1]`) squashed by a sigmoid; `multilabel` has one independent sigmoid output
 * per class (interleaved, so one pass over the features scores every label).
 */
export interface LinearModel {
  kind: 'softmax' | 'binary' | 'multilabel'
  classes: string[]
  features: FeatureConfig
  /** Weight of bucket j for output k at `j * outputs + k`. */
  weights: Float32Array
  bias: Float32Array
}

export interface TrainingExample {
  x: SparseVector
  /** The class index; for `multilabel`, a bit mask (bit k set when `classes[k]` applies). */
  y: number
}

export interface TrainingOptions {
  epochs: number
  learningRate: number
  l2: number
  seed: number
  /** 0 = plain loss, 1 = fully class-balanced (weights ∝ 1 / class frequency); in between softens it. */
  classBalance: number
  /** Return the average of the weights over every step (Polyak averaging) instead of the last ones. */
  average: boolean
  onEpoch?: (epoch: number, model: LinearModel) => void
}

export function outputCount (model: Pick<LinearModel, 'kind' | 'classes'>): number {
  return model.kind === 'binary' ? 1 : model.classes.length
}

export function createLinearModel (kind: LinearModel['kind'], classes: string[], features: FeatureConfig): LinearModel {
  if (kind === 'binary' && classes.length !== 2) throw new NlpError('NLP_ERR_TRAINING', 'a binary model needs exactly two classes')
  if (kind === 'multilabel' && classes.length > 31) throw new NlpError('NLP_ERR_TRAINING', 'a multilabel model has at most 31 labels (bit-mask targets)')
  const outputs = kind === 'binary' ? 1 : classes.length
  return { kind, classes, features, weights: new Float32Array((1 << features.bits) * outputs), bias: new Float32Array(outputs) }
}

/** Writes class probabilities for `x` into `out` (length = number of classes) and returns it. */
export function predictProbabilities (model: LinearModel, x: SparseVector, out: Float64Array): Float64Array {
  const { weights, bias } = model
  // A model may use fewer hash bits than the features it reads (masking keeps the low bits, already mixed).
  const mask = (1 << model.features.bits) - 1
  if (model.kind === 'multilabel') {
    const outputs = model.classes.length
    for (let k = 0; k < outputs; k++) out[k] = bias[k] as number
    for (let i = 0; i < x.length; i++) {
      const base = ((x.indices[i] as number) & mask) * outputs
      const value = x.values[i] as number
      for (let k = 0; k < outputs; k++) out[k] = (out[k] as number) + (weights[base + k] as number) * value
    }
    for (let k = 0; k < outputs; k++) out[k] = 1 / (1 + Math.exp(-(out[k] as number)))
    return out
  }
  if (model.kind === 'binary') {
    let score = bias[0] as number
    for (let i = 0; i < x.length; i++) score += (weights[(x.indices[i] as number) & mask] as number) * (x.values[i] as number)
    const p = 1 / (1 + Math.exp(-score))
    out[0] = 1 - p
    out[1] = p
    return out
  }
  const outputs = model.classes.length
  for (let k = 0; k < outputs; k++) out[k] = bias[k] as number
  for (let i = 0; i < x.length; i++) {
    const base = ((x.indices[i] as number) & mask) * outputs
    const value = x.values[i] as number
    for (let k = 0; k < outputs; k++) out[k] = (out[k] as number) + (weights[base + k] as number) * value
  }
  return softmaxInPlace(out, outputs)
}

/** Turns raw scores (the first `outputs` entries) into probabilities. */
export function softmaxInPlace (out: Float64Array, outputs = out.length): Float64Array {
  let max = -Infinity
  for (let k = 0; k < outputs; k++) max = Math.max(max, out[k] as number)
  let sum = 0
  for (let k = 0; k < outputs; k++) {
    const e = Math.exp((out[k] as number) - max)
    out[k] = e
    sum += e
  }
  for (let k = 0; k < outputs; k++) out[k] = (out[k] as number) / sum
  return out
}

/**
 * Trains in place with AdaGrad step sizes (per-weight, so rare n-grams still move) and L2 applied to
 * the weights an example touches. The example order is shuffled each epoch by a seeded PRNG, so the
 * same data, options and seed give the same weights.
 */
export function trainLinearModel (model: LinearModel, examples: readonly TrainingExample[], options: TrainingOptions): LinearModel {
  const outputs = outputCount(model)
  const classCount = model.classes.length
  const multilabel = model.kind === 'multilabel'
  const counts = new Float64Array(classCount)
  if (multilabel) {
    for (const example of examples) for (let k = 0; k < classCount; k++) if ((example.y & (1 << k)) !== 0) counts[k] = (counts[k] as number) + 1
  } else for (const example of examples) counts[example.y] = (counts[example.y] as number) + 1
  const balance = (count: number, classes: number): number => count === 0 ? 0 : Math.pow(examples.length / (classes * count), options.classBalance)
  const classWeights = Array.from(counts, (count) => balance(count, classCount))
  // Per label of a multilabel model: the weights of its positive and negative examples, as a binary model would use.
  const positiveWeights = Array.from(counts, (count) => balance(count, 2))
  const negativeWeights = Array.from(counts, (count) => balance(examples.length - count, 2))
  const random = createPrng(options.seed)
  const order = examples.map((_, index) => index)
  const { weights, bias } = model
  const weightSquares = new Float32Array(weights.length)
  const biasSquares = new Float32Array(bias.length)
  const probabilities = new Float64Array(classCount)
  const errors = new Float64Array(outputs)
  const { learningRate: rate, l2 } = options
  const mask = (1 << model.features.bits) - 1
  // Averaging without touching every weight each step: sum step-weighted updates, then w - sum / steps.
  const weightSums = options.average ? new Float32Array(weights.length) : undefined
  const biasSums = options.average ? new Float64Array(bias.length) : undefined
  let step = 0
  const averaged = (): LinearModel => {
    if (weightSums === undefined || biasSums === undefined || step === 0) return model
    const copy = createLinearModel(model.kind, model.classes, model.features)
    for (let i = 0; i < weights.length; i++) copy.weights[i] = (weights[i] as number) - (weightSums[i] as number) / step
    for (let k = 0; k < bias.length; k++) copy.bias[k] = (bias[k] as number) - (biasSums[k] as number) / step
    return copy
  }
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    shuffleInPlace(order, random)
    for (const index of order) {
      const { x, y } = examples[index] as TrainingExample
      step++
      predictProbabilities(model, x, probabilities)
      const weight = multilabel ? 1 : classWeights[y] as number
      if (multilabel) {
        for (let k = 0; k < outputs; k++) {
          const positive = (y & (1 << k)) !== 0
          errors[k] = ((probabilities[k] as number) - (positive ? 1 : 0)) * (positive ? positiveWeights[k] as number : negativeWeights[k] as number)
        }
      } else if (model.kind === 'binary') errors[0] = ((probabilities[1] as number) - y) * weight
      else for (let k = 0; k < outputs; k++) errors[k] = ((probabilities[k] as number) - (k === y ? 1 : 0)) * weight
      for (let k = 0; k < outputs; k++) {
        const g = errors[k] as number
        biasSquares[k] = (biasSquares[k] as number) + g * g
        const delta = rate * g / (Math.sqrt(biasSquares[k] as number) + 1e-8)
        bias[k] = (bias[k] as number) - delta
        if (biasSums !== undefined) biasSums[k] = (biasSums[k] as number) - step * delta
      }
      for (let i = 0; i < x.length; i++) {
        const base = ((x.indices[i] as number) & mask) * outputs
        const value = x.values[i] as number
        for (let k = 0; k < outputs; k++) {
          const at = base + k
          const w = weights[at] as number
          const g = (errors[k] as number) * value + l2 * w
          const squares = (weightSquares[at] as number) + g * g
          weightSquares[at] = squares
          const delta = rate * g / (Math.sqrt(squares) + 1e-8)
          weights[at] = w - delta
          if (weightSums !== undefined) weightSums[at] = (weightSums[at] as number) - step * delta
        }
      }
    }
    options.onEpoch?.(epoch, averaged())
  }
  return averaged()
}

const magic = 0x4d4c5345 // 'ESLM' little-endian
const formatVersion = 1

interface ModelHeader {
  kind: LinearModel['kind']
  classes: string[]
  features: FeatureConfig
}

/** Binary layout: magic, format version, header length, JSON header (padded to 4 bytes), bias, weights (Float32 LE). */
export function serialiseLinearModel (model: LinearModel): Buffer {
  const header = Buffer.from(JSON.stringify({ kind: model.kind, classes: model.classes, features: model.features } satisfies ModelHeader))
  const headerLength = Math.ceil(header.length / 4) * 4
  const buffer = Buffer.alloc(12 + headerLength + (model.bias.length + model.weights.length) * 4, 0x20)
  buffer.writeUInt32LE(magic, 0)
  buffer.writeUInt32LE(formatVersion, 4)
  buffer.writeUInt32LE(headerLength, 8)
  header.copy(buffer, 12)
  let offset = 12 + headerLength
  for (const array of [model.bias, model.weights]) {
    for (let i = 0; i < array.length; i++, offset += 4) buffer.writeFloatLE(array[i] as number, offset)
  }
  return buffer
}

export function deserialiseLinearModel (buffer: Buffer, name = 'model'): LinearModel {
  if (buffer.length < 12 || buffer.readUInt32LE(0) !== magic) throw new NlpModelError('NLP_ERR_MODEL_CORRUPT', `${name}: not an Earshot linear model`)
  if (buffer.readUInt32LE(4) !== formatVersion) throw new NlpModelError('NLP_ERR_MODEL_CORRUPT', `${name}: unsupported format version ${buffer.readUInt32LE(4)}`)
  const headerLength = buffer.readUInt32LE(8)
  let header: ModelHeader
  try {
    header = JSON.parse(buffer.subarray(12, 12 + headerLength).toString('utf8')) as ModelHeader
  } catch (cause) {
    throw new NlpModelError('NLP_ERR_MODEL_CORRUPT', `${name}: unreadable header`, { cause })
  }
  const model = createLinearModel(header.kind, header.classes, header.features)
  const expected = 12 + headerLength + (model.bias.length + model.weights.length) * 4
  if (buffer.length !== expected) {
    throw new NlpModelError('NLP_ERR_MODEL_CORRUPT', `${name}: ${buffer.length} bytes, expected ${expected} for ${header.features.bits}-bit ${header.kind} model`)
  }
  let offset = 12 + headerLength
  for (const array of [model.bias, model.weights]) {
    for (let i = 0; i < array.length; i++, offset += 4) array[i] = buffer.readFloatLE(offset)
  }
  return model
}
