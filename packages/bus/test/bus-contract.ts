import { AppError } from '@earshot/errors'
import { uniqueName, waitFor } from '@earshot/testing'
import { deadLetterTopicOf, readDeadLetter } from '../src/index.js'
import type { Bus, Consumer, ConsumerOptions, IncomingMessage } from '../src/index.js'

/** A group member that takes a batch and never finishes it, then dies like a `kill -9`ed process. */
export interface StuckMember {
  /** Resolves with the offsets of the first batch the member received. */
  firstBatch: Promise<string[]>
  kill: () => Promise<void>
}

export interface BusHarness {
  createBus: () => Promise<Bus>
  startStuckMember: (bus: Bus, groupId: string, topic: string) => Promise<StuckMember>
}

const SESSION_TIMEOUT_MS = 6000

interface Received { member: string, message: IncomingMessage }

function json (message: IncomingMessage): { key: string, seq: number } {
  return JSON.parse(message.value.toString('utf8')) as { key: string, seq: number }
}

/**
 * One suite, run against every Bus adapter: what Earshot relies on from a bus, whichever carries it.
 */
export function busContract (name: string, harness: BusHarness): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus
    const consumers: Consumer[] = []

    beforeAll(async () => { bus = await harness.createBus() })
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map(async (c) => { await c.stop() }))
    })
    afterAll(async () => { await bus.close() })

    async function topic (partitions: number): Promise<string> {
      const name = uniqueName('contract')
      await bus.ensureTopics([{ name, partitions }])
      return name
    }

    async function consume (options: Omit<ConsumerOptions, 'sessionTimeoutMs'>): Promise<Consumer> {
      const consumer = bus.consumer({ sessionTimeoutMs: SESSION_TIMEOUT_MS, ...options })
      consumers.push(consumer)
      await consumer.start()
      return consumer
    }

    async function produceSequence (topicName: string, keys: string[], perKey: number): Promise<void> {
      const producer = bus.producer()
      // Concurrent sends of interleaved keys: order must still hold per key.
      const sends: Array<Promise<void>> = []
      for (let seq = 0; seq < perKey; seq++) {
        sends.push(producer.send(topicName, keys.map((key) => ({ key, value: JSON.stringify({ key, seq }) }))))
      }
      await Promise.all(sends)
      await producer.close()
    }

    test('checkTopics answers for created topics and fails for a missing one', async () => {
      const name = await topic(2)
      await bus.checkTopics([name, `${name}.dlq`])
      await expect(bus.checkTopics([`${name}-missing`])).rejects.toThrow()
    })

    test('delivers messages of one key in the order they were produced', async () => {
      const name = await topic(3)
      const keys = Array.from({ length: 12 }, (_, i) => `tenant-a:conversation-${i}`)
      await produceSequence(name, keys, 25)
      const seen: IncomingMessage[] = []
      await consume({ groupId: uniqueName('group'), topics: [name], handler: async (batch) => { seen.push(...batch.messages) } })
      await waitFor(() => seen.length >= 300, { timeoutMs: 20_000, message: '300 messages' })
      expect(seen).toHaveLength(300)
      for (const key of keys) {
        const sequence = seen.filter((m) => m.key === key).map((m) => json(m).seq)
        expect(sequence).toEqual(Array.from({ length: 25 }, (_, i) => i))
        expect(new Set(seen.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1)
      }
    })

    test('two members of a group share the partitions and each message is handled once', async () => {
      const name = await topic(4)
      const groupId = uniqueName('group')
      const received: Received[] = []
      const member = (label: string) => async (batch: { messages: IncomingMessage[] }) => {
        received.push(...batch.messages.map((message) => ({ member: label, message })))
      }
      const a = await consume({ groupId, topics: [name], handler: member('a') })
      const b = await consume({ groupId, topics: [name], handler: member('b') })
      await waitFor(() => a.assignments().length === 2 && b.assignments().length === 2,
        { timeoutMs: 20_000, message: 'partitions split 2/2' })
      const partitionsOf = (c: Consumer): number[] => c.assignments().map((x) => x.partition).sort()
      expect([...partitionsOf(a), ...partitionsOf(b)].sort()).toEqual([0, 1, 2, 3])

      await produceSequence(name, Array.from({ length: 40 }, (_, i) => `t:c${i}`), 5)
      await waitFor(() => received.length >= 200, { timeoutMs: 20_000, message: '200 messages' })
      expect(received).toHaveLength(200)
      expect(new Set(received.map((r) => `${r.message.partition}:${r.message.offset}`)).size).toBe(200)
      expect(new Set(received.map((r) => r.member))).toEqual(new Set(['a', 'b']))
      for (const { member: label, message } of received) {
        expect(partitionsOf(label === 'a' ? a : b)).toContain(message.partition)
      }
    })

    test('a member killed mid-batch leaves its uncommitted messages to the next member; none are lost', async () => {
      const name = await topic(1)
      const groupId = uniqueName('group')
      await produceSequence(name, ['t:killed'], 20)
      const stuck = await harness.startStuckMember(bus, groupId, name)
      const inFlight = await stuck.firstBatch
      expect(inFlight.length).toBeGreaterThan(0)
      await stuck.kill()

      const producer = bus.producer()
      await producer.send(name, Array.from({ length: 10 }, (_, i) => ({ key: 't:killed', value: JSON.stringify({ key: 't:killed', seq: 20 + i }) })))
      await producer.close()

      const seen: IncomingMessage[] = []
      await consume({ groupId, topics: [name], handler: async (batch) => { seen.push(...batch.messages) } })
      await waitFor(() => seen.length >= 30, { timeoutMs: 30_000, message: '30 messages after the kill' })
      expect(seen.map((m) => json(m).seq)).toEqual(Array.from({ length: 30 }, (_, i) => i))
      for (const offset of inFlight) expect(seen.map((m) => m.offset)).toContain(offset)
    }, 60_000)

    test('poison messages reach the dead-letter topic with the reason and origin; the rest are handled', async () => {
      const name = await topic(2)
      const producer = bus.producer()
      const values = [
        '{"seq":0}', '{"seq":1}', 'not json at all', '{"seq":3}', '{"seq":4,"poison":true}', '{"seq":5}', '{"seq":6,"reject":true}', '{"seq":7}',
      ]
      await producer.send(name, values.map((value, i) => ({ key: `t:k${i % 3}`, value, headers: { 'x-origin': `m${i}` } })))
      await producer.close()

      const handled = new Set<number>()
      await consume({
        groupId: uniqueName('group'),
        topics: [name],
        handler: async (batch, context) => {
          for (const message of batch.messages) {
            const body = JSON.parse(message.value.toString('utf8')) as { seq: number, poison?: boolean, reject?: boolean }
            if (body.poison === true) throw new AppError('TEST_ERR_POISON', `poison pill seq ${body.seq}`)
            if (body.reject === true) {
              context.deadLetter(message, new AppError('TEST_ERR_REJECTED', `rejected seq ${body.seq}`))
              continue
            }
            handled.add(body.seq)
          }
        },
      })
      await waitFor(() => handled.size >= 5, { timeoutMs: 20_000, message: 'the five good messages' })
      const letters = await waitFor(async () => {
        const all = await bus.readAll(deadLetterTopicOf(name), { timeoutMs: 10_000 })
        return all.length >= 3 ? all : undefined
      }, { timeoutMs: 20_000, message: 'three dead letters' })

      expect([...handled].sort()).toEqual([0, 1, 3, 5, 7])
      expect(letters).toHaveLength(3)
      const byValue = new Map(letters.map((l) => [l.value.toString('utf8'), l]))
      const malformed = byValue.get('not json at all')
      const poison = byValue.get('{"seq":4,"poison":true}')
      const rejected = byValue.get('{"seq":6,"reject":true}')
      expect(readDeadLetter(malformed!)).toMatchObject({ errorCode: 'SyntaxError', topic: name })
      expect(readDeadLetter(malformed!).error).toMatch(/JSON/)
      expect(readDeadLetter(poison!)).toMatchObject({ errorCode: 'TEST_ERR_POISON', error: 'poison pill seq 4', topic: name })
      expect(readDeadLetter(rejected!)).toMatchObject({ errorCode: 'TEST_ERR_REJECTED', error: 'rejected seq 6', topic: name })
      const originals = await bus.readAll(name)
      for (const letter of letters) {
        const info = readDeadLetter(letter)
        const original = originals.find((m) => m.partition === info.partition && m.offset === info.offset)
        expect(original?.value.toString('utf8')).toBe(letter.value.toString('utf8'))
        expect(letter.key).toBe(original?.key)
        expect(letter.headers['x-origin']).toBe(original?.headers['x-origin'])
      }
    })

    test('a retriable failure is retried until it succeeds, without dead-lettering', async () => {
      const name = await topic(1)
      await produceSequence(name, ['t:flaky'], 3)
      let failures = 0
      const seen: number[] = []
      await consume({
        groupId: uniqueName('group'),
        topics: [name],
        retry: { initialDelayMs: 10, maxDelayMs: 50 },
        handler: async (batch) => {
          if (failures < 3) {
            failures++
            throw new AppError('TEST_ERR_DOWN', 'database unavailable', { retriable: true })
          }
          seen.push(...batch.messages.map((m) => json(m).seq))
        },
      })
      await waitFor(() => seen.length >= 3, { timeoutMs: 20_000, message: 'three messages after retries' })
      expect(seen).toEqual([0, 1, 2])
      expect(failures).toBe(3)
      expect(await bus.readAll(deadLetterTopicOf(name))).toHaveLength(0)
    })

    test('a consumer resumes from its committed offset after a restart', async () => {
      const name = await topic(2)
      const groupId = uniqueName('group')
      await produceSequence(name, ['t:a', 't:b'], 5)
      const first: IncomingMessage[] = []
      const consumer = await consume({ groupId, topics: [name], handler: async (batch) => { first.push(...batch.messages) } })
      await waitFor(() => first.length >= 10, { timeoutMs: 20_000, message: 'ten messages' })
      await consumer.stop()

      const producer = bus.producer()
      await producer.send(name, [{ key: 't:a', value: JSON.stringify({ key: 't:a', seq: 5 }) }, { key: 't:b', value: JSON.stringify({ key: 't:b', seq: 5 }) }])
      await producer.close()

      const second: IncomingMessage[] = []
      await consume({ groupId, topics: [name], handler: async (batch) => { second.push(...batch.messages) } })
      await waitFor(() => second.length >= 2, { timeoutMs: 20_000, message: 'two new messages' })
      expect(second.map((m) => json(m)).sort((x, y) => x.key.localeCompare(y.key))).toEqual([{ key: 't:a', seq: 5 }, { key: 't:b', seq: 5 }])
      expect(first).toHaveLength(10)
    })

    test('stop lets the in-flight batch finish and commits it', async () => {
      const name = await topic(1)
      const groupId = uniqueName('group')
      await produceSequence(name, ['t:slow'], 5)
      let release: () => void = () => {}
      const gate = new Promise<void>((resolve) => { release = resolve })
      let started = false
      let finished = 0
      const consumer = await consume({
        groupId,
        topics: [name],
        handler: async (batch) => {
          started = true
          await gate
          finished += batch.messages.length
        },
      })
      await waitFor(() => started, { timeoutMs: 20_000, message: 'the batch to start' })
      const stopped = consumer.stop()
      release()
      await stopped
      expect(finished).toBeGreaterThan(0)

      const again: IncomingMessage[] = []
      await consume({ groupId, topics: [name], handler: async (batch) => { again.push(...batch.messages) } })
      await waitFor(() => finished + again.length >= 5, { timeoutMs: 20_000, message: 'the rest of the messages' })
      expect(finished + again.length).toBe(5)
      expect(again.map((m) => json(m).seq)).toEqual(Array.from({ length: 5 - finished }, (_, i) => finished + i))
    })
  })
}
