import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { type Mention, parseEvent, topics } from '@earshot/contracts'
import { SampleFileError } from './errors.js'

export const defaultSampleFile = join(__dirname, '..', 'data', 'sample-mentions.jsonl')

/** Reads a JSONL file of mentions.v1 events (one per line, blank lines ignored); a bad line fails with its number. */
export async function readMentionsFile (path: string): Promise<Mention[]> {
  const mentions: Mention[] = []
  let lineNumber = 0
  try {
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
    for await (const line of lines) {
      lineNumber++
      if (line.trim() === '') continue
      mentions.push(parseEvent(topics.mentions, JSON.parse(line)))
    }
  } catch (err) {
    throw new SampleFileError(lineNumber === 0 ? `cannot read ${path}` : `${path}:${lineNumber} is not a mentions.v1 event`, err)
  }
  return mentions
}
