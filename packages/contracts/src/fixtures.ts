import { type Classification, type ClassifiedMention } from './classified-mention.js'
import { type Mention } from './mention.js'
import { type TicketEvent, type TicketSnapshot } from './ticket-event.js'

/**
 * Valid sample events for tests across the repo. Overrides replace top-level fields; `id`
 * follows `platform`/`nativeId` and the snapshot follows `ticketId`/`tenantId` unless given.
 */
export function sampleMention (overrides: Partial<Mention> = {}): Mention {
  const platform = overrides.platform ?? 'x'
  const nativeId = overrides.nativeId ?? '1897000000000000001'
  return {
    schemaVersion: 1,
    tenantId: 'acme-rail',
    sourceId: 'x-mentions',
    conversationId: 'x:1897000000000000001',
    url: 'https://x.com/commuter_jo/status/1897000000000000001',
    author: { id: '2244994945', handle: 'commuter_jo', name: 'Jo', followers: 312, verified: false, isBrand: false },
    text: '@AcmeRail third cancelled train this week, unbelievable. Is the 8:15 running at all?',
    lang: 'en',
    createdAt: '2026-03-02T08:05:12Z',
    receivedAt: '2026-03-02T08:05:14.120Z',
    metrics: { likes: 4, reposts: 1, replies: 0 },
    ...overrides,
    platform,
    nativeId,
    id: overrides.id ?? `${platform}:${nativeId}`,
  }
}

export function sampleClassification (overrides: Partial<Classification> = {}): Classification {
  return {
    modelVersion: 'sample-2026.03.0',
    sentiment: { label: 'negative', score: 0.93 },
    intents: [{ label: 'complaint', confidence: 0.88 }, { label: 'question', confidence: 0.61 }],
    urgency: { score: 72, level: 'high', reasons: ['intent:complaint', 'customer blocked: cancelled train'] },
    language: 'en',
    flags: { prRisk: false, pii: false, profanity: false, legalThreat: false, safety: false, spam: false },
    ...overrides,
  }
}

export function sampleClassifiedMention (overrides: Partial<ClassifiedMention> = {}): ClassifiedMention {
  const { classification, ...mentionOverrides } = overrides
  return { ...sampleMention(mentionOverrides), classification: classification ?? sampleClassification() }
}

export type TicketEventOverrides = Partial<Omit<TicketEvent, 'ticket'>> & { ticket?: Partial<TicketSnapshot> }

export function sampleTicketEvent (overrides: TicketEventOverrides = {}): TicketEvent {
  const { ticket: ticketOverrides = {}, ...eventOverrides } = overrides
  const ticketId = eventOverrides.ticketId ?? ticketOverrides.id ?? 'tkt_01JNQ8Z6W1K3M5P7R9T2V4X6Y8'
  const tenantId = eventOverrides.tenantId ?? ticketOverrides.tenantId ?? 'acme-rail'
  const ticket: TicketSnapshot = {
    conversationId: 'x:1897000000000000001',
    status: 'open',
    priority: 'high',
    team: 'customer-care',
    platform: 'x',
    mentionIds: ['x:1897000000000000001'],
    tags: ['cancellation'],
    sla: { firstResponseDueAt: '2026-03-02T09:05:14.120Z' },
    createdAt: '2026-03-02T08:05:14.500Z',
    updatedAt: '2026-03-02T08:05:14.500Z',
    ...ticketOverrides,
    id: ticketOverrides.id ?? ticketId,
    tenantId: ticketOverrides.tenantId ?? tenantId,
  }
  return {
    schemaVersion: 1,
    eventId: 'evt_01JNQ8Z6X2A4C6E8G0J2L4N6Q8',
    type: 'ticket.opened',
    sequence: 1,
    occurredAt: '2026-03-02T08:05:14.500Z',
    ...eventOverrides,
    ticketId,
    tenantId,
    ticket,
  }
}
