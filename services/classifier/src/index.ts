export { type ClassifierApp, type ClassifierDeps, createClassifierApp } from './app.js'
export { type ClassifiedBatch, type ClassifiedMessage, classifyMessages, inProcessBatchClassifier, invalidMentionError, type LabelCounts, type MentionBatchClassifier, type MentionClassifier } from './batch-classifier.js'
export { type ClassificationThreads, startClassificationThreads } from './classification-threads.js'
export { type ClassifierConfig, classifierConfigSchema } from './config.js'
