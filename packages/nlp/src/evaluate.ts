import { statSync } from 'node:fs'
import { basename } from 'node:path'
import { type Classification, type FlagName, flagNames, type IntentLabel, intentLabels, type SentimentLabel, type UrgencyLevel, urgencyLevels } from '@earshot/contracts'
import { sentimentClasses } from './classifier.js'
import { readComplaintsCsv, readTweetEvalSplit, tweetEvalSplits } from './datasets.js'
import { NlpDataError } from './errors.js'
import { readLabelledMentions, type MentionSplit, type LabelledMention } from './labelled-mentions.js'
import { type LoadedClassifier } from './mention-classifier.js'
import { type ClassificationReport, classificationReport, type ClassMetrics, formatConfusion } from './metrics.js'

export interface EvalItem {
  text: string
  lang?: string
  sentiment?: SentimentLabel
  /** True/false when the data says whether this is a complaint; undefined when it does not. */
  complaint?: boolean
  /** The whole labelled mention (JSONL sets only): intents, urgency and flags are scored from it. */
  mention?: LabelledMention
}

export interface EvalSet {
  name: string
  items: EvalItem[]
}

export type JsonlSplit = MentionSplit | 'all'

/**
 * Loads (a) a TweetEval-layout folder (one set per split), (b) a complaints CSV, or (c) a labelled
 * mentions JSONL (`split`: train | heldout | all, by a hash of the id; default all).
 */
export function loadEvalSets (path: string, split?: string): EvalSet[] {
  if (statSync(path).isDirectory()) {
    const splits = split === undefined ? tweetEvalSplits(path) : [split]
    if (splits.length === 0) throw new NlpDataError(path, undefined, 'no <split>_text.txt with a matching <split>_labels.txt')
    return splits.map((name) => ({
      name: `${basename(path)}/${name}`,
      items: readTweetEvalSplit(path, name).map((row) => ({ text: row.text, sentiment: row.label })),
    }))
  }
  if (path.endsWith('.jsonl')) {
    const part = split ?? 'all'
    if (part !== 'train' && part !== 'heldout' && part !== 'all') throw new NlpDataError(path, undefined, `--split for JSONL must be train, heldout or all, got "${part}"`)
    const items = readLabelledMentions(path, part).map((mention): EvalItem => {
      const item: EvalItem = { text: mention.text, mention }
      if (mention.lang !== undefined) item.lang = mention.lang
      if (mention.labels.sentiment !== undefined) item.sentiment = mention.labels.sentiment
      if (mention.labels.intents !== undefined) item.complaint = mention.labels.intents.includes('complaint')
      return item
    })
    return [{ name: `${basename(path)}/${part}`, items }]
  }
  return [{ name: basename(path), items: readComplaintsCsv(path).map((row) => ({ text: row.text, complaint: row.label === 1 })) }]
}

export interface IntentMetrics {
  perLabel: Record<IntentLabel, ClassMetrics>
  macroF1: number
  count: number
}

export interface FlagMetrics {
  precision: number
  recall: number
  support: number
  predicted: number
}

export interface SetResult {
  name: string
  count: number
  sentiment?: ClassificationReport<SentimentLabel>
  complaint?: ClassificationReport<'other' | 'complaint'>
  intents?: IntentMetrics
  urgency?: ClassificationReport<UrgencyLevel>
  flags?: Record<FlagName, FlagMetrics>
  sentimentMethods: Record<string, number>
  mentionsPerSecond: number
}

const safeDivide = (numerator: number, denominator: number): number => denominator === 0 ? 0 : numerator / denominator

/** Multi-label scores: each intent is its own binary decision; macro-F1 averages every intent label. */
export function intentMetrics (gold: ReadonlyArray<readonly IntentLabel[]>, predicted: ReadonlyArray<readonly IntentLabel[]>): IntentMetrics {
  const perLabel = {} as Record<IntentLabel, ClassMetrics>
  for (const label of intentLabels) {
    let truePositives = 0
    let predictedCount = 0
    let support = 0
    gold.forEach((labels, i) => {
      const isGold = labels.includes(label)
      const isPredicted = (predicted[i] as readonly IntentLabel[]).includes(label)
      if (isGold) support++
      if (isPredicted) predictedCount++
      if (isGold && isPredicted) truePositives++
    })
    const precision = safeDivide(truePositives, predictedCount)
    const recall = safeDivide(truePositives, support)
    perLabel[label] = { precision, recall, f1: safeDivide(2 * precision * recall, precision + recall), support }
  }
  return { perLabel, macroF1: intentLabels.reduce((sum, label) => sum + perLabel[label].f1, 0) / intentLabels.length, count: gold.length }
}

