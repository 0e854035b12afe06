import { type Classification, type FlagName, type IntentLabel, type Mention, type SentimentLabel } from '@earshot/contracts'
import { type Classifier, createClassifier, loadModelArtifacts, type ModelArtifacts, type TextClassification } from './classifier.js'
import { createIntentSignalAppender, type ModelledIntent, modelledIntents } from './intent-model.js'
import { predictProbabilities } from './linear-model.js'
import { type SparseVector } from './features.js'
import { detectPii } from './pii.js'
import { hasProfanity } from './profanity.js'
import { foldText, type RuleHits, rulePatterns, ruleHits } from './rules.js'
import { isHighReachNegative, scoreUrgency } from './urgency.js'

/** Intents in the order they are reported (then by confidence). */
export const reportedIntents: readonly IntentLabel[] = ['complaint', 'question', 'praise', 'purchase_intent', 'feedback', 'outage_report', 'churn_threat', 'spam']

/** The text-level signals the intent, flag and urgency stages read (exported for tests and training). */
export interface MentionSignals {
  text: TextClassification
  rules: RuleHits
  /** Confidence per intent (0..1), before thresholds. */
  intentScores: Record<Exclude<IntentLabel, 'other'>, number>
  /** The intent model's confidence that no intent applies (its `other` output), when it has one. */
  otherScore?: number
  /** The trained detector's decisions (`security`: a hack or data exposure); they only add to the keyword rules'. */
  detectedFlags: { safety: boolean, legalThreat: boolean, security: boolean }
  /** The detector reads the post as negative about the brand (its `negative` output at its threshold). */
  negativeDetected: boolean
}

export interface LoadedClassifier {
  readonly modelVersion: string
  /** The text-level models (sentiment, complaint) underneath. */
  readonly text: Classifier
  classify: (mention: Mention) => Classification
  /** The intermediate signals, for evaluation and debugging. */
  signals: (mention: Mention) => MentionSignals
}

export interface MentionClassifierOptions {
  /** Loaded models; default: this package's models/ (read once). */
  artifacts?: ModelArtifacts
  modelDir?: string
}

// Rule-only confidences: a rule hit is strong weak evidence; the trained intent model replaces these.
const ruleConfidence = 0.8
const intentThreshold = 0.5
// A calibrated score at half its intent's threshold: for a post many will see, "leans negative" is enough
// to call it a PR risk (`npm run cross-validate` on the train split: critical recall 93.3 → 95.2, precision 72.0 → 71.7).
const leaningScore = 0.25
// The detector's `negative` output counts too (cross-validate, 2,622 train rows: critical recall 97.5 → 98.3, precision 77.3 → 77.0):
// it learnt from brand mentions in five languages, where the sentiment model knows English tweets only.

function ruleIntentScores (text: TextClassification, rules: RuleHits, rawText: string): MentionSignals['intentScores'] {
  const negative = text.sentiment.label === 'negative'
  const complaint = Math.max(text.complaint.confidence, rules.complaint && negative ? 0.75 : 0)
  const asks = rawText.includes('?') || rawText.includes('¿')
  return {
    complaint: text.complaint.isComplaint ? Math.max(complaint, 0.5) : Math.min(complaint, 0.49),
    question: asks ? (rules.question ? 0.85 : 0.65) : rules.question ? 0.4 : 0.05,
    praise: rules.praise && !negative ? ruleConfidence : rules.praise ? 0.3 : 0.05,
    purchase_intent: rules.purchase ? ruleConfidence : 0.05,
    feedback: rules.feedback ? ruleConfidence : 0.05,
    outage_report: rules.outage ? ruleConfidence : 0.05,
    churn_threat: rules.churn ? ruleConfidence : 0.05,
    spam: rules.spam ? 0.85 : 0.05,
  }
}

