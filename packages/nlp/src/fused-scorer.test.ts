import { createSparseVector } from './features.js'
import { createFusedScorer } from './fused-scorer.js'
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
  const expected = [...raw(sentiment), raw(complaint)[0] as number, ...raw(intents), ...raw(flags)]
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
