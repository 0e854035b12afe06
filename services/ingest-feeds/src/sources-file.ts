import { readFileSync } from 'node:fs'
import { parseSourcesConfig, type SourceDefinition } from '@earshot/ingest'
import { SourceSettingsError } from './errors.js'

/** Reads the sources JSON file (once, at boot); the message says what to fix. */
export function loadSourcesFile (path: string): SourceDefinition[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new SourceSettingsError(`cannot read INGEST_SOURCES_FILE ${path}: ${(err as Error).message}`, err)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SourceSettingsError(`INGEST_SOURCES_FILE ${path} is not valid JSON: ${(err as Error).message}`, err)
  }
  return parseSourcesConfig(json)
}
