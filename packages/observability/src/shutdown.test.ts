import { createLogger } from './logger.js'
import { createShutdownRegistry, exitCodeFor } from './shutdown.js'

function setup (timeoutMs = 1_000) {
  const lines: Array<Record<string, unknown>> = []
  const logger = createLogger({ level: 'info', name: 'test', destination: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } } })
  const exits: number[] = []
  const registry = createShutdownRegistry({ logger, timeoutMs, exit: (code) => { exits.push(code) } })
  return { registry, lines, exits }
}

function deferred () {
  let resolve = (): void => {}
  const promise = new Promise<void>((_resolve) => { resolve = _resolve })
  return { promise, resolve }
}

afterEach(() => {
  jest.useRealTimers()
})

test('closes handlers one at a time, last opened first', async () => {
  const { registry, exits } = setup()
  const events: string[] = []
  for (const name of ['redis', 'postgres pool', 'kafka producer', 'kafka consumer']) {
    registry.register(name, async () => {
      events.push(`start ${name}`)
      await Promise.resolve()
      events.push(`end ${name}`)
    })
  }
  await registry.shutdown('SIGTERM')
  expect(events).toEqual([
    'start kafka consumer', 'end kafka consumer', 'start kafka producer', 'end kafka producer',
    'start postgres pool', 'end postgres pool', 'start redis', 'end redis',
  ])
  expect(exits).toEqual([143])
})

test('logs each handler by name with its duration', async () => {
  const { registry, lines } = setup()
  registry.register('postgres pool', () => {})
  await registry.shutdown('done')
  expect(lines).toContainEqual(expect.objectContaining({ component: 'shutdown', handler: 'postgres pool', durationMs: expect.any(Number), msg: 'closed' }))
  expect(lines.at(-1)).toMatchObject({ msg: 'shutdown complete', reason: 'done', exitCode: 0 })
})

test('a failing handler is logged, does not stop the others, and makes the exit code 1', async () => {
  const { registry, lines, exits } = setup()
  const closed: string[] = []
  registry.register('redis', () => { closed.push('redis') })
  registry.register('producer', () => { throw new Error('broker gone') })
  registry.register('consumer', async () => { throw new Error('commit failed') })
  await registry.shutdown('SIGTERM')
  expect(closed).toEqual(['redis'])
  expect(lines.filter((line) => line.msg === 'shutdown handler failed').map((line) => [line.handler, (line.err as { message: string }).message]))
    .toEqual([['consumer', 'commit failed'], ['producer', 'broker gone']])
  expect(exits).toEqual([1])
})

test('is idempotent: a second call returns the same promise and exits once', async () => {
  const { registry, exits } = setup()
  let closes = 0
  registry.register('pool', () => { closes++ })
  const first = registry.shutdown('SIGTERM')
  const second = registry.shutdown('SIGINT')
  expect(second).toBe(first)
  await Promise.all([first, second])
  expect(closes).toBe(1)
  expect(exits).toEqual([143])
})

test.each([['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129], ['done', 0], ['fatal', 1]] as const)(
  'exits after %s with code %d', async (reason, code) => {
    const { registry, exits } = setup()
    await registry.shutdown(reason)
    expect(exits).toEqual([code])
    expect(exitCodeFor(reason)).toBe(code)
  })

test('forces exit 1 at the deadline, naming the handlers still pending, and runs no more handlers', async () => {
  jest.useFakeTimers()
  const { registry, lines, exits } = setup(5_000)
  const hang = deferred()
  let poolClosed = false
  registry.register('postgres pool', () => { poolClosed = true })
  registry.register('kafka consumer', () => hang.promise)
  const done = registry.shutdown('SIGTERM')
  await jest.advanceTimersByTimeAsync(4_999)
  expect(exits).toEqual([])
  await jest.advanceTimersByTimeAsync(1)
  await done
  expect(exits).toEqual([1])
  expect(lines.at(-1)).toMatchObject({
    msg: 'shutdown deadline passed, forcing exit',
    pending: ['kafka consumer', 'postgres pool'],
    err: { code: 'OBS_ERR_SHUTDOWN_TIMEOUT' },
  })
  hang.resolve()
  await jest.runAllTimersAsync()
  expect(poolClosed).toBe(false)
  expect(exits).toEqual([1])
})

test('clears the deadline timer once handlers finish, so it cannot hold the process', async () => {
  jest.useFakeTimers()
  const { registry } = setup(60_000)
  registry.register('pool', async () => {})
  await registry.shutdown('done')
  expect(jest.getTimerCount()).toBe(0)
})

test('an unregistered handler does not run', async () => {
  const { registry } = setup()
  let closed = false
  const unregister = registry.register('temporary consumer', () => { closed = true })
  unregister()
  await registry.shutdown('done')
  expect(closed).toBe(false)
})

test('a handler registered after shutdown began is logged and skipped', async () => {
  const { registry, lines } = setup()
  const done = registry.shutdown('SIGTERM')
  let closed = false
  registry.register('late', () => { closed = true })
  await done
  expect(closed).toBe(false)
  expect(lines).toContainEqual(expect.objectContaining({ handler: 'late', msg: 'registered after shutdown began; it will not run' }))
})

test('listen shuts down on the signal and its return value removes the listeners', async () => {
  const { registry, exits } = setup()
  const before = process.listenerCount('SIGTERM')
  const closed = deferred()
  registry.register('pool', () => { closed.resolve() })
  const stop = registry.listen(['SIGTERM'])
  expect(process.listenerCount('SIGTERM')).toBe(before + 1)
  process.emit('SIGTERM', 'SIGTERM')
  await closed.promise
  await registry.shutdown()
  expect(exits).toEqual([143])
  stop()
  expect(process.listenerCount('SIGTERM')).toBe(before)
})
