import { z } from 'zod'
import { int, kafkaEnv, kafkaFetchEnv, observabilityEnv } from '@earshot/config'

export const classifierConfigSchema = z.object({
  // Kafka
  ...kafkaEnv,
  ...kafkaFetchEnv,
  KAFKA_CLIENT_ID: z.string().default('earshot-classifier'),
  // Consumer group of the classifier replicas.
  CLASSIFIER_GROUP_ID: z.string().min(1).default('classifier'),
  // Partitions for mentions.v1 and mentions.classified.v1 when this service creates them.
  CLASSIFIER_TOPIC_PARTITIONS: int({ min: 1, max: 1000 }).default(6),
  // Worker threads that classify while the event loop fetches and produces; 0 classifies on the event loop.
  CLASSIFIER_THREADS: int({ min: 0, max: 64 }).default(1),
  // Observability
  ...observabilityEnv,
})

export type ClassifierConfig = z.output<typeof classifierConfigSchema>