/** Loads models once; the returned classifier is pure and deterministic (not shared across threads). */
export function createMentionClassifier (options: MentionClassifierOptions = {}): LoadedClassifier {
  const artifacts = options.artifacts ?? loadModelArtifacts(options.modelDir)
  const textClassifier: Classifier = createClassifier(artifacts)
  const modelVersion = textClassifier.modelVersion
  const intentModel = artifacts.intentModel
  const flagModel = artifacts.flagModel
  const flagProbabilities = new Float64Array(flagModel?.classes.length ?? 0)
  const flagThresholds = artifacts.manifest.flags?.thresholds ?? {}
  const safetyOutput = flagModel?.classes.indexOf('safety') ?? -1
  const legalOutput = flagModel?.classes.indexOf('legalThreat') ?? -1
  const securityOutput = flagModel?.classes.indexOf('security') ?? -1
  const negativeOutput = flagModel?.classes.indexOf('negative') ?? -1
  const intentProbabilities = new Float64Array(intentModel?.classes.length ?? 0)
  const intentLabelsOfModel = (intentModel?.classes ?? []).filter((label): label is ModelledIntent => (modelledIntents as readonly string[]).includes(label))
  const thresholds = artifacts.manifest.intents?.thresholds ?? {}
  const otherOutput = intentModel?.classes.indexOf('other') ?? -1
  // `other` also wins when the model is nearly as sure of it as of the best intent (training's `intents.otherMargin`).
  const otherMargin = artifacts.manifest.intents?.otherMargin ?? 0
  const appendSignals = createIntentSignalAppender(artifacts.complaintModel.features.bits)

  const signals = (mention: Mention): MentionSignals => {
    const text = textClassifier.classify(mention.text, mention.lang === undefined ? {} : { lang: mention.lang })
    const rules = ruleHits(foldText(mention.text))
    const detectedFlags = { safety: false, legalThreat: false, security: false }
    let negativeDetected = false
    if (flagModel !== undefined) {
      const fusedFlags = textClassifier.lastFlagScores()
      if (fusedFlags === undefined) predictProbabilities(flagModel, textClassifier.lastFeatures(), flagProbabilities)
      else for (let k = 0; k < flagProbabilities.length; k++) flagProbabilities[k] = 1 / (1 + Math.exp(-(fusedFlags[k] as number)))
      detectedFlags.safety = safetyOutput >= 0 && (flagProbabilities[safetyOutput] as number) >= (flagThresholds.safety ?? 1)
      detectedFlags.legalThreat = legalOutput >= 0 && (flagProbabilities[legalOutput] as number) >= (flagThresholds.legalThreat ?? 1)
      detectedFlags.security = securityOutput >= 0 && (flagProbabilities[securityOutput] as number) >= (flagThresholds.security ?? 1)
      negativeDetected = negativeOutput >= 0 && (flagProbabilities[negativeOutput] as number) >= (flagThresholds.negative ?? 1)
    }
    const intentScores = ruleIntentScores(text, rules, mention.text)
    let otherScore: number | undefined
    if (intentModel !== undefined) {
      const vector = textClassifier.lastFeatures()
      const length = appendSignals(vector, { text, rules, rawText: mention.text })
      const fusedScores = textClassifier.lastIntentScores()
      if (fusedScores === undefined) predictProbabilities(intentModel, vector, intentProbabilities)
      else addAppendedFeatures(intentModel, fusedScores, vector, length, intentProbabilities)
      for (let k = 0; k < intentLabelsOfModel.length; k++) {
        const label = intentLabelsOfModel[k] as ModelledIntent
        // Rescaled so each intent's tuned threshold maps to 0.5, the cut every consumer can rely on.
        intentScores[label] = calibrate(intentProbabilities[k] as number, thresholds[label] ?? 0.5)
      }
      vector.length = length
      if (otherOutput >= 0) otherScore = calibrate(intentProbabilities[otherOutput] as number, thresholds.other ?? 0.5)
      // Training data is mostly English: other languages keep at least their outage and churn keywords.
      if (text.language !== 'en') {
        if (rules.outage) intentScores.outage_report = Math.max(intentScores.outage_report, 0.6)
        if (rules.churn) intentScores.churn_threat = Math.max(intentScores.churn_threat, 0.6)
      }
    }
    return { text, rules, intentScores, detectedFlags, negativeDetected, ...(otherScore === undefined ? {} : { otherScore }) }
  }

  const classify = (mention: Mention): Classification => {
    const signal = signals(mention)
    const { text, rules, intentScores, detectedFlags, negativeDetected, otherScore } = signal
    let intents: Classification['intents'] = []
    let strongest = 0
    for (const label of reportedIntents) {
      const confidence = intentScores[label as Exclude<IntentLabel, 'other'>]
      strongest = Math.max(strongest, confidence)
      if (confidence >= intentThreshold) intents.push({ label, confidence: round(confidence) })
    }
    // `other` wins when the model is about as sure of it as of any intent, or when no intent passes.
    if (otherScore !== undefined && otherScore >= intentThreshold && otherScore > strongest - otherMargin) intents = [{ label: 'other', confidence: round(otherScore) }]
    if (intents.length === 0) intents.push({ label: 'other', confidence: round(otherScore ?? 1 - strongest) })
    const intentLabels = intents.map((intent) => intent.label)
    const sentiment = sentimentGivenIntents(text.sentiment, intents)
    const followers = mention.author.followers ?? 0
    const verified = mention.author.verified === true
    const press = verified && rulePatterns.pressAuthor.test(`${mention.author.handle} ${mention.author.name ?? ''}`)
    const engagement = mention.metrics ?? { likes: 0, reposts: 0, replies: 0 }
    const spam = intentLabels.includes('spam')
    const flags: Record<FlagName, boolean> = {
      safety: rules.safety || detectedFlags.safety,
      legalThreat: rules.legal || detectedFlags.legalThreat,
      pii: detectPii(mention.text).length > 0,
      profanity: hasProfanity(mention.text, text.tokens),
      spam,
      prRisk: false,
    }
    const leansNegative = negativeDetected || Math.max(intentScores.complaint, intentScores.churn_threat, intentScores.outage_report) >= leaningScore
    flags.prRisk = !spam && (rules.discrimination || flags.safety ||
      isHighReachNegative({ sentiment, intents: intentLabels, followers, press, engagement, leansNegative }))
    const urgency = scoreUrgency({
      intents: intentLabels,
      sentiment,
      flags,
      accountCompromise: rules.compromise,
      dataExposure: rules.dataExposure,
      securityDetected: detectedFlags.security,
      blocked: rules.blocked,
      followers,
      verified,
      press,
      engagement,
      leansNegative,
    })
    return {
      modelVersion,
      sentiment: { label: sentiment.label, score: round(sentiment.score) },
      intents,
      urgency,
      language: text.language === '' ? 'und' : text.language,
      flags,
    }
  }

  return { modelVersion, text: textClassifier, classify, signals }
}

