import { parseArgs } from 'node:util'
import { createKafkaBus } from '@earshot/bus'
import { type ClassifiedMention, decodeEvent, encodeEvent, messageKeyFor, sampleClassifiedMention, topics } from '@earshot/contracts'
import { createLogger, createMetrics } from '@earshot/observability'
import { createPool, migrate } from '@earshot/store'
import { createPolicyBook, createRouterApp, createTicketWriter } from '@earshot/router'
import { benchDatabase, percentile, table, writeBenchResult } from './infra.js'
import { kafkaForBench } from './local-kafka.js'

const TENANTS = 10

function mentions (count: number, offset: number, conversations: number, receivedAt: () => string): ClassifiedMention[] {
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k
    return sampleClassifiedMention({
      tenantId: `bench-${i % TENANTS}`,
      nativeId: String(1_900_000_000_000_000_000n + BigInt(i)),
      conversationId: `x:conversation-${Math.floor(i / TENANTS) % conversations}`,
      url: undefined,
      receivedAt: receivedAt(),
    })
  })
}

export async function runRouterBenchmark (args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      messages: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '500' },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
    },
  })
  const total = Number(values.messages)
  const batch = Number(values.batch)
  const rate = Number(values.rate)
  const seconds = Number(values.seconds)
  const kafka = kafkaForBench()
  const db = await benchDatabase()
  const pool = createPool({ connectionString: db.url, max: 8 })
  const logger = createLogger({ level: 'warn', name: 'bench-router' })
  try {
    await migrate(pool)
    process.stderr.write(`router benchmark: PostgreSQL ${db.url.replace(/\/\/[^@]*@/, '//')}, broker ${kafka.version}\n`)

    // 1. The batch transaction alone: classified mentions/s into tickets, events and schedules.
    const writer = createTicketWriter({ pool, policies: createPolicyBook() })
    const now = new Date().toISOString()
    const input = mentions(total, 0, Math.ceil(total / TENANTS / 5), () => now)
    const started = performance.now()
    for (let i = 0; i < input.length; i += batch) await writer.writeBatch(input.slice(i, i + batch))
    const writerRate = Math.round(total / ((performance.now() - started) / 1000))
    process.stderr.write(`  writer: ${total} mentions in batches of ${batch}: ${writerRate.toLocaleString('en')}/s\n`)
    await pool.query('TRUNCATE mentions, tickets, outbox, schedules, incident_mentions')

    // 2. Kafka to Kafka at a fixed rate: from the mention's arrival to its ticket event on tickets.v1.
    const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'bench-router' })
    await bus.ensureTopics([{ name: topics.mentionsClassified, partitions: 6 }, { name: topics.tickets, partitions: 6 }])
    const app = createRouterApp({ bus, pool, policies: createPolicyBook(), logger, metrics: createMetrics({ service: 'bench-router' }), groupId: `bench-router-${Date.now()}`, sessionTimeoutMs: 10_000, startAt: 'latest' })
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    const watcher = bus.consumer({
      groupId: `bench-router-watch-${Date.now()}`,
      topics: [topics.tickets],
      fromBeginning: false,
      handler: async (b) => {
        const at = Date.now()
        for (const message of b.messages) {
          const event = decodeEvent(topics.tickets, message.value)
          if (event.type !== 'ticket.opened' && event.type !== 'ticket.message_added') continue
          const mentionId = `${event.tenantId}/${event.ticket.mentionIds.at(-1) ?? ''}`
          const sent = sentAt.get(mentionId)
          if (sent !== undefined) {
            latencies.push(at - sent)
            sentAt.delete(mentionId)
          }
        }
      },
    })
    await watcher.start()
    await app.start()
    const producer = bus.producer({ lingerMs: 1 })
    const count = rate * seconds
    const tick = 10
    const perTick = Math.max(1, Math.round(rate * tick / 1000))
    const begin = Date.now()
    const sends: Array<Promise<void>> = []
    for (let sent = 0; sent < count; sent += perTick) {
      const due = begin + (sent / rate) * 1000
      const wait = due - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const arrivals = mentions(Math.min(perTick, count - sent), 1_000_000 + sent, 2000, () => new Date().toISOString())
      for (const m of arrivals) sentAt.set(`${m.tenantId}/${m.id}`, Date.now())
      sends.push(producer.send(topics.mentionsClassified, arrivals.map((m) => ({ key: messageKeyFor(m), value: encodeEvent(topics.mentionsClassified, m) }))))
    }
    await Promise.all(sends)
    const deadline = Date.now() + 60_000
    while (latencies.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    const achieved = Math.round(count / ((Date.now() - begin) / 1000))
    await producer.close()
    await app.stop()
    await watcher.stop()
    await bus.close()
    latencies.sort((a, b) => a - b)

    const result = {
      writer: { mentions: total, batch, mentionsPerSecond: writerRate },
      fixedRate: {
        rate,
        seconds,
        measured: latencies.length,
        lost: count - latencies.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? 0,
      },
    }
    process.stdout.write(`\n${table([
      ['router', 'value'],
      [`batch transactions (${batch}/batch)`, `${writerRate.toLocaleString('en')} mentions/s`],
      [`classified → ticket event at ${rate}/s, p50`, `${result.fixedRate.p50} ms`],
      ['p95', `${result.fixedRate.p95} ms`],
      ['p99', `${result.fixedRate.p99} ms`],
      ['events measured / sent', `${latencies.length} / ${count} (end-to-end ${achieved}/s)`],
    ])}\n`)
    writeBenchResult('router', result)
  } finally {
    await pool.end()
    await db.drop()
    kafka.stop()
  }
}
