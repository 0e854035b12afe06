import { createFeaturizer, createSparseVector, defaultFeatureConfig, type SparseVector } from './features.js'
import { createLinearModel, deserialiseLinearModel, predictProbabilities, serialiseLinearModel, trainLinearModel } from './linear-model.js'

const config = { ...defaultFeatureConfig, bits: 12 }
const texts: Array<[string, number]> = [
  ['i love this, great service', 2], ['awful, never again', 0], ['the shop opens at nine', 1],
  ['thank you so much :)', 2], ['worst delay ever :(', 0], ['train leaves from platform 2', 1],
]

function examples (): Array<{ x: SparseVector, y: number }> {
  const featurizer = createFeaturizer(config)
  return texts.map(([text, y]) => {
    const v = featurizer.extract(text, createSparseVector(8))
    return { x: { indices: v.indices.slice(0, v.length), values: v.values.slice(0, v.length), length: v.length }, y }
  })
}

const options = { epochs: 5, learningRate: 0.2, l2: 1e-6, seed: 7, classBalance: 1, average: false }

test('training twice with the same seed gives identical weights', () => {
  const a = trainLinearModel(createLinearModel('softmax', ['negative', 'neutral', 'positive'], config), examples(), options)
  const b = trainLinearModel(createLinearModel('softmax', ['negative', 'neutral', 'positive'], config), examples(), options)
  expect(Buffer.compare(serialiseLinearModel(a), serialiseLinearModel(b))).toBe(0)
  const c = trainLinearModel(createLinearModel('softmax', ['negative', 'neutral', 'positive'], config), examples(), { ...options, seed: 8 })
  expect(Buffer.compare(serialiseLinearModel(a), serialiseLinearModel(c))).not.toBe(0)
})

test('a trained model fits its tiny training set and survives serialisation', () => {
  const model = trainLinearModel(createLinearModel('softmax', ['negative', 'neutral', 'positive'], config), examples(), options)
  const restored = deserialiseLinearModel(serialiseLinearModel(model))
  const out = new Float64Array(3)
  for (const { x, y } of examples()) {
    predictProbabilities(restored, x, out)
    expect(out.indexOf(Math.max(...out))).toBe(y)
  }
})

test('the binary variant separates two classes', () => {
  const data = examples().filter((e) => e.y !== 1).map((e) => ({ x: e.x, y: e.y === 0 ? 1 : 0 }))
  const model = trainLinearModel(createLinearModel('binary', ['other', 'complaint'], config), data, options)
  const out = new Float64Array(2)
  for (const { x, y } of data) expect((predictProbabilities(model, x, out)[1] as number) >= 0.5 ? 1 : 0).toBe(y)
})

test('rejects a buffer that is not a model', () => {
  expect(() => deserialiseLinearModel(Buffer.from('nope, not a model'))).toThrow(expect.objectContaining({ code: 'NLP_ERR_MODEL_CORRUPT' }))
})

test('each output of a multilabel model trains exactly as its own binary model would', () => {
  const data = examples()
  const labels = (y: number): number => (y === 0 ? 1 : 0) | (y === 2 ? 2 : 0)
  const multi = trainLinearModel(createLinearModel('multilabel', ['negative', 'positive'], config), data.map((e) => ({ x: e.x, y: labels(e.y) })), options)
  const out = new Float64Array(2)
  const binaryOut = new Float64Array(2)
  for (const [k, cls] of [[0, 0], [1, 2]] as const) {
    const binary = trainLinearModel(createLinearModel('binary', ['no', 'yes'], config), data.map((e) => ({ x: e.x, y: e.y === cls ? 1 : 0 })), options)
    for (const { x } of data) expect(predictProbabilities(multi, x, out)[k]).toBe(predictProbabilities(binary, x, binaryOut)[1])
  }
})

test('a model with fewer hash bits than its features masks the indices', () => {
  const small = { ...config, bits: 6 }
  const model = trainLinearModel(createLinearModel('multilabel', ['negative', 'positive'], small), examples().map((e) => ({ x: e.x, y: e.y === 0 ? 1 : e.y === 2 ? 2 : 0 })), options)
  expect(model.weights.length).toBe(2 * 64)
  const out = new Float64Array(2)
  for (const { x, y } of examples()) if (y !== 1) expect((predictProbabilities(model, x, out)[y === 0 ? 0 : 1] as number)).toBeGreaterThan(0.5)
})
