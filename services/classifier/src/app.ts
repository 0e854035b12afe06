import { type Bus, eventHandler } from '@earshot/bus'
import { type Classification, encodeClassifiedMention, type Mention, messageKeyFor, topics } from '@earshot/contracts'
import type { Logger, Metrics } from '@earshot/observability'

/** What the service needs from the model: deterministic, so a redelivered mention classifies identically. */
export interface MentionClassifier {
  modelVersion: string
  classify: (mention: Mention) => Classification
}

export interface ClassifierDeps {
  bus: Bus
  classifier: MentionClassifier
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
  const log = deps.logger.child({ component: 'classifier', modelVersion: deps.classifier.modelVersion })
  const classified = deps.metrics.counter('classifier_mentions_total', 'Mentions classified')
  const seconds = deps.metrics.histogram('classifier_batch_seconds', 'Time to classify a batch (model only)', [], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1])
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
    handler: eventHandler(topics.mentions, async (events) => {
      const started = performance.now()
      const classifications = events.map(({ event }) => deps.classifier.classify(event))
      seconds.observe((performance.now() - started) / 1000)
      // The mentions were checked against mentions.v1 when decoded: only the classification is checked again.
      await producer.send(topics.mentionsClassified, events.map(({ event }, i) => ({
        key: messageKeyFor(event),
        value: encodeClassifiedMention(event, classifications[i] as Classification),
      })))
      classified.inc(events.length)
      for (const classification of classifications) {
        sentiment.inc({ label: classification.sentiment.label })
        urgency.inc({ level: classification.urgency.level })
        for (const intent of classification.intents) intents.inc({ label: intent.label })
      }
    }),
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
