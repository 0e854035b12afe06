import { sampleClassification, sampleClassifiedMention, type TicketPriority } from '@earshot/contracts'
import { createTicketRepository, type Pool, type TicketRow } from '@earshot/store'

const repo = createTicketRepository()

/** A ticket with one classified mention, as the router would have stored it. */
export async function insertTicket (pool: Pool, tenantId: string, n: number, options: { priority?: TicketPriority, score?: number, dueInMinutes?: number, text?: string } = {}): Promise<TicketRow> {
  const created = new Date(Date.UTC(2026, 2, 2, 9, 0, n))
  const ticket: TicketRow = {
    tenantId,
    id: `tkt_${n}`,
    conversationId: `x:conv${n}`,
    platform: 'x',
    status: 'open',
    priority: options.priority ?? 'normal',
    team: null,
    assignee: null,
    tags: [],
    sla: options.dueInMinutes === undefined ? {} : { firstResponseDueAt: new Date(created.getTime() + options.dueInMinutes * 60_000).toISOString() },
    details: { acknowledgement: { mode: 'suggest', text: `Hi, sorry about ticket ${n}`, state: 'draft' } },
    lastSequence: 0,
    createdAt: created,
    updatedAt: created,
    closedAt: null,
  }
  await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [tenantId])
  await repo.insertTicket(pool, ticket)
  const nativeId = String(1897000000000000000n + BigInt(n))
  const mention = sampleClassifiedMention({
    tenantId,
    nativeId,
    id: `x:${nativeId}`,
    conversationId: ticket.conversationId,
    text: options.text ?? `mention number ${n}`,
    classification: sampleClassification({ urgency: { score: options.score ?? 50, level: 'normal', reasons: [] } }),
  })
  await repo.insertNewMentions(pool, [{ tenantId, id: mention.id, conversationId: mention.conversationId, platform: 'x', createdAt: mention.createdAt, receivedAt: mention.receivedAt, event: mention }])
  await repo.assignMentions(pool, [{ tenantId, mentionId: mention.id, ticketId: ticket.id, decision: { matchedRules: [], explanation: { lines: ['no rule matched'] } } }])
  return ticket
}
