import { waitFor } from '@earshot/testing'
import { MemoryBus } from '../src/index.js'
import { busContract } from './bus-contract.js'

busContract('in-memory adapter', {
  createBus: async () => new MemoryBus(),
  startStuckMember: async (bus, groupId, topic) => {
    if (!(bus instanceof MemoryBus)) throw new TypeError('expected a MemoryBus')
    let reported: (offsets: string[]) => void = () => {}
    const firstBatch = new Promise<string[]>((resolve) => { reported = resolve })
    const member = bus.consumer({
      groupId,
      topics: [topic],
      handler: async (batch) => {
        reported(batch.messages.map((m) => m.offset))
        await new Promise(() => {})
      },
    })
    await member.start()
    return { firstBatch, kill: async () => { await bus.crash(member) } }
  },
})

describe('in-memory adapter with retention', () => {
  test('keeps what a group has not committed, drops the rest beyond the retained tail, and offsets stay put', async () => {
    const bus = new MemoryBus({ retainMessages: 10 })
    await bus.ensureTopics([{ name: 'retained', partitions: 1, deadLetter: false }])
    const producer = bus.producer()
    const fast: string[] = []
    const late: string[] = []
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const consumerOf = (groupId: string, seen: string[], wait?: Promise<void>) => bus.consumer({
      groupId,
      topics: ['retained'],
      maxBatchSize: 7,
      handler: async (batch) => {
        if (wait !== undefined) await wait
        seen.push(...batch.messages.map((m) => m.offset))
      },
    })
    const fastConsumer = consumerOf('fast', fast)
    const lateConsumer = consumerOf('late', late, gate)
    await fastConsumer.start()
    await lateConsumer.start()
    for (let i = 0; i < 100; i++) await producer.send('retained', [{ key: 'k', value: `m${i}` }])
    await waitFor(() => fast.length === 100, { timeoutMs: 5_000, message: 'the fast group read all 100' })
    // The late group has committed nothing: every message stays.
    expect((await bus.readAll('retained')).map((m) => m.offset)).toHaveLength(100)

    release()
    await waitFor(() => late.length === 100, { timeoutMs: 5_000, message: 'the late group read all 100' })
    const kept = (await bus.readAll('retained')).map((m) => Number(m.offset))
    expect(kept.length).toBeLessThanOrEqual(12)
    expect(kept.at(-1)).toBe(99)
    expect(late).toEqual(Array.from({ length: 100 }, (_, i) => String(i)))

    // A restarted member resumes from the committed offset, past the dropped messages.
    await fastConsumer.stop()
    for (let i = 100; i < 130; i++) await producer.send('retained', [{ key: 'k', value: `m${i}` }])
    const resumed: string[] = []
    const again = consumerOf('fast', resumed)
    await again.start()
    await waitFor(() => resumed.length === 30, { timeoutMs: 5_000, message: 'the 30 new messages' })
    expect(resumed).toEqual(Array.from({ length: 30 }, (_, i) => String(100 + i)))
    await bus.close()
  })
})
