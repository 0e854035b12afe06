import { z } from 'zod'

type ParseResult<T> = { ok: true, value: T } | { ok: false, message: string }

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value })
const fail = (message: string): ParseResult<never> => ({ ok: false, message })

/**
 * Every helper reads one trimmed string and reports one precise message. The description is
 * the "what to set" hint that completes `required — set it to …`; `.describe()` replaces it.
 */
function envValue<T> (hint: string, parse: (raw: string) => ParseResult<T>) {
  return z.string().transform((raw, ctx) => {
    const result = parse(raw.trim())
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.message, input: raw })
    return z.NEVER
  }).describe(hint)
}

function splitList (raw: string): ParseResult<string[]> {
  const items = raw.split(',').map((item) => item.trim())
  const empty = items.findIndex((item) => item === '')
  if (empty !== -1) return fail(`item ${empty + 1} of the comma-separated list is empty, e.g. a,b,c`)
  return ok(items)
}

/** A comma-separated list; items are trimmed and none may be empty. */
export function csv () {
  return envValue('a comma-separated list, e.g. a,b,c', splitList)
}

const brokerPattern = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?):(\d{1,5})$/i
const brokersMessage = 'expected host:port[,host:port…], e.g. localhost:9092'

export function brokers () {
  return envValue('a comma-separated list of Kafka brokers as host:port, e.g. localhost:9092', (raw) => {
    const list = splitList(raw)
    if (!list.ok) return fail(brokersMessage)
    const valid = list.value.every((item) => {
      const match = brokerPattern.exec(item)
      const portNumber = Number(match?.[3])
      return match !== null && portNumber >= 1 && portNumber <= 65535
    })
    return valid ? list : fail(brokersMessage)
  })
}

const msPerUnit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
/** Node.js clamps longer timers to 1 ms, so a longer duration would fire at once. */
const maxTimerMs = 2 ** 31 - 1

/** "250ms", "15s", "15m", "2h", "1d" or a bare number of milliseconds; yields milliseconds. */
export function duration () {
  return envValue('a duration such as 250ms, 15s, 15m, 2h or 1d', (raw) => {
    const match = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(raw)
    if (match === null) return fail('expected a duration such as 250ms, 15s, 15m, 2h or 1d (a bare number means milliseconds)')
    const [, amount = '', unit = ''] = match
    if (unit !== '' && !Object.hasOwn(msPerUnit, unit)) {
      return fail(`unknown duration unit "${unit}"; use ms, s, m, h or d, e.g. 15s`)
    }
    const ms = Math.round(Number(amount) * (unit === '' ? 1 : msPerUnit[unit as keyof typeof msPerUnit]))
    if (ms > maxTimerMs) return fail(`duration exceeds ${maxTimerMs}ms (about 24.8 days), the longest timer Node.js supports`)
    return ok(ms)
  })
}

const truthy = new Set(['true', '1', 'yes'])
const falsy = new Set(['false', '0', 'no'])

/** Only true/false, 1/0, yes/no (any case): "False" must never turn a feature on. */
export function boolEnv () {
  return envValue('true or false', (raw) => {
    const value = raw.toLowerCase()
    if (truthy.has(value)) return ok(true)
    if (falsy.has(value)) return ok(false)
    return fail('expected true/false, 1/0 or yes/no')
  })
}

/** A whole number within bounds, for pool sizes, batch sizes and limits. */
export function int ({ min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: { min?: number, max?: number } = {}) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`
  return envValue(`a whole number ${range}`, (raw) => {
    const value = Number(raw)
    if (!/^-?\d+$/.test(raw) || value < min || value > max) return fail(`expected a whole number ${range}`)
    return ok(value)
  })
}

/** A TCP port; 0 asks the OS for a free one (handy in tests). */
export function port () {
  return envValue('a TCP port from 0 to 65535, e.g. 8080', (raw) => {
    const value = Number(raw)
    if (!/^\d{1,5}$/.test(raw) || value > 65535) return fail('expected a TCP port from 0 to 65535, e.g. 8080')
    return ok(value)
  })
}

/** An absolute URL, optionally restricted to protocols given as 'postgres', 'postgres:' or 'postgres://'. */
export function url (protocols: readonly string[] = []) {
  const allowed = protocols.map((protocol) => protocol.replace(/:(\/\/)?$/, '').toLowerCase())
  const hint = allowed.length === 0
    ? 'an absolute URL, e.g. https://example.com'
    : `a ${allowed.map((protocol) => `${protocol}://`).join(' or ')} URL`
  return envValue(hint, (raw) => {
    let parsed: URL
    try {
      parsed = new URL(raw)
    } catch {
      return fail(`expected ${hint}`)
    }
    const protocol = parsed.protocol.slice(0, -1)
    if (allowed.length > 0 && !allowed.includes(protocol)) return fail(`expected ${hint}, not ${protocol}://`)
    return ok(raw)
  })
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof logLevels[number]

export function logLevel () {
  const listed = `${logLevels.slice(0, -1).join(', ')} or ${logLevels.at(-1)}`
  return envValue(`one of ${listed}`, (raw) => {
    const value = raw.toLowerCase()
    return (logLevels as readonly string[]).includes(value)
      ? ok(value as LogLevel)
      : fail(`expected one of ${listed}`)
  })
}
