import { join } from 'node:path'
import { encodeEvent, sampleMention, topics } from '@earshot/contracts'
import { createMentionClassifier } from '@earshot/nlp'
import { createLogger } from '@earshot/observability'
import { classifyMessages } from './batch-classifier.js'
import { type ClassificationThreads, startClassificationThreads } from './classification-threads.js'

const logger = createLogger({ level: 'silent', name: 'classification-threads-test' })
const texts = [
  'the app is down for everyone, cannot buy tickets',
  'huge thanks to the crew on the 8:15, brilliant service today',
  'someone fell on the platform at Leeds, the floor is soaking wet and nobody is there to help',
  'je vais résilier mon abonnement, troisième panne cette semaine',
]

function messageValues (offset: number): Array<Uint8Array | null> {
  const mentions = texts.map((text, i) => sampleMention({ tenantId: 'acme', nativeId: String(1_960_000_000_000_000_000n + BigInt(offset + i)), conversationId: `x:c${offset + i}`, text }))
  const valid = mentions.map((m) => Buffer.from(encodeEvent(topics.mentions, m)))
  return [
    ...valid.slice(0, 2),
    Buffer.from('{"tenantId": "acme", '),
    null,
    Buffer.from(JSON.stringify({ ...mentions[0], author: undefined })),
    ...valid.slice(2),
  ]
}

describe('classification threads', () => {
  let threads: ClassificationThreads
  const model = createMentionClassifier()
  beforeAll(async () => { threads = await startClassificationThreads({ threads: 2, logger }) }, 60_000)
  afterAll(async () => { await threads.close() })

  test('answer each batch exactly as classifying on the event loop does, invalid messages with their reason', async () => {
    expect(threads.modelVersion).toBe(model.modelVersion)
    // Several batches at once, spread over both threads, each answered in its own order.
    const batches = [0, 10, 20, 30, 40].map(messageValues)
    const answers = await Promise.all(batches.map(async (values) => await threads.classifyBatch(values)))
    expect(threads.inFlight()).toBe(0)
    expect(threads.running()).toBe(2)
    answers.forEach((answer, i) => expect(answer).toEqual(classifyMessages(model, batches[i]!)))
    const first = answers[0]!
    expect(first.messages.map((m) => 'invalid' in m ? m.invalid.code : 'classified')).toEqual([
      'classified', 'classified', 'CONTRACT_ERR_MALFORMED_JSON', 'CONTRACT_ERR_MALFORMED_JSON', 'CONTRACT_ERR_INVALID_EVENT', 'classified', 'classified',
    ])
    expect(first.messages[3]).toEqual({ invalid: { code: 'CONTRACT_ERR_MALFORMED_JSON', message: 'mentions.v1 message is not valid JSON: the message has no value' } })
    expect(first.labels.urgency.critical).toBe(1)
  })

  test('refuse batches once closed', async () => {
    const closing = await startClassificationThreads({ threads: 1, logger, entry: join(__dirname, '..', 'test', 'fixtures', 'exiting-thread.cjs') })
    await closing.close()
    await expect(closing.classifyBatch([null, null])).rejects.toThrow('the classification threads are closed')
  })
})

test('a thread that dies fails the batches it held, and a new thread takes the next ones', async () => {
  const threads = await startClassificationThreads({ threads: 1, logger, entry: join(__dirname, '..', 'test', 'fixtures', 'exiting-thread.cjs') })
  try {
    expect(threads.modelVersion).toBe('fixture-1')
    // The fixture thread exits on a one-message batch.
    await expect(threads.classifyBatch([Buffer.from('{}')])).rejects.toThrow('a classification thread exited (code 3) before answering')
    expect(threads.running()).toBe(0)
    let answer: Awaited<ReturnType<ClassificationThreads['classifyBatch']>> | undefined
    for (let attempt = 0; attempt < 50 && answer === undefined; attempt++) {
      answer = await threads.classifyBatch([Buffer.from('{}'), Buffer.from('{}')]).catch(async () => { await new Promise((resolve) => setTimeout(resolve, 100)); return undefined })
    }
    expect(answer?.messages).toEqual([])
    expect(threads.running()).toBe(1)
  } finally {
    await threads.close()
  }
}, 20_000)
