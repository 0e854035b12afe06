import { AppError } from '@earshot/errors'
import { createLogger, usePrettyOutput } from './logger.js'

function capture () {
  const lines: Array<Record<string, unknown>> = []
  const destination = { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } }
  return { lines, destination }
}

test('writes JSON lines tagged with the service name', () => {
  const { lines, destination } = capture()
  createLogger({ level: 'info', name: 'router', destination }).child({ component: 'triage' }).info({ ticketId: 't1' }, 'ticket opened')
  expect(lines).toEqual([expect.objectContaining({ service: 'router', component: 'triage', ticketId: 't1', msg: 'ticket opened', level: 30 })])
})

test('drops lines below the configured level', () => {
  const { lines, destination } = capture()
  const logger = createLogger({ level: 'warn', name: 'router', destination })
  logger.info('quiet')
  logger.warn('loud')
  expect(lines.map((line) => line.msg)).toEqual(['loud'])
})

test('censors secrets at the top level, one object down and in headers', () => {
  const { lines, destination } = capture()
  createLogger({ level: 'info', name: 'api', destination }).info({
    password: 'hunter2',
    source: { token: 'abc', accessToken: 'def', handle: '@brand' },
    req: { headers: { authorization: 'Bearer xyz', cookie: 'sid=1', 'x-api-key': 'k', accept: 'text/html' } },
  }, 'request')
  expect(lines[0]).toMatchObject({
    password: '[redacted]',
    source: { token: '[redacted]', accessToken: '[redacted]', handle: '@brand' },
    req: { headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', accept: 'text/html' } },
  })
  expect(JSON.stringify(lines)).not.toMatch(/hunter2|abc|def|xyz|sid=1/)
})

test('censors extra paths a service adds', () => {
  const { lines, destination } = capture()
  createLogger({ level: 'info', name: 'ingest-x', redact: ['mention.author.email'], destination })
    .info({ mention: { author: { email: 'a@b.c', handle: '@a' } } }, 'mention')
  expect(lines[0]).toMatchObject({ mention: { author: { email: '[redacted]', handle: '@a' } } })
})

test('serialises errors with their code, retriable flag and cause', () => {
  const { lines, destination } = capture()
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
  const err = new AppError('DB_ERR_CONNECT', 'cannot reach PostgreSQL', { cause, retriable: true })
  createLogger({ level: 'info', name: 'router', destination }).error({ err }, 'failed to open ticket')
  expect(lines[0]?.err).toMatchObject({
    type: 'AppError',
    code: 'DB_ERR_CONNECT',
    retriable: true,
    message: 'cannot reach PostgreSQL',
    stack: expect.stringContaining('cannot reach PostgreSQL'),
    cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
  })
})

describe('usePrettyOutput', () => {
  test('is pretty only on a TTY', () => {
    expect(usePrettyOutput(undefined, true)).toBe(true)
    expect(usePrettyOutput(undefined, false)).toBe(false)
    expect(usePrettyOutput(undefined, undefined)).toBe(false)
    expect(usePrettyOutput(true, false)).toBe(false)
  })

  test('stays JSON on a TTY when pretty is false', () => {
    expect(usePrettyOutput(false, true)).toBe(false)
  })
})