export function evaluateSet (classifier: LoadedClassifier, set: EvalSet): SetResult {
  const started = process.hrtime.bigint()
  const outputs = set.items.map((item) => classifier.text.classify(item.text, item.lang === undefined ? {} : { lang: item.lang }))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const sentimentMethods: Record<string, number> = {}
  for (const output of outputs) sentimentMethods[output.sentiment.method] = (sentimentMethods[output.sentiment.method] ?? 0) + 1
  const result: SetResult = {
    name: set.name,
    count: set.items.length,
    sentimentMethods,
    mentionsPerSecond: seconds === 0 ? 0 : set.items.length / seconds,
  }
  const complaintLabels = ['other', 'complaint'] as const
  const withComplaint = set.items.flatMap((item, i) => item.complaint === undefined || item.mention !== undefined
    ? []
    : [{ gold: item.complaint ? 'complaint' as const : 'other' as const, predicted: (outputs[i] as (typeof outputs)[number]).complaint.isComplaint ? 'complaint' as const : 'other' as const }])
  if (withComplaint.length > 0) {
    result.complaint = classificationReport(complaintLabels, withComplaint.map((r) => r.gold), withComplaint.map((r) => r.predicted))
  }
  const mentions = set.items.flatMap((item) => item.mention === undefined ? [] : [item.mention])
  // A mention is scored on what users see: the sentiment after the intents (`sentimentGivenIntents`).
  const mentionSentiment = new Map<LabelledMention, SentimentLabel>()
  if (mentions.length > 0) {
    const mentionStarted = process.hrtime.bigint()
    const classified = mentions.map((mention) => classifier.classify(mention))
    const mentionSeconds = Number(process.hrtime.bigint() - mentionStarted) / 1e9
    result.mentionsPerSecond = mentionSeconds === 0 ? 0 : mentions.length / mentionSeconds
    classified.forEach((classification, i) => { mentionSentiment.set(mentions[i] as LabelledMention, classification.sentiment.label) })
    const withIntents = mentions.flatMap((mention, i) => mention.labels.intents === undefined ? [] : [{ gold: mention.labels.intents, predicted: (classified[i] as Classification).intents.map((intent) => intent.label) }])
    if (withIntents.length > 0) result.intents = intentMetrics(withIntents.map((r) => r.gold), withIntents.map((r) => r.predicted))
    const withUrgency = mentions.flatMap((mention, i) => mention.labels.urgency === undefined ? [] : [{ gold: mention.labels.urgency, predicted: (classified[i] as Classification).urgency.level }])
    if (withUrgency.length > 0) result.urgency = classificationReport(urgencyLevels, withUrgency.map((r) => r.gold), withUrgency.map((r) => r.predicted))
    const withFlags = mentions.flatMap((mention, i) => mention.labels.flags === undefined ? [] : [{ gold: mention.labels.flags, predicted: (classified[i] as Classification).flags }])
    if (withFlags.length > 0) {
      const flags = {} as Record<FlagName, FlagMetrics>
      for (const flag of flagNames) {
        const support = withFlags.filter((r) => r.gold.includes(flag)).length
        const predicted = withFlags.filter((r) => r.predicted[flag]).length
        const correct = withFlags.filter((r) => r.predicted[flag] && r.gold.includes(flag)).length
        flags[flag] = { precision: safeDivide(correct, predicted), recall: safeDivide(correct, support), support, predicted }
      }
      result.flags = flags
    }
  }
  const withSentiment = set.items.flatMap((item, i) => item.sentiment === undefined
    ? []
    : [{ gold: item.sentiment, predicted: (item.mention === undefined ? undefined : mentionSentiment.get(item.mention)) ?? (outputs[i] as (typeof outputs)[number]).sentiment.label }])
  if (withSentiment.length > 0) {
    result.sentiment = classificationReport(sentimentClasses, withSentiment.map((r) => r.gold), withSentiment.map((r) => r.predicted))
  }
  return result
}

