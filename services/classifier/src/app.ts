import type { Bus } from '@earshot/bus'
import { topics } from '@earshot/contracts'
import type { Logger, Metrics } from '@earshot/observability'
import { inProcessBatchClassifier, invalidMentionError, type MentionBatchClassifier, type MentionClassifier } from './batch-classifier.js'

export interface ClassifierDeps {
  bus: Bus
  /** A model used on the event loop, or a batch classifier such as the service's worker threads. */
  classifier: MentionClassifier | MentionBatchClassifier
  logger: Logger
  metrics: Metrics
  groupId?: string
  topicPartitions?: number
  startAt?: 'earliest' | 'latest'
  /** Partitions handled at the same time (each partition's batches stay in order); default 3. */
  partitionsConcurrently?: number
}

/**
 * mentions.v1 → mentions.classified.v1. Each batch is classified, produced, and only once the
 * broker acknowledged it does the bus commit the offsets; invalid events reach mentions.v1.dlq
 * with the reason. Built without I/O of its own: main.ts supplies the adapters.
 */
export function createClassifierApp (deps: ClassifierDeps) {
  const classifier = 'classifyBatch' in deps.classifier ? deps.classifier : inProcessBatchClassifier(deps.classifier)
  const log = deps.logger.child({ component: 'classifier', modelVersion: classifier.modelVersion })
  const classified = deps.metrics.counter('classifier_mentions_total', 'Mentions classified')
  const seconds = deps.metrics.histogram('classifier_batch_seconds', 'Time to classify a batch (with worker threads: from hand-over to answer)', [], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1])
  const sentiment = deps.metrics.counter('classifier_sentiment_total', 'Sentiment labels given', ['label'])
  const intents = deps.metrics.counter('classifier_intents_total', 'Intent labels given', ['label'])
  const urgency = deps.metrics.counter('classifier_urgency_total', 'Urgency levels given', ['level'])
  const producer = deps.bus.producer({ lingerMs: 2 })

  const consumer = deps.bus.consumer({
    groupId: deps.groupId ?? 'classifier',
    topics: [topics.mentions],
    fromBeginning: deps.startAt !== 'latest',
    // Classifying is synchronous, but a batch then waits for the broker's acknowledgement: with
    // several partitions in hand, the next batch is classified during that wait instead of after it.
    partitionsConsumedConcurrently: deps.partitionsConcurrently ?? 3,
    handler: async (batch, context) => {
      const started = performance.now()
      // Decoding happens with the classification (in a worker thread when there are threads), so the
      // contract check and its dead letters are the classifier's answer for each message.
      const outcome = await classifier.classifyBatch(batch.messages.map((message) => message.value))
      seconds.observe((performance.now() - started) / 1000)
      const out: Array<{ key: string, value: string }> = []
      outcome.messages.forEach((result, i) => {
        if ('invalid' in result) context.deadLetter(batch.messages[i]!, invalidMentionError(result.invalid))
        else out.push(result)
      })
      if (out.length === 0) return
      await producer.send(topics.mentionsClassified, out)
      classified.inc(out.length)
      for (const [label, n] of Object.entries(outcome.labels.sentiment)) sentiment.inc({ label }, n)
      for (const [level, n] of Object.entries(outcome.labels.urgency)) urgency.inc({ level }, n)
      for (const [label, n] of Object.entries(outcome.labels.intents)) intents.inc({ label }, n)
    },
  })

  return {
    consumer,
    async start (): Promise<void> {
      const partitions = deps.topicPartitions ?? 6
      await deps.bus.ensureTopics([{ name: topics.mentions, partitions }, { name: topics.mentionsClassified, partitions }])
      await consumer.start()
      log.info({ partitions }, 'classifier started')
    },
    async stop (): Promise<void> {
      await consumer.stop()
      await producer.close()
    },
    healthy: () => consumer.healthy(),
  }
}

export type ClassifierApp = ReturnType<typeof createClassifierApp>
