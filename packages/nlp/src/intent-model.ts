import { type IntentLabel } from '@earshot/contracts'
import { type TextClassification } from './classifier.js'
import { hashFeature, pushFeature, type SparseVector } from './features.js'
import { type RuleHits, ruleNames } from './rules.js'

export type ModelledIntent = Exclude<IntentLabel, 'other'>

export const modelledIntents: readonly ModelledIntent[] = ['complaint', 'question', 'praise', 'purchase_intent', 'feedback', 'outage_report', 'churn_threat', 'spam']

/**
 * The intent model's outputs: the modelled intents, then `other` learnt as a label of its own (news,
 * jokes, scam warnings), so "nothing applies" is evidence rather than only every intent scoring low.
 */
export const intentModelClasses: readonly IntentLabel[] = [...modelledIntents, 'other']

/** The inputs the intent models read besides the text's n-grams. */
export interface IntentSignalInput {
  text: TextClassification
  rules: RuleHits
  rawText: string
}

type SignalName = `rule:${string}` | 'sentiment:negative' | 'sentiment:neutral' | 'sentiment:positive' | 'complaint:model' | 'text:question_mark' | 'text:non_english' | 'text:short'

/**
 * Appends rule hits, the sentiment and complaint models' outputs and a few surface cues to `vector`
 * (as extra hashed features), returning the previous length so the caller can restore it.
 */
export function createIntentSignalAppender (bits: number): (vector: SparseVector, input: IntentSignalInput) => number {
  const index = (name: SignalName): number => hashFeature(`signal:${name}`, bits)
  const ruleIndex = ruleNames.map((name) => index(`rule:${name}`))
  const sentimentIndex = { negative: index('sentiment:negative'), neutral: index('sentiment:neutral'), positive: index('sentiment:positive') }
  const complaintIndex = index('complaint:model')
  const questionMarkIndex = index('text:question_mark')
  const nonEnglishIndex = index('text:non_english')
  const shortIndex = index('text:short')
  return (vector, { text, rules, rawText }) => {
    const length = vector.length
    ruleNames.forEach((name, i) => { if (rules[name]) pushFeature(vector, ruleIndex[i] as number, 1) })
    pushFeature(vector, sentimentIndex[text.sentiment.label], text.sentiment.score)
    pushFeature(vector, complaintIndex, text.complaint.confidence * 2 - 1)
    if (rawText.includes('?') || rawText.includes('¿')) pushFeature(vector, questionMarkIndex, 1)
    if (text.language !== 'en' && text.language !== 'und') pushFeature(vector, nonEnglishIndex, 1)
    if (text.tokens.length < 8) pushFeature(vector, shortIndex, 1)
    return length
  }
}
