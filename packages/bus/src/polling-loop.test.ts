import { sleep } from './backoff.js'
import { createPollingLoop } from './polling-loop.js'

async function until (check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(2)
  }
}

test('a full round runs the next at once; a round with work left over waits the idle time', async () => {
  const started: number[] = []
  let full = 3
  const loop = createPollingLoop({ round: async () => { started.push(Date.now()); return full-- > 0 }, idleMs: 300, onError: () => {} })
  loop.start()
  await until(() => started.length >= 4)
  await sleep(100)
  expect(started).toHaveLength(4)
  expect(started[3]! - started[0]!).toBeLessThan(200)
  await until(() => started.length >= 5)
  expect(started[4]! - started[3]!).toBeGreaterThanOrEqual(290)
  await loop.stop()
})

test('wake cuts the idle wait short, and a wake during a round runs another round straight after it', async () => {
  let rounds = 0
  let release: (() => void) | undefined
  const loop = createPollingLoop({
    round: async () => {
      rounds++
      if (rounds === 2) await new Promise<void>((resolve) => { release = resolve })
      return false
    },
    idleMs: 60_000,
    onError: () => {},
  })
  loop.start()
  await until(() => rounds === 1)
  loop.wake()
  await until(() => release !== undefined)
  loop.wake()
  release?.()
  await until(() => rounds === 3)
  await sleep(50)
  expect(rounds).toBe(3)
  await loop.stop()
})

test('failures are reported with their count and retried after a pause that doubles up to the cap, and reset on success', async () => {
  const at: number[] = []
  const reported: number[] = []
  const loop = createPollingLoop({
    round: async () => {
      at.push(Date.now())
      if (at.length <= 4) throw new Error('database down')
      return false
    },
    idleMs: 20,
    maxBackoffMs: 100,
    onError: (_err, failures) => reported.push(failures),
  })
  loop.start()
  await until(() => at.length >= 5)
  await loop.stop()
  expect(reported).toEqual([1, 2, 3, 4])
  const waits = at.slice(1).map((t, i) => t - at[i]!)
  // 40, 80, then capped at 100 twice (20 · 2^failures).
  expect(waits[0]).toBeGreaterThanOrEqual(38)
  expect(waits[1]).toBeGreaterThanOrEqual(78)
  expect(waits[2]).toBeGreaterThanOrEqual(98)
  expect(waits[3]).toBeGreaterThanOrEqual(98)
  expect(waits[3]).toBeLessThan(180)
})

test('stop ends the loop after the round in flight and during a wait; a loop never started stops at once', async () => {
  let rounds = 0
  const loop = createPollingLoop({ round: async () => { rounds++; await sleep(30); return false }, idleMs: 60_000, onError: () => {} })
  loop.start()
  loop.start()
  await until(() => rounds === 1)
  const stopped = Date.now()
  await loop.stop()
  expect(Date.now() - stopped).toBeLessThan(1000)
  expect(rounds).toBe(1)
  await createPollingLoop({ round: async () => false, idleMs: 10, onError: () => {} }).stop()
})
