import { compileScorerWasm } from '../scripts/build-scorer-wasm.js'
import { createSparseVector, type SparseVector } from './features.js'
import { createFusedScorer, createFusedScorerWith, type FusedScorer, wasmChunkRows, wasmSimdAvailable } from './fused-scorer.js'
import { fusedScorerWasm } from './fused-scorer-wasm.js'
import { createLinearModel, type LinearModel, predictProbabilities, softmaxInPlace } from './linear-model.js'
import { createPrng } from './prng.js'
import { defaultFeatureConfig } from './features.js'

const features = { ...defaultFeatureConfig, bits: 6 }

function randomised (model: LinearModel, seed: number): LinearModel {
  const random = createPrng(seed)
  for (let i = 0; i < model.weights.length; i++) model.weights[i] = random() * 2 - 1
  for (let k = 0; k < model.bias.length; k++) model.bias[k] = random() - 0.5
  return model
}

test('one fused pass gives the scores of the separate models, within the bound of its 16-bit weights', () => {
  const sentiment = randomised(createLinearModel('softmax', ['negative', 'neutral', 'positive'], features), 1)
  const complaint = randomised(createLinearModel('binary', ['other', 'complaint'], features), 2)
  const intents = randomised(createLinearModel('multilabel', ['complaint', 'question', 'praise'], features), 3)
  const flags = randomised(createLinearModel('multilabel', ['safety', 'legalThreat'], features), 4)
  const fused = createFusedScorer(sentiment, complaint, intents, flags)
  if (fused === undefined) throw new Error('expected a fused scorer')
  const x = createSparseVector(4)
  for (const [index, value] of [[3, 0.5], [17, 1], [63, 0.25], [3, 1]] as const) {
    x.indices[x.length] = index
    x.values[x.length] = value
    x.length++
  }
  fused.score(x)
  const bound = fused.maxError(x)
  expect(bound).toBeGreaterThan(0)
  expect(bound).toBeLessThan(1e-4)
  const raw = (model: LinearModel): number[] => Array.from(model.bias, (bias, k) => {
    let sum = bias
    for (let i = 0; i < x.length; i++) sum += (model.weights[(x.indices[i] as number) * model.bias.length + k] as number) * (x.values[i] as number)
    return sum
  })
  // The sentiment's scores are relative to its last class's (softmax is the same).
  const sentimentRaw = raw(sentiment)
  const expected = [...sentimentRaw.map((score) => score - (sentimentRaw[2] as number)), raw(complaint)[0] as number, ...raw(intents), ...raw(flags)]
  const got = [...Array.from(fused.scores.slice(0, 3)), fused.scores[fused.complaintOutput] as number, ...Array.from(fused.intentScores), ...Array.from(fused.flagScores)]
  expect(got).toHaveLength(expected.length)
  got.forEach((score, k) => { expect(Math.abs(score - (expected[k] as number))).toBeLessThanOrEqual(bound) })
  // The probabilities the classifier reads agree with the separate models' to four decimals.
  const sentimentOut = softmaxInPlace(fused.scores.slice(0, 3))
  Array.from(predictProbabilities(sentiment, x, new Float64Array(3))).forEach((p, k) => { expect(sentimentOut[k]).toBeCloseTo(p, 4) })
  expect(1 / (1 + Math.exp(-(fused.scores[fused.complaintOutput] as number)))).toBeCloseTo(predictProbabilities(complaint, x, new Float64Array(2))[1] as number, 4)
})

test('models with different hash spaces are not fused', () => {
  const sentiment = createLinearModel('softmax', ['negative', 'neutral', 'positive'], features)
  const complaint = createLinearModel('binary', ['other', 'complaint'], { ...features, bits: 7 })
  expect(createFusedScorer(sentiment, complaint, undefined, undefined)).toBeUndefined()
})

/** Every raw score of the four models in the fused order, in float64 from the float weights (a softmax's relative to its last class). */
function floatScores (models: readonly LinearModel[], x: SparseVector): number[] {
  return models.flatMap((model) => {
    const outputs = model.bias.length
    const mask = (1 << model.features.bits) - 1
    const scores = Array.from(model.bias, (bias, k) => {
      let sum = bias
      for (let i = 0; i < x.length; i++) sum += (model.weights[((x.indices[i] as number) & mask) * outputs + k] as number) * (x.values[i] as number)
      return sum
    })
    return model.kind === 'softmax' ? scores.map((score) => score - (scores[outputs - 1] as number)) : scores
  })
}

function labels (count: number): string[] {
  return Array.from({ length: count }, (_, k) => `label${k}`)
}

/** A vector of runs of equal values (as the featurizer writes them) mixed with arbitrary values; any int32 index. */
function randomVector (random: () => number, length: number): SparseVector {
  const x = createSparseVector(Math.max(1, length))
  while (x.length < length) {
    const run = random() < 0.5 ? 1 : Math.ceil(random() * (random() < 0.1 ? 3 * wasmChunkRows : 60))
    const value = random() < 0.1 ? 0 : (random() * 2 - 1) * (random() < 0.2 ? 10 : 1)
    for (let i = 0; i < run && x.length < length; i++) {
      x.indices[x.length] = (random() * 2 ** 32) | 0
      x.values[x.length] = value
      x.length++
    }
  }
  return x
}

/** The part of the WebAssembly global the tests spy on (the repo's TypeScript libs do not declare it). */
function wasmApi (): { validate: (bytes: Uint8Array) => boolean, Memory: new (descriptor: { initial: number, maximum: number }) => object } {
  return (globalThis as unknown as { WebAssembly: ReturnType<typeof wasmApi> }).WebAssembly
}

