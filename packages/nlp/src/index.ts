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
export {
  classifyMention,
  createMentionClassifier,
  type LoadedClassifier,
  type MentionClassifierOptions,
  type MentionSignals,
  reportedIntents,
} from './mention-classifier.js'
export { scoreUrgency, type Urgency, type UrgencyInput, urgencyBands } from './urgency.js'
export { detectPii, luhnValid, type PiiKind } from './pii.js'
export { hasProfanity } from './profanity.js'
export { foldText, type RuleHits, ruleHits } from './rules.js'
