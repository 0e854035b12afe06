export { type ClassifierApp, type ClassifierDeps, createClassifierApp, type MentionClassifier } from './app.js'
export { type ClassifierConfig, classifierConfigSchema } from './config.js'