describe('the WebAssembly SIMD kernel', () => {
  test('its committed bytes are the compiled fused-scorer.wat (rerun scripts/build-scorer-wasm.ts after editing it)', async () => {
    const bytes = await compileScorerWasm()
    expect(Buffer.from(bytes).equals(Buffer.from(fusedScorerWasm, 'base64'))).toBe(true)
  })

  test('is available on the Node versions the repo supports, and createFusedScorer uses it', () => {
    expect(wasmSimdAvailable()).toBe(true)
    const api = wasmApi()
    const Memory = api.Memory
    const memory = jest.spyOn(api, 'Memory').mockImplementation((descriptor) => new Memory(descriptor))
    try {
      const sentiment = createLinearModel('softmax', ['negative', 'neutral', 'positive'], features)
      createFusedScorer(sentiment, createLinearModel('binary', ['other', 'complaint'], features), undefined, undefined)
      expect(memory).toHaveBeenCalledTimes(1)
    } finally {
      memory.mockRestore()
    }
  })

  // Columns (the sentiment's three outputs take two): 3 (the last-8 pass alone), 15 (one 16-output pass), 23 (both),
  // 37 (two 16-output passes and the last 8).
  test.each([
    [0, 0],
    [9, 3],
    [17, 3],
    [31, 3],
  ])('gives the JS loop\'s scores and stays within maxError of the float models (%i intents, %i flags)', (intentCount, flagCount) => {
    const sentiment = randomised(createLinearModel('softmax', ['negative', 'neutral', 'positive'], features), 11)
    const complaint = randomised(createLinearModel('binary', ['other', 'complaint'], features), 12)
    const intents = intentCount === 0 ? undefined : randomised(createLinearModel('multilabel', labels(intentCount), features), 13)
    const flags = flagCount === 0 ? undefined : randomised(createLinearModel('multilabel', labels(flagCount), features), 14)
    const models = [sentiment, complaint, ...(intents === undefined ? [] : [intents]), ...(flags === undefined ? [] : [flags])]
    const wasm = createFusedScorerWith(sentiment, complaint, intents, flags, 'wasm-simd') as FusedScorer
    const js = createFusedScorerWith(sentiment, complaint, intents, flags, 'js') as FusedScorer
    const random = createPrng(intentCount + 100)
    // Lengths: none, one feature, tweets, and past one and two chunks of the kernel's scratch space.
    const lengths = [0, 1, 2, 7, ...Array.from({ length: 40 }, () => Math.floor(random() * 800)), wasmChunkRows, wasmChunkRows + 1, 2 * wasmChunkRows + 321]
    for (const length of lengths) {
      const x = randomVector(random, length)
      const expected = floatScores(models, x)
      const fromJs = Array.from(js.score(x))
      const fromWasm = Array.from(wasm.score(x))
      const bound = wasm.maxError(x)
      expect(fromWasm).toHaveLength(expected.length)
      fromWasm.forEach((score, k) => {
        // The integer sums are exact, so the two paths differ only by float rounding; both are within the bound.
        expect(Math.abs(score - (fromJs[k] as number))).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(score)))
        expect(Math.abs(score - (expected[k] as number))).toBeLessThanOrEqual(bound)
        expect(Math.abs((fromJs[k] as number) - (expected[k] as number))).toBeLessThanOrEqual(bound)
      })
      if (length === 0) expect(fromWasm).toEqual(floatScores(models, x))
    }
  })

  test('sums a long run of the largest weights without overflowing its 32-bit integer sums', () => {
    const sentiment = createLinearModel('softmax', ['negative', 'neutral', 'positive'], features)
    const complaint = createLinearModel('binary', ['other', 'complaint'], features)
    // Per bucket: negative 1, neutral -1, positive 0, so the folded columns hold 1 and -1.
    for (let j = 0; j < sentiment.weights.length; j += 3) sentiment.weights.set([1, -1, 0], j)
    complaint.weights.fill(-1)
    const wasm = createFusedScorerWith(sentiment, complaint, undefined, undefined, 'wasm-simd') as FusedScorer
    // 70,000 * 32767 is past 2^31: only the chunking keeps each integer sum in range.
    const x = createSparseVector(70_000)
    x.indices.fill(5)
    x.values.fill(1)
    x.length = 70_000
    expect(Array.from(wasm.score(x))).toEqual([70_000, -70_000, 0, -70_000])
  })

  test('createFusedScorer falls back to the JS loop where WebAssembly SIMD does not validate', () => {
    const sentiment = randomised(createLinearModel('softmax', ['negative', 'neutral', 'positive'], features), 21)
    const complaint = randomised(createLinearModel('binary', ['other', 'complaint'], features), 22)
    const x = randomVector(createPrng(23), 300)
    const expected = Array.from((createFusedScorerWith(sentiment, complaint, undefined, undefined, 'js') as FusedScorer).score(x))
    const api = wasmApi()
    const validate = jest.spyOn(api, 'validate').mockReturnValue(false)
    // Were the kernel instantiated anyway, this would fail the test.
    const memory = jest.spyOn(api, 'Memory').mockImplementation(() => { throw new Error('the kernel was used') })
    try {
      expect(wasmSimdAvailable()).toBe(false)
      const fallback = createFusedScorer(sentiment, complaint, undefined, undefined) as FusedScorer
      expect(Array.from(fallback.score(x))).toEqual(expected)
      expect(validate).toHaveBeenCalled()
    } finally {
      validate.mockRestore()
      memory.mockRestore()
    }
  })
})
