import { z } from 'zod'
import { boolEnv, brokers, duration } from './env-helpers.js'
import { ConfigError } from './errors.js'
import { formatConfigError, loadConfigOrExit, parseConfig } from './parse-config.js'

const schema = z.object({
  KAFKA_BROKERS: brokers(),
  DATABASE_URL: z.string().describe('a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot'),
  X_API_TOKEN: z.string().min(20),
  POLL_INTERVAL: duration().default(15_000),
  DRY_RUN: boolEnv().default(false),
})

function configErrorOf (run: () => unknown): ConfigError {
  try {
    run()
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('parseConfig', () => {
  test('returns typed, frozen values with defaults applied', () => {
    const config = parseConfig(schema, {
      KAFKA_BROKERS: 'localhost:9092',
      DATABASE_URL: 'postgres://localhost/earshot',
      X_API_TOKEN: 'a'.repeat(20),
    })
    expect(config).toEqual({
      KAFKA_BROKERS: ['localhost:9092'],
      DATABASE_URL: 'postgres://localhost/earshot',
      X_API_TOKEN: 'a'.repeat(20),
      POLL_INTERVAL: 15_000,
      DRY_RUN: false,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  test('treats an empty value as unset, so defaults apply and required variables are reported', () => {
    const err = configErrorOf(() => parseConfig(schema, {
      KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: '  ', X_API_TOKEN: 'a'.repeat(20), POLL_INTERVAL: '',
    }))
    expect(err.message).toBe('DATABASE_URL: required — set it to a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot')
  })

  test('reports every bad variable together, one per line, in schema order, with the value it got', () => {
    const err = configErrorOf(() => parseConfig(schema, { DRY_RUN: 'maybe', KAFKA_BROKERS: 'kafka', X_API_TOKEN: 'short' }))
    expect(err.code).toBe('CFG_ERR_INVALID')
    expect(err.retriable).toBe(false)
    expect(err.message.split('\n')).toEqual([
      'KAFKA_BROKERS: expected host:port[,host:port…], e.g. localhost:9092 (got "kafka")',
      'DATABASE_URL: required — set it to a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot',
      'X_API_TOKEN: Too small: expected string to have >=20 characters (got <redacted>)',
      'DRY_RUN: expected true/false, 1/0 or yes/no (got "maybe")',
    ])
    expect(err.problems.map((problem) => problem.variable)).toEqual(['KAFKA_BROKERS', 'DATABASE_URL', 'X_API_TOKEN', 'DRY_RUN'])
  })

  test('uses a helper\'s own hint for a missing variable, and plain "required" without one', () => {
    const err = configErrorOf(() => parseConfig(z.object({ KAFKA_BROKERS: brokers(), MODE: z.enum(['poll', 'stream']) }), {}))
    expect(err.message.split('\n')).toEqual([
      'KAFKA_BROKERS: required — set it to a comma-separated list of Kafka brokers as host:port, e.g. localhost:9092',
      'MODE: required',
    ])
  })

  test('finds the hint on a schema wrapped by .optional() and .pipe()', () => {
    const withHint = z.object({ A: z.string().describe('an a').optional().pipe(z.string()) })
    expect(configErrorOf(() => parseConfig(withHint, {})).message).toBe('A: required — set it to an a')
  })

  test.each(['GITHUB_TOKEN', 'WEBHOOK_SECRET', 'DATABASE_PASSWORD', 'X_API_KEY', 'META_APP_SECRET_KEY'])(
    'never prints the value of %s', (variable) => {
      const err = configErrorOf(() => parseConfig(z.object({ [variable]: z.string().min(64) }), { [variable]: 'hunter2' }))
      expect(err.message).toBe(`${variable}: Too small: expected string to have >=64 characters (got <redacted>)`)
    })

  test('masks the password inside a URL value it shows', () => {
    const err = configErrorOf(() => parseConfig(z.object({ DATABASE_URL: z.url({ protocol: /^redis$/ }) }), {
      DATABASE_URL: 'postgres://earshot:hunter2@db:5432/earshot',
    }))
    expect(err.message).toContain('(got "postgres://earshot:***@db:5432/earshot")')
    expect(err.message).not.toContain('hunter2')
  })

  test('shortens very long values', () => {
    const err = configErrorOf(() => parseConfig(z.object({ TAGS: z.string().max(3) }), { TAGS: 'x'.repeat(500) }))
    expect(err.message).toContain(`(got "${'x'.repeat(100)}…")`)
  })

  test('reports cross-field rules against the variable to set', () => {
    const modes = z.object({ MODE: z.enum(['poll', 'stream']), STREAM_URL: z.string().optional() })
      .superRefine((config, ctx) => {
        if (config.MODE === 'stream' && config.STREAM_URL === undefined) {
          ctx.addIssue({ code: 'custom', path: ['STREAM_URL'], message: 'required when MODE=stream — set it to the stream endpoint' })
        }
      })
    expect(configErrorOf(() => parseConfig(modes, { MODE: 'stream' })).message)
      .toBe('STREAM_URL: required when MODE=stream — set it to the stream endpoint')
  })

  test('reads only the variables in the schema', () => {
    const config = parseConfig(z.object({ A: z.string() }), { A: 'a', HOME: '/root' })
    expect(config).toEqual({ A: 'a' })
  })
})

describe('formatConfigError', () => {
  test('heads the list with a count and indents each problem', () => {
    const err = configErrorOf(() => parseConfig(schema, { KAFKA_BROKERS: 'kafka', X_API_TOKEN: 'a'.repeat(20) }))
    expect(formatConfigError(err)).toBe([
      'Invalid configuration: 2 problems in the environment',
      '  KAFKA_BROKERS: expected host:port[,host:port…], e.g. localhost:9092 (got "kafka")',
      '  DATABASE_URL: required — set it to a PostgreSQL URL, e.g. postgres://user@localhost:5432/earshot',
    ].join('\n'))
  })
})

describe('loadConfigOrExit', () => {
  class ExitCalled extends Error {
    constructor (readonly code: number) { super(`exit(${code})`) }
  }
  const exit = (code: number): never => { throw new ExitCalled(code) }

  test('returns the config when the environment is valid', () => {
    const written: string[] = []
    const config = loadConfigOrExit(z.object({ A: boolEnv() }), { env: { A: 'yes' }, exit, stderr: { write: (text) => written.push(text) } })
    expect(config.A).toBe(true)
    expect(written).toEqual([])
  })

  test('prints what to fix to stderr and exits 2', () => {
    const written: string[] = []
    const run = (): unknown => loadConfigOrExit(schema, { env: {}, exit, stderr: { write: (text) => written.push(text) } })
    expect(run).toThrow(new ExitCalled(2))
    expect(written.join('')).toMatch(/^Invalid configuration: 3 problems in the environment\n {2}KAFKA_BROKERS: required/)
    expect(written.join('')).toMatch(/\n$/)
  })

  test('lets errors other than bad configuration propagate', () => {
    const broken = z.object({ A: z.string().transform(() => { throw new TypeError('bug in a transform') }) })
    expect(() => loadConfigOrExit(broken, { env: { A: 'a' }, exit, stderr: { write: () => true } })).toThrow(TypeError)
  })
})
