import { parse } from 'yaml'
import { parseDotenv, readRepoFile } from './repo.js'

export interface ComposeService {
  image?: string
  build?: unknown
  command?: string[] | string
  restart?: string
  environment?: Record<string, string | number | boolean | null> | string[]
  depends_on?: Record<string, { condition?: string }> | string[]
  healthcheck?: { test?: string[] | string, disable?: boolean }
  ports?: unknown[]
  [field: string]: unknown
}

export interface ComposeFile {
  services: Record<string, ComposeService>
  [field: string]: unknown
}

/** docker-compose.yml as compose reads it: YAML merge keys (<<) resolved. */
export function loadCompose (): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile
}

/** The values `cp .env.example .env` gives compose for interpolation. */
export function exampleDotenv (): Record<string, string> {
  return parseDotenv(readRepoFile('.env.example'))
}

/** Compose interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}. */
export function interpolate (text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === '$$') return '$'
    if (name === undefined) return match
    const value = env[name]
    const unset = value === undefined || (op?.startsWith(':') === true && value === '')
    if (op === undefined) return value ?? ''
    if (op.endsWith('-')) return unset ? (arg ?? '') : value
    if (unset) throw new Error(`${name} must be set: ${arg ?? ''}`)
    return value
  })
}

/** A service's environment after interpolation, as the container sees it. */
export function environmentOf (service: ComposeService, env: Record<string, string>): Record<string, string> {
  const raw = service.environment ?? {}
  const pairs: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((item) => {
      const eq = item.indexOf('=')
      return eq === -1 ? [item, env[item] ?? ''] : [item.slice(0, eq), item.slice(eq + 1)]
    })
    : Object.entries(raw).map(([key, value]) => [key, value === null ? (env[key] ?? '') : String(value)])
  return Object.fromEntries(pairs.map(([key, value]) => [key, interpolate(value, env)]))
}

export function commandOf (service: ComposeService): string[] {
  const command = service.command ?? []
  return typeof command === 'string' ? command.split(/\s+/).filter((part) => part !== '') : command
}
