import type { KafkaBus } from '@earshot/bus'
import { topics } from '@earshot/contracts'

/** Ready when a broker answers metadata for mentions.v1; one admin connection, reopened after a failure. */
export function createKafkaReadiness (bus: KafkaBus) {
  const admin = bus.kafka.admin()
  let connected: Promise<void> | undefined
  return {
    async check (): Promise<void> {
      connected ??= admin.connect().catch((err: unknown) => {
        connected = undefined
        throw err
      })
      await connected
      await admin.fetchTopicMetadata({ topics: [topics.mentions] })
    },
    async close (): Promise<void> {
      if (connected !== undefined) await admin.disconnect()
    },
  }
}
