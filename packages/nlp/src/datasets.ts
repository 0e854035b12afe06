import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type SentimentLabel } from '@earshot/contracts'
import { NlpDataError } from './errors.js'

export interface LabelledText<Label> {
  text: string
  label: Label
}

const htmlEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' }

/**
 * The SemEval training files keep literal `\uXXXX` escapes and HTML entities, and TweetEval strips
 * URLs; decoding both and dropping URLs puts training text on the same footing as TweetEval's.
 */
export function normaliseSemevalText (text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&(amp|lt|gt|quot|apos|#39|nbsp);/g, (_, name: string) => htmlEntities[name] ?? '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/@\w+/g, '@user')
}

const sentimentNames = new Set<string>(['positive', 'neutral', 'negative'])

/** `tweet_id <TAB> label <TAB> text`, no header (see the tweeteval-sentiment README). */
export function readSemevalTsv (file: string): Array<LabelledText<SentimentLabel>> {
  const rows: Array<LabelledText<SentimentLabel>> = []
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    const fields = line.split('\t')
    if (fields.length < 3) throw new NlpDataError(file, index + 1, 'expected tweet_id, label and text separated by tabs')
    const label = fields[1] as string
    if (!sentimentNames.has(label)) throw new NlpDataError(file, index + 1, `unknown label "${label}"`)
    let text = fields.slice(2).join('\t')
    if (text.startsWith('"') && text.endsWith('"') && text.length > 1) text = text.slice(1, -1).replace(/""/g, '"')
    rows.push({ text: normaliseSemevalText(text), label: label as SentimentLabel })
  })
  return rows
}

/** Split names present in a TweetEval-layout folder (`<split>_text.txt` with a matching `<split>_labels.txt`). */
export function tweetEvalSplits (dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('_text.txt') && existsSync(join(dir, name.replace(/_text\.txt$/, '_labels.txt'))))
    .map((name) => name.replace(/_text\.txt$/, ''))
    .sort()
}

export function readTweetEvalSplit (dir: string, split: string): Array<LabelledText<SentimentLabel>> {
  const mappingFile = join(dir, 'mapping.txt')
  const mapping = new Map<string, SentimentLabel>()
  readFileSync(mappingFile, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    const [id, name] = line.trim().split(/\s+/)
    if (id === undefined || name === undefined || !sentimentNames.has(name)) {
      throw new NlpDataError(mappingFile, index + 1, 'expected "<id> <negative|neutral|positive>"')
    }
    mapping.set(id, name as SentimentLabel)
  })
  const textFile = join(dir, `${split}_text.txt`)
  const labelFile = join(dir, `${split}_labels.txt`)
  const texts = readFileSync(textFile, 'utf8').replace(/\n$/, '').split('\n')
  const labels = readFileSync(labelFile, 'utf8').replace(/\n$/, '').split('\n')
  if (texts.length !== labels.length) throw new NlpDataError(labelFile, undefined, `${labels.length} labels for ${texts.length} texts`)
  return texts.map((text, index) => {
    const label = mapping.get((labels[index] as string).trim())
    if (label === undefined) throw new NlpDataError(labelFile, index + 1, `label id "${labels[index]}" is not in mapping.txt`)
    // The training tweets are decoded the same way (the data README: same normalisation on both sides);
    // TweetEval files keep literal `\u2019` escapes and `&amp;` entities ("don\u2019t" lost its negation).
    return { text: normaliseSemevalText(text), label }
  })
}

/** RFC 4180 fields: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv (content: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < content.length; i++) {
    const char = content[i] as string
    if (quoted) {
      if (char === '"') {
        if (content[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += char
    } else if (char === '"' && field === '') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((fields) => !(fields.length === 1 && fields[0] === ''))
}

export interface ComplaintRow {
  text: string
  label: 0 | 1
  domain: string
}

/** complaints-twitter CSV: `id,text,label,domain`, no header, label 1 = complaint. */
export function readComplaintsCsv (file: string): ComplaintRow[] {
  return parseCsv(readFileSync(file, 'utf8')).map((fields, index) => {
    if (fields.length !== 4) throw new NlpDataError(file, index + 1, `expected 4 fields (id,text,label,domain), got ${fields.length}`)
    const label = fields[2]
    if (label !== '0' && label !== '1') throw new NlpDataError(file, index + 1, `label must be 0 or 1, got "${label}"`)
    return { text: fields[1] as string, label: label === '1' ? 1 : 0, domain: fields[3] as string }
  })
}
