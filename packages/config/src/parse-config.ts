import { z } from 'zod'
import { ConfigError, type ConfigProblem, formatProblem } from './errors.js'

export type Env = Readonly<Record<string, string | undefined>>

const secretName = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH/i
const urlPassword = /(\/\/[^/:@\s]*:)[^@\s]*@/g
const maxShownLength = 100

/**
 * Parses the environment once, at boot, and returns a frozen config. Empty values count as
 * unset, because compose and k8s interpolation turn a missing `${VAR}` into "".
 * Throws ConfigError listing every bad variable, one per line.
 */
export function parseConfig<S extends z.ZodType> (schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== '')
  )
  const result = schema.safeParse(present)
  if (result.success) return Object.freeze(result.data)
  throw new ConfigError(describeProblems(schema, result.error.issues, present))
}

export function formatConfigError (err: ConfigError): string {
  const count = err.problems.length
  const heading = `Invalid configuration: ${count} ${count === 1 ? 'problem' : 'problems'} in the environment`
  return [heading, ...err.problems.map((problem) => `  ${formatProblem(problem)}`)].join('\n')
}

export interface LoadConfigOptions {
  env?: Env
  exit?: (code: number) => never
  stderr?: { write: (text: string) => unknown }
}

/** For a service's main.ts: a bad environment prints what to fix and exits 2, before any connection opens. */
export function loadConfigOrExit<S extends z.ZodType> (
  schema: S,
  { env = process.env, exit = process.exit, stderr = process.stderr }: LoadConfigOptions = {}
): Readonly<z.output<S>> {
  try {
    return parseConfig(schema, env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    stderr.write(`${formatConfigError(err)}\n`)
    exit(2)
    throw err
  }
}

function describeProblems (schema: z.ZodType, issues: readonly z.core.$ZodIssue[], env: Env): ConfigProblem[] {
  const messages = new Map<string | undefined, string[]>()
  for (const issue of issues) {
    const variable = typeof issue.path[0] === 'string' ? issue.path[0] : undefined
    const message = variable === undefined ? issue.message : describeIssue(variable, issue, schema, env[variable])
    const list = messages.get(variable) ?? []
    if (!list.includes(message)) list.push(message)
    messages.set(variable, list)
  }
  return [...messages].map(([variable, list]) => ({ variable, message: list.join('; ') }))
}

function describeIssue (variable: string, issue: z.core.$ZodIssue, schema: z.ZodType, value: string | undefined): string {
  if (value === undefined) {
    if (issue.code === 'custom') return issue.message
    const hint = findHint(variableSchema(schema, variable))
    return hint === undefined ? 'required' : `required — set it to ${hint}`
  }
  return `${issue.message} (got ${showValue(variable, value)})`
}

function showValue (variable: string, value: string): string {
  if (secretName.test(variable)) return '<redacted>'
  const masked = value.replace(urlPassword, '$1***@')
  const shown = masked.length > maxShownLength ? `${masked.slice(0, maxShownLength)}…` : masked
  return JSON.stringify(shown)
}

function variableSchema (schema: z.ZodType, variable: string): z.core.$ZodType | undefined {
  const object = schema instanceof z.ZodPipe ? schema.in : schema
  return object instanceof z.ZodObject ? object.shape[variable] : undefined
}

/** The description may sit on the schema or on what `.default()`, `.optional()` or a pipe wrap. */
function findHint (schema: z.core.$ZodType | undefined): string | undefined {
  let current = schema
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const description = z.globalRegistry.get(current)?.description
    if (description !== undefined) return description
    const def: object = current._zod.def
    if ('innerType' in def && def.innerType instanceof z.core.$ZodType) current = def.innerType
    else if (current instanceof z.core.$ZodPipe) current = current._zod.def.in
    else current = undefined
  }
  return undefined
}
