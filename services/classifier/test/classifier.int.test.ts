import { createKafkaBus, type KafkaBus, readDeadLetter } from '@earshot/bus'
import { type ClassifiedMention, decodeEvent, encodeEvent, messageKeyFor, sampleMention, topics } from '@earshot/contracts'
import { createMentionClassifier } from '@earshot/nlp'
import { createLogger, createMetrics } from '@earshot/observability'
import { testEnvironment, uniqueName, waitFor } from '@earshot/testing'
import { createClassifierApp, type MentionBatchClassifier, type MentionClassifier, startClassificationThreads } from '../src/index.js'

describe('classifier service on a real broker', () => {
  let bus: KafkaBus
  const classifier = createMentionClassifier()

  beforeAll(async () => {
    bus = createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'classifier-test' })
    await bus.ensureTopics([{ name: topics.mentions, partitions: 6 }, { name: topics.mentionsClassified, partitions: 6 }])
  })
  afterAll(async () => { await bus.close() })

  async function classifiedFor (tenantId: string): Promise<ClassifiedMention[]> {
    return (await bus.readAll(topics.mentionsClassified))
      .filter((m) => (JSON.parse(m.value.toString('utf8')) as { tenantId?: string }).tenantId === tenantId)
      .map((m) => decodeEvent(topics.mentionsClassified, m.value))
  }

  test.each([
    ['on the event loop', 0],
    ['in two worker threads', 2],
  ])('classifies every mention (%s), identically when it is delivered twice, and dead-letters invalid events with the reason', async (_how, threadCount) => {
    const tenantId = uniqueName('cls').toLowerCase().slice(0, 40)
    const logger = createLogger({ level: 'silent', name: 'classifier-test' })
    const threads = threadCount === 0 ? undefined : await startClassificationThreads({ threads: threadCount, logger })
    const app = createClassifierApp({
      bus,
      classifier: threads ?? classifier as MentionClassifier | MentionBatchClassifier,
      logger,
      metrics: createMetrics({ service: 'classifier-test' }),
      groupId: uniqueName('classifier'),
      startAt: 'latest',
    })
    await app.start()
    const texts = [
      '@AcmeRail third cancelled train this week, unbelievable. Is the 8:15 running at all?',
      'huge thanks to the crew on the 8:15, brilliant service today',
      'the app is down for everyone, cannot buy tickets',
      'someone fell on the platform at Leeds, the floor is soaking wet and nobody is there to help',
    ]
    const mentions = texts.map((text, i) => sampleMention({ tenantId, nativeId: String(1_950_000_000_000_000_000n + BigInt(i)), conversationId: `x:c${i}`, url: undefined, text }))
    const producer = bus.producer()
    const messages = mentions.map((m) => ({ key: messageKeyFor(m), value: encodeEvent(topics.mentions, m) }))
    await producer.send(topics.mentions, messages)
    await producer.send(topics.mentions, [messages[0]!, { key: `${tenantId}:broken`, value: JSON.stringify({ ...mentions[1], author: undefined, tenantId }) }])
    await producer.close()

    const out = await waitFor(async () => {
      const got = await classifiedFor(tenantId)
      return got.length >= 5 ? got : undefined
    }, { timeoutMs: 30_000, message: 'five classified mentions' })
    await app.stop()
    await threads?.close()

    expect(out).toHaveLength(5)
    const first = out.filter((m) => m.id === mentions[0]!.id)
    expect(first).toHaveLength(2)
    expect(first[0]!.classification).toEqual(first[1]!.classification)
    expect(first[0]!.classification.modelVersion).toBe(classifier.modelVersion)
    const safety = out.find((m) => m.id === mentions[3]!.id)
    expect(safety?.classification.flags.safety).toBe(true)
    expect(safety?.classification.urgency.level).toBe('critical')

    const letters = (await bus.readAll(`${topics.mentions}.dlq`)).filter((l) => l.key === `${tenantId}:broken`)
    expect(letters).toHaveLength(1)
    expect(readDeadLetter(letters[0]!)).toMatchObject({ errorCode: 'CONTRACT_ERR_INVALID_EVENT', topic: topics.mentions })
    expect(readDeadLetter(letters[0]!).error).toMatch(/author/)
  })
})
