import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type SentimentLabel } from '@earshot/contracts'
import { NlpModelError } from './errors.js'
import { createFeaturizer, createSparseVector, type Featurizer, type SparseVector } from './features.js'
import { detectLanguage, hasStopword, isLexiconLanguage } from './language.js'
import { lexiconFor } from './lexicons.js'
import { deserialiseLinearModel, type LinearModel, predictProbabilities, softmaxInPlace } from './linear-model.js'
import { createFusedScorer } from './fused-scorer.js'
import { markers, tokenise } from './tokenise.js'

export const sentimentClasses: readonly SentimentLabel[] = ['negative', 'neutral', 'positive']

/** What `npm run train` writes to models/manifest.json. */
export interface ModelManifest {
  modelVersion: string
  /** One multilabel model (a sigmoid per intent) over the complaint model's features plus rule and model signals. */
  intents?: {
    file: string
    thresholds: Partial<Record<string, number>>
    /** `other` is reported when its calibrated score passes and is within this of the best intent's (0 when absent). */
    otherMargin?: number
  }
  /** A multilabel safety/legalThreat/security detector over the text features; ORed with the keyword rules. */
  flags?: {
    file: string
    thresholds: Partial<Record<string, number>>
  }
  sentiment: {
    files: string[]
    /** Added to each class's log-probability (order of `sentimentClasses`), tuned on val for macro recall. */
    logOffsets: number[]
  }
  complaint: {
    file: string
    /** Probability at or above which a message is a complaint, tuned on val for macro-F1. */
    threshold: number
  }
  trainedAt?: string
  figures?: Record<string, number>
}

export interface ModelArtifacts {
  manifest: ModelManifest
  sentimentModels: LinearModel[]
  complaintModel: LinearModel
  intentModel?: LinearModel
  flagModel?: LinearModel
}

export const defaultModelDir = join(__dirname, '..', 'models')

