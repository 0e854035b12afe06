import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { type SentimentLabel } from '@earshot/contracts'
import { type Classifier, sentimentClasses } from './classifier.js'
import { readComplaintsCsv, readTweetEvalSplit, tweetEvalSplits } from './datasets.js'
import { NlpDataError } from './errors.js'
import { type ClassificationReport, classificationReport, formatConfusion } from './metrics.js'

export interface EvalItem {
  text: string
  lang?: string
  sentiment?: SentimentLabel
  /** True/false when the data says whether this is a complaint; undefined when it does not. */
  complaint?: boolean
}

export interface EvalSet {
  name: string
  items: EvalItem[]
  /** Tasks the data carries that this tool cannot score yet. */
  unsupported: string[]
}

/** Loads (a) a TweetEval-layout folder (one set per split), (b) a complaints CSV, or (c) a labelled mentions JSONL. */
export function loadEvalSets (path: string, split?: string): EvalSet[] {
  if (statSync(path).isDirectory()) {
    const splits = split === undefined ? tweetEvalSplits(path) : [split]
    if (splits.length === 0) throw new NlpDataError(path, undefined, 'no <split>_text.txt with a matching <split>_labels.txt')
    return splits.map((name) => ({
      name: `${basename(path)}/${name}`,
      items: readTweetEvalSplit(path, name).map((row) => ({ text: row.text, sentiment: row.label })),
      unsupported: [],
    }))
  }
  if (path.endsWith('.jsonl')) return [loadMentionsJsonl(path)]
  return [{ name: basename(path), items: readComplaintsCsv(path).map((row) => ({ text: row.text, complaint: row.label === 1 })), unsupported: [] }]
}

interface LabelledMentionLine {
  text?: unknown
  lang?: unknown
  labels?: { sentiment?: unknown, intents?: unknown, urgency?: unknown, flags?: unknown }
}

function loadMentionsJsonl (path: string): EvalSet {
  const unsupported = new Set<string>()
  const items = readFileSync(path, 'utf8').split('\n').flatMap((line, index): EvalItem[] => {
    if (line.trim() === '') return []
    let parsed: LabelledMentionLine
    try {
      parsed = JSON.parse(line) as LabelledMentionLine
    } catch (cause) {
      throw new NlpDataError(path, index + 1, `not JSON: ${(cause as Error).message}`)
    }
    if (typeof parsed.text !== 'string' || typeof parsed.labels !== 'object' || parsed.labels === null) {
      throw new NlpDataError(path, index + 1, 'expected a mentions.v1 object with "text" and "labels"')
    }
    const { sentiment, intents, urgency, flags } = parsed.labels
    const item: EvalItem = { text: parsed.text }
    if (typeof parsed.lang === 'string') item.lang = parsed.lang
    if (sentiment !== undefined) {
      if (typeof sentiment !== 'string' || !(sentimentClasses as readonly string[]).includes(sentiment)) {
        throw new NlpDataError(path, index + 1, `labels.sentiment must be one of ${sentimentClasses.join(', ')}`)
      }
      item.sentiment = sentiment as SentimentLabel
    }
    if (intents !== undefined) {
      if (!Array.isArray(intents)) throw new NlpDataError(path, index + 1, 'labels.intents must be an array of intent labels')
      item.complaint = intents.includes('complaint')
      if (intents.some((intent) => intent !== 'complaint' && intent !== 'other')) unsupported.add('intents (beyond complaint)')
    }
    if (urgency !== undefined) unsupported.add('urgency')
    if (flags !== undefined) unsupported.add('flags')
    return [item]
  })
  return { name: basename(path), items, unsupported: [...unsupported] }
}

export interface SetResult {
  name: string
  count: number
  sentiment?: ClassificationReport<SentimentLabel>
  complaint?: ClassificationReport<'other' | 'complaint'>
  sentimentMethods: Record<string, number>
  unsupported: string[]
  mentionsPerSecond: number
}

export function evaluateSet (classifier: Classifier, set: EvalSet): SetResult {
  const started = process.hrtime.bigint()
  const outputs = set.items.map((item) => classifier.classify(item.text, item.lang === undefined ? {} : { lang: item.lang }))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const sentimentMethods: Record<string, number> = {}
  for (const output of outputs) sentimentMethods[output.sentiment.method] = (sentimentMethods[output.sentiment.method] ?? 0) + 1
  const result: SetResult = {
    name: set.name,
    count: set.items.length,
    sentimentMethods,
    unsupported: set.unsupported,
    mentionsPerSecond: seconds === 0 ? 0 : set.items.length / seconds,
  }
  const withSentiment = set.items.flatMap((item, i) => item.sentiment === undefined ? [] : [{ gold: item.sentiment, predicted: (outputs[i] as (typeof outputs)[number]).sentiment.label }])
  if (withSentiment.length > 0) {
    result.sentiment = classificationReport(sentimentClasses, withSentiment.map((r) => r.gold), withSentiment.map((r) => r.predicted))
  }
  const complaintLabels = ['other', 'complaint'] as const
  const withComplaint = set.items.flatMap((item, i) => item.complaint === undefined
    ? []
    : [{ gold: item.complaint ? 'complaint' as const : 'other' as const, predicted: (outputs[i] as (typeof outputs)[number]).complaint.isComplaint ? 'complaint' as const : 'other' as const }])
  if (withComplaint.length > 0) {
    result.complaint = classificationReport(complaintLabels, withComplaint.map((r) => r.gold), withComplaint.map((r) => r.predicted))
  }
  return result
}

const percent = (value: number): string => (value * 100).toFixed(1)

export function formatSetResult (result: SetResult): string {
  const lines = [`== ${result.name}: ${result.count} texts, ${Math.round(result.mentionsPerSecond)} mentions/s (one core, classify incl. complaint)`]
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
  for (const task of result.unsupported) lines.push(`${task}: not yet available`)
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
  }
  summary.mentionsPerSecond = seconds === 0 ? 0 : total / seconds
  return summary
}