const percent = (value: number): string => (value * 100).toFixed(1)

export function formatSetResult (result: SetResult): string {
  const lines = [`== ${result.name}: ${result.count} texts, ${Math.round(result.mentionsPerSecond)} mentions/s (one core)`]
  if (result.sentiment !== undefined) {
    const s = result.sentiment
    lines.push(`sentiment  macro-recall ${percent(s.macroRecall)}  macro-F1 ${percent(s.macroF1)}  accuracy ${percent(s.accuracy)}  methods ${JSON.stringify(result.sentimentMethods)}`)
    lines.push(formatConfusion(s))
  }
  if (result.complaint !== undefined) {
    const c = result.complaint
    lines.push(`complaint  macro-F1 ${percent(c.macroF1)}  precision ${percent(c.perClass.complaint.precision)}  recall ${percent(c.perClass.complaint.recall)}  accuracy ${percent(c.accuracy)}`)
    lines.push(formatConfusion(c))
  }
  if (result.intents !== undefined) {
    const i = result.intents
    lines.push(`intents    macro-F1 ${percent(i.macroF1)} over ${intentLabels.length} labels`)
    for (const label of intentLabels) {
      const m = i.perLabel[label]
      lines.push(`  ${label.padEnd(16)} P ${percent(m.precision).padStart(5)}  R ${percent(m.recall).padStart(5)}  F1 ${percent(m.f1).padStart(5)}  n=${m.support}`)
    }
  }
  if (result.urgency !== undefined) {
    const u = result.urgency
    lines.push(`urgency    accuracy ${percent(u.accuracy)}  macro-F1 ${percent(u.macroF1)}  critical recall ${percent(u.perClass.critical.recall)}  critical precision ${percent(u.perClass.critical.precision)}`)
    lines.push(formatConfusion(u))
  }
  if (result.flags !== undefined) {
    lines.push('flags      ' + flagNames.map((flag) => {
      const f = (result.flags as Record<FlagName, FlagMetrics>)[flag]
      return `${flag} P ${percent(f.precision)} R ${percent(f.recall)} (n=${f.support})`
    }).join(' | '))
  }
  return lines.join('\n')
}

/** The `--json` shape: nested objects, so `sentiment.macroRecall` is a path; one set's figures (the last if several). */
export function jsonSummary (results: readonly SetResult[]): Record<string, unknown> {
  const summary: Record<string, unknown> = { sets: results.map((r) => ({ name: r.name, count: r.count })) }
  const total = results.reduce((sum, r) => sum + r.count, 0)
  const seconds = results.reduce((sum, r) => sum + (r.mentionsPerSecond === 0 ? 0 : r.count / r.mentionsPerSecond), 0)
  for (const result of results) {
    if (result.sentiment !== undefined) {
      const s = result.sentiment
      summary.sentiment = { macroRecall: s.macroRecall, macroF1: s.macroF1, accuracy: s.accuracy, confusion: s.confusion, labels: s.labels, count: s.count }
    }
    if (result.complaint !== undefined) {
      const c = result.complaint
      summary.complaint = { macroF1: c.macroF1, precision: c.perClass.complaint.precision, recall: c.perClass.complaint.recall, accuracy: c.accuracy, count: c.count }
    }
    if (result.intents !== undefined) summary.intents = { macroF1: result.intents.macroF1, perLabel: result.intents.perLabel, count: result.intents.count }
    if (result.urgency !== undefined) {
      const u = result.urgency
      summary.urgency = { accuracy: u.accuracy, macroF1: u.macroF1, criticalRecall: u.perClass.critical.recall, criticalPrecision: u.perClass.critical.precision, confusion: u.confusion, labels: u.labels, count: u.count }
    }
    if (result.flags !== undefined) summary.flags = result.flags
  }
  summary.mentionsPerSecond = seconds === 0 ? 0 : total / seconds
  return summary
}