let shared: LoadedClassifier | undefined

/**
 * Classifies one mention. Without `classifier`, uses one created on first call from this
 * package's models/ (loading takes ~100 ms once).
 */
export function classifyMention (mention: Mention, classifier?: LoadedClassifier): Classification {
  if (classifier !== undefined) return classifier.classify(mention)
  shared ??= createMentionClassifier()
  return shared.classify(mention)
}

const dissatisfied: ReadonlySet<IntentLabel> = new Set(['complaint', 'outage_report', 'churn_threat'])

/**
 * The text model learnt sentiment from general tweets, where "still no refund" reads as neutral; in
 * LABELS.md a complaint, an outage report or a churn threat is dissatisfaction, so its sentiment is
 * negative, and praise without any of them is positive. The intents' own confidence becomes the score.
 */
export function sentimentGivenIntents (sentiment: { label: SentimentLabel, score: number }, intents: Classification['intents']): { label: SentimentLabel, score: number } {
  let negative = 0
  let praise = 0
  for (const { label, confidence } of intents) {
    if (dissatisfied.has(label)) negative = Math.max(negative, confidence)
    else if (label === 'praise') praise = confidence
  }
  if (negative > 0) return sentiment.label === 'negative' ? sentiment : { label: 'negative', score: negative }
  if (praise > 0 && sentiment.label === 'neutral') return { label: 'positive', score: praise }
  return sentiment
}

/** The intent model's probabilities from its fused base scores plus the signal features appended after `from`. */
function addAppendedFeatures (model: NonNullable<ModelArtifacts['intentModel']>, base: Float64Array, vector: SparseVector, from: number, out: Float64Array): void {
  const outputs = base.length
  const mask = (1 << model.features.bits) - 1
  out.set(base)
  for (let i = from; i < vector.length; i++) {
    const at = ((vector.indices[i] as number) & mask) * outputs
    const value = vector.values[i] as number
    for (let k = 0; k < outputs; k++) out[k] = (out[k] as number) + (model.weights[at + k] as number) * value
  }
  for (let k = 0; k < outputs; k++) out[k] = 1 / (1 + Math.exp(-(out[k] as number)))
}

/** Piecewise-linear map sending `threshold` to 0.5, 0 to 0 and 1 to 1. */
function calibrate (probability: number, threshold: number): number {
  return probability < threshold ? 0.5 * probability / threshold : 0.5 + 0.5 * (probability - threshold) / (1 - threshold)
}

function round (value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000
}
