export {
  type Classifier,
  type ClassifyOptions,
  createClassifier,
  defaultModelDir,
  loadModelArtifacts,
  type ModelArtifacts,
  type ModelManifest,
  sentimentClasses,
  type SentimentResult,
  type TextClassification,
} from './classifier.js'
export { normaliseForCharacters, markers, tokenise } from './tokenise.js'
export { createFeaturizer, createSparseVector, defaultFeatureConfig, type FeatureConfig, type Featurizer, type SparseVector } from './features.js'
export {
  createLinearModel,
  deserialiseLinearModel,
  type LinearModel,
  predictProbabilities,
  serialiseLinearModel,
  type TrainingExample,
  type TrainingOptions,
  trainLinearModel,
} from './linear-model.js'
export { type ClassificationReport, classificationReport, type ClassMetrics, formatConfusion } from './metrics.js'
export { detectLanguage, type DetectedLanguage } from './language.js'
export { evaluateSet, type EvalSet, formatSetResult, jsonSummary, loadEvalSets, type SetResult } from './evaluate.js'
export { defaultTrainingConfig, type TrainingConfig, trainModels, writeModels } from './training.js'
export { type ErrorCode, errorCodes, NlpDataError, NlpError, NlpModelError } from './errors.js'