export function loadModelArtifacts (dir = defaultModelDir): ModelArtifacts {
  const manifestFile = join(dir, 'manifest.json')
  if (!existsSync(manifestFile)) {
    throw new NlpModelError('NLP_ERR_MODEL_MISSING', `${manifestFile} does not exist; run \`npm run train\` to build the models`)
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest
  const load = (file: string): LinearModel => {
    const path = join(dir, file)
    if (!existsSync(path)) throw new NlpModelError('NLP_ERR_MODEL_MISSING', `${path} is listed in manifest.json but missing; run \`npm run train\``)
    return deserialiseLinearModel(readFileSync(path), path)
  }
  const artifacts: ModelArtifacts = { manifest, sentimentModels: manifest.sentiment.files.map(load), complaintModel: load(manifest.complaint.file) }
  if (manifest.intents !== undefined) {
    artifacts.intentModel = load(manifest.intents.file)
  }
  if (manifest.flags !== undefined) artifacts.flagModel = load(manifest.flags.file)
  return artifacts
}

export interface SentimentResult {
  label: SentimentLabel
  /** Probability of the label (model), or |polarity| squashed to 0..1 (lexicon). */
  score: number
  /** `model` for the trained English model, `lexicon:<lang>` for natural's lexicon of that language. */
  method: 'model' | `lexicon:${string}`
  language: string
}

export interface ClassifyOptions {
  /** The mention's `lang` tag, when the platform supplies one. */
  lang?: string
}

export interface TextClassification {
  language: string
  /** The `tokenise` output the models saw. */
  tokens: readonly string[]
  sentiment: SentimentResult
  complaint: { isComplaint: boolean, confidence: number }
}

/** Lexicon sentiment for es/fr/de/pt: scoped negation flips polarity, emoji markers count half. */
function lexiconSentiment (language: 'es' | 'pt' | 'fr' | 'de', tokens: readonly string[]): SentimentResult {
  const lexicon = lexiconFor(language)
  let total = 0
  let negated = false
  for (const token of tokens) {
    if (token === '!' || token === '?') negated = false
    if (token === markers.positiveEmoji) total += 0.5
    else if (token === markers.negativeEmoji) total -= 0.5
    const word = token.startsWith(markers.negationPrefix) ? token.slice(markers.negationPrefix.length) : token
    if (lexicon.negations.has(word)) {
      negated = true
      continue
    }
    if (!lexicon.polarityWords.mayContain(word)) continue
    const polarity = lexicon.polarity.get(word)
    if (polarity !== undefined) total += negated ? -polarity : polarity
  }
  const label: SentimentLabel = total > 0.05 ? 'positive' : total < -0.05 ? 'negative' : 'neutral'
  const score = label === 'neutral' ? 1 - Math.min(1, Math.abs(total)) : Math.min(1, 0.5 + Math.abs(total) / 2)
  return { label, score, method: `lexicon:${language}`, language }
}

export interface Classifier {
  readonly modelVersion: string
  classify: (text: string, options?: ClassifyOptions) => TextClassification
  classifySentiment: (text: string, options?: ClassifyOptions) => SentimentResult
  /**
   * The complaint model's feature vector for the text of the last `classify` call (valid until the
   * next call). Callers may append entries but must restore `length` before classifying again.
   */
  lastFeatures: () => SparseVector
  /**
   * When the intent model is fused with the text models: its raw scores (bias + the text features'
   * part, one per intent class) for the last `classify` call; the caller adds any appended features.
   */
  lastIntentScores: () => Float64Array | undefined
  /** Likewise the flag model's raw scores (final: it reads only the text features). */
  lastFlagScores: () => Float64Array | undefined
}

/**
 * A pure, synchronous classifier over loaded artifacts (default: this package's models/). Not safe to
 * share between worker threads (it reuses buffers), and deterministic: same text, same output.
 */
export function createClassifier (artifacts: ModelArtifacts = loadModelArtifacts()): Classifier {
  const { manifest, sentimentModels, complaintModel } = artifacts
  // Models sharing a feature configuration share one extraction per text (the `text` it was made for).
  interface SharedFeatures { featurizer: Featurizer, vector: SparseVector, text: string | undefined }
  const featurizers = new Map<string, SharedFeatures>()
  const featurizerFor = (model: LinearModel): SharedFeatures => {
    const key = JSON.stringify(model.features)
    let shared = featurizers.get(key)
    if (shared === undefined) {
      shared = { featurizer: createFeaturizer(model.features), vector: createSparseVector(), text: undefined }
      featurizers.set(key, shared)
    }
    return shared
  }
  const featuresOf = (shared: SharedFeatures, text: string, tokens: readonly string[]): SparseVector => {
    if (shared.text !== text) {
      shared.featurizer.extractTokens(text, tokens, shared.vector)
      shared.text = text
    }
    return shared.vector
  }
  const forget = (): void => { for (const shared of featurizers.values()) shared.text = undefined }
  const sentimentViews = sentimentModels.map((model) => ({ model, featurizer: featurizerFor(model) }))
  const complaintFeaturizer = featurizerFor(complaintModel)
  const probabilities = new Float64Array(sentimentClasses.length)
  const summed = new Float64Array(sentimentClasses.length)
  const binary = new Float64Array(2)
  const offsets = manifest.sentiment.logOffsets
  const fused = sentimentModels.length === 1 && featurizerFor(sentimentModels[0] as LinearModel) === complaintFeaturizer
    ? createFusedScorer(sentimentModels[0] as LinearModel, complaintModel, artifacts.intentModel, artifacts.flagModel)
    : undefined
  let fusedScored = false

  const modelSentiment = (text: string, tokens: readonly string[], language: string): SentimentResult => {
    summed.fill(0)
    if (fused !== undefined && fusedScored) {
      for (let k = 0; k < summed.length; k++) summed[k] = fused.scores[k] as number
      softmaxInPlace(summed)
    } else {
      for (const { model, featurizer } of sentimentViews) {
        predictProbabilities(model, featuresOf(featurizer, text, tokens), probabilities)
        for (let k = 0; k < summed.length; k++) summed[k] = (summed[k] as number) + (probabilities[k] as number) / sentimentViews.length
      }
    }
    let best = 0
    let bestScore = -Infinity
    for (let k = 0; k < summed.length; k++) {
      const score = Math.log(summed[k] as number) + (offsets[k] ?? 0)
      if (score > bestScore) {
        best = k
        bestScore = score
      }
    }
    return { label: sentimentClasses[best] as SentimentLabel, score: summed[best] as number, method: 'model', language }
  }

  const sentimentOf = (text: string, tokens: readonly string[], options: ClassifyOptions): SentimentResult => {
    const { language } = detectLanguage(text, tokens, options.lang)
    if (isLexiconLanguage(language) && (options.lang !== undefined || hasStopword(language, tokens))) {
      return lexiconSentiment(language, tokens)
    }
    return modelSentiment(text, tokens, language)
  }

  return {
    modelVersion: manifest.modelVersion,
    lastFeatures: () => complaintFeaturizer.vector,
    classifySentiment: (text, options = {}) => {
      forget()
      return sentimentOf(text, tokenise(text), options)
    },
    lastIntentScores: () => fused !== undefined && fused.intentScores.length > 0 ? fused.intentScores : undefined,
    lastFlagScores: () => fused !== undefined && fused.flagScores.length > 0 ? fused.flagScores : undefined,
    classify: (text, options = {}) => {
      forget()
      const tokens = tokenise(text)
      let confidence = 0
      if (fused !== undefined) {
        fused.score(featuresOf(complaintFeaturizer, text, tokens))
        fusedScored = true
        confidence = 1 / (1 + Math.exp(-(fused.scores[fused.complaintOutput] as number)))
      }
      const sentiment = sentimentOf(text, tokens, options)
      fusedScored = false
      if (fused === undefined) {
        predictProbabilities(complaintModel, featuresOf(complaintFeaturizer, text, tokens), binary)
        confidence = binary[1] as number
      }
      return { language: sentiment.language, tokens, sentiment, complaint: { isComplaint: confidence >= manifest.complaint.threshold, confidence } }
    },
  }
}
