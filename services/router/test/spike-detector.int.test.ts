import { type Cache, createMemoryCache, createRedisCache } from '@earshot/cache'
import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { testEnvironment } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import { createIncidentFolder, createPolicyBook, createTicketWriter } from '../src/index.js'
import { createSpikeDetector } from '../src/spike-detector.js'

const outage = sampleClassification({ intents: [{ label: 'outage_report', confidence: 0.9 }] })
const calm = sampleClassification({ sentiment: { label: 'positive', score: 0.9 }, intents: [{ label: 'praise', confidence: 0.9 }] })
const settings = { windowMs: 600_000, factor: 4, minCount: 5, baselineWindows: 3, quietMs: 1_800_000 }

let serial = 0
function mention (classification = outage, tenantId = 'nova-games'): ClassifiedMention {
  const n = ++serial
  return sampleClassifiedMention({
    tenantId,
    nativeId: String(1_910_000_000_000_000_000n + BigInt(n)),
    conversationId: `x:conversation-${n}`,
    url: undefined,
    receivedAt: '2026-03-02T16:00:00Z',
    classification,
  })
}

describe('spike detection in the ticket writer', () => {
  let pool: Pool
  let close: () => Promise<void>
  let clock = new Date('2026-03-02T16:00:00Z')
  const caches: Cache[] = []

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('spikes', 4))
  })
  afterAll(async () => {
    for (const cache of caches) await cache.close()
    await close()
  })
  afterEach(async () => {
    await pool.query('TRUNCATE mentions, tickets, outbox, schedules, incident_mentions')
  })

  function writerWith (cache: Cache) {
    caches.push(cache)
    const spikes = createSpikeDetector({ cache, settingsFor: () => settings })
    return createTicketWriter({ pool, policies: createPolicyBook(), now: () => clock, spikes })
  }

  const folder = (maxListedMentions?: number) => createIncidentFolder({ pool, logger: createLogger({ level: 'silent', name: 'spike-test' }), now: () => clock, ...(maxListedMentions === undefined ? {} : { maxListedMentions }) })

  async function incidents () {
    const { rows } = await pool.query<{ id: string, tags: string[], details: { incident: { mentionIds: string[], mentionCount: number }, suggestedBroadcast: string } }>(
      "SELECT id, tags, details FROM tickets WHERE details->>'kind' = 'incident'")
    return rows
  }

  test.each([
    ['Redis', () => { const env = testEnvironment(); return createRedisCache({ url: env.redisUrl, prefix: `${env.redisKeyPrefix}spikes:${Math.random()}:` }) }],
    ['the memory cache', () => createMemoryCache({ now: () => clock.getTime() })],
  ])('with %s: a burst of outage reports opens ONE incident ticket, emits incident.detected once and groups later mentions', async (_name, makeCache) => {
    clock = new Date('2026-03-02T16:00:00Z')
    const writer = writerWith(makeCache())
    // A quiet baseline: one calm mention and 2 outage reports over the previous windows.
    await writer.writeBatch([mention(calm), mention()])
    clock = new Date('2026-03-02T16:12:00Z')
    await writer.writeBatch([mention()])
    expect(await incidents()).toEqual([])

    clock = new Date('2026-03-02T16:31:00Z')
    await writer.writeBatch([mention(), mention()])
    expect(await incidents()).toEqual([])
    const burst = [mention(), mention(), mention(), mention()]
    await writer.writeBatch(burst) // 6 in the window, above both the minimum and 4 × baseline
    const [incident, ...others] = await incidents()
    expect(others).toEqual([])
    expect(incident!.tags).toEqual(['incident', 'outage'])
    expect(incident!.details.incident.mentionIds).toEqual(burst.map((m) => m.id))
    expect(incident!.details.suggestedBroadcast).toMatch(/working on it/)

    clock = new Date('2026-03-02T16:33:00Z')
    const later = mention()
    await writer.writeBatch([later, mention(calm)])
    expect((await incidents())[0]!.details.incident.mentionIds).toEqual(burst.map((m) => m.id)) // queued, not folded yet
    expect(await folder().foldOnce()).toBe(1)
    const [grouped] = await incidents()
    expect(grouped!.id).toBe(incident!.id)
    expect(grouped!.details.incident.mentionIds).toEqual([...burst, later].map((m) => m.id))

    const { rows: tagged } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM tickets WHERE details->>'incidentId' = $1", [incident!.id])
    expect(Number(tagged[0]!.n)).toBe(5)
    const { rows: events } = await pool.query<{ type: string, sequence: number }>(
      "SELECT payload->>'type' AS type, sequence FROM outbox WHERE ticket_id = $1 ORDER BY sequence", [incident!.id])
    expect(events).toEqual([{ type: 'incident.detected', sequence: 1 }, { type: 'ticket.message_added', sequence: 2 }])
  })

  test('batches written concurrently that both see the spike open one incident without failing either transaction', async () => {
    clock = new Date('2026-03-02T18:00:00Z')
    const cache = createMemoryCache({ now: () => clock.getTime() })
    const spikes = createSpikeDetector({ cache, settingsFor: () => ({ ...settings, minCount: 2 }) })
    const writers = [0, 1, 2].map(() => createTicketWriter({ pool, policies: createPolicyBook(), now: () => clock, spikes }))
    const batches = writers.map(() => [mention(), mention(), mention()])
    await Promise.all(writers.map(async (writer, i) => { await writer.writeBatch(batches[i]!) }))
    await folder().foldOnce()
    const [incident, ...others] = await incidents()
    expect(others).toEqual([])
    expect(incident!.details.incident.mentionCount).toBe(9)
    const { rows: events } = await pool.query<{ type: string, sequence: number }>(
      "SELECT payload->>'type' AS type, sequence FROM outbox WHERE ticket_id = $1 ORDER BY sequence", [incident!.id])
    // Opened by one batch; the other two batches' mentions were added by one fold, in one event.
    expect(events).toEqual([{ type: 'incident.detected', sequence: 1 }, { type: 'ticket.message_added', sequence: 2 }])
  })

  test('one fold adds a batch\'s mentions to two tenants\' incidents, one event each with the next sequence, listing at most maxListedMentions ids while the count goes on', async () => {
    clock = new Date('2026-03-02T20:00:00Z')
    const cache = createMemoryCache({ now: () => clock.getTime() })
    caches.push(cache)
    const spikes = createSpikeDetector({ cache, settingsFor: () => ({ ...settings, minCount: 2 }), maxListedMentions: 4 })
    const writer = createTicketWriter({ pool, policies: createPolicyBook(), now: () => clock, spikes })
    const fold = folder(4)
    const opening = [mention(outage, 'nova-games'), mention(outage, 'nova-games'), mention(outage, 'lumen-air'), mention(outage, 'lumen-air'), mention(outage, 'lumen-air')]
    await writer.writeBatch(opening)
    const mixed = [mention(outage, 'lumen-air'), mention(outage, 'nova-games'), mention(outage, 'nova-games'), mention(outage, 'nova-games')]
    await writer.writeBatch(mixed)
    expect(await fold.foldOnce()).toBe(4)
    expect(await fold.foldOnce()).toBe(0)

    const { rows } = await pool.query<{ tenant_id: string, id: string, details: { incident: { mentionIds: string[], mentionCount: number } } }>(
      "SELECT tenant_id, id, details FROM tickets WHERE details->>'kind' = 'incident' ORDER BY tenant_id")
    expect(rows.map((r) => [r.tenant_id, r.details.incident.mentionCount, r.details.incident.mentionIds.length])).toEqual([['lumen-air', 4, 4], ['nova-games', 5, 4]])
    const idsOf = (tenantId: string, batch: ClassifiedMention[]): string[] => batch.filter((m) => m.tenantId === tenantId).map((m) => m.id)
    expect(rows[1]!.details.incident.mentionIds).toEqual([...idsOf('nova-games', opening), ...idsOf('nova-games', mixed)].slice(0, 4))
    for (const { id } of rows) {
      const { rows: events } = await pool.query<{ type: string, sequence: number, ids: string[] }>(
        "SELECT payload->>'type' AS type, sequence, payload->'ticket'->'mentionIds' AS ids FROM outbox WHERE ticket_id = $1 ORDER BY sequence", [id])
      expect(events.map((e) => [e.type, e.sequence])).toEqual([['incident.detected', 1], ['ticket.message_added', 2]])
      expect(events[1]!.ids).toHaveLength(4)
    }
    const { rows: sequences } = await pool.query<{ last_sequence: number }>("SELECT last_sequence FROM tickets WHERE details->>'kind' = 'incident'")
    expect(sequences.map((r) => r.last_sequence)).toEqual([2, 2])
  })

  test('a batch groups mentions under an incident while another transaction holds the incident\'s row lock; folders running at once add each mention once', async () => {
    clock = new Date('2026-03-02T22:00:00Z')
    const cache = createMemoryCache({ now: () => clock.getTime() })
    caches.push(cache)
    const spikes = createSpikeDetector({ cache, settingsFor: () => ({ ...settings, minCount: 2 }) })
    const writer = createTicketWriter({ pool, policies: createPolicyBook(), now: () => clock, spikes })
    await writer.writeBatch([mention(), mention(), mention()])
    const [incident] = await incidents()
    const holder = await pool.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [incident!.id])
      // Each batch writes within the timeout although the incident's row stays locked.
      for (let i = 0; i < 3; i++) await withTimeout(writer.writeBatch([mention(), mention()]), 5_000)
    } finally {
      await holder.query('ROLLBACK')
      holder.release()
    }
    const folders = [folder(), folder(), folder()]
    await Promise.all(folders.map(async (f) => { await f.foldOnce() }))
    const [folded] = await incidents()
    expect(folded!.details.incident.mentionCount).toBe(9)
    expect(new Set(folded!.details.incident.mentionIds).size).toBe(9)
    const { rows: events } = await pool.query<{ sequence: number }>('SELECT sequence FROM outbox WHERE ticket_id = $1 ORDER BY sequence', [incident!.id])
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
    const { rows: left } = await pool.query('SELECT 1 FROM incident_mentions')
    expect(left).toEqual([])
  })
})

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}
