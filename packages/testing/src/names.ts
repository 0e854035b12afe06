import { randomBytes } from 'node:crypto'

/** A name unique to this call: topics, consumer groups, databases and key prefixes per test. */
export function uniqueName (prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}
