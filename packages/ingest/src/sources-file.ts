import { readFileSync } from 'node:fs'
import { IngestError } from './errors.js'
import { parseSourcesConfig, type SourceDefinition } from './sources-config.js'

/**
 * Reads and checks the sources JSON file (`INGEST_SOURCES_FILE`) once, at boot. Every platform's
 * sources are returned: each ingest service picks its own. Throws INGEST_ERR_SOURCE_CONFIG with a
 * message that says what to fix.
 */
export function loadSourcesFile (path: string): SourceDefinition[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new IngestError('INGEST_ERR_SOURCE_CONFIG', `cannot read INGEST_SOURCES_FILE ${path}: ${(err as Error).message}`, { retriable: false, cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new IngestError('INGEST_ERR_SOURCE_CONFIG', `INGEST_SOURCES_FILE ${path} is not valid JSON: ${(err as Error).message}`, { retriable: false, cause: err })
  }
  return parseSourcesConfig(json)
}
