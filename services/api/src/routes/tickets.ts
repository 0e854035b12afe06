import { intentLabels, platforms, type TicketPriority, ticketPriorities, ticketStatuses, urgencyLevels } from '@earshot/contracts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticate } from '../auth/authenticate.js'
import { authorize, requirePrincipal, tenantsAllowing } from '../auth/principal.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import { type TicketAction, ticketActions } from '../domain/ticket-actions.js'
import { acknowledgementOf, incidentIdOf, pendingDueAt, summariseMention } from '../domain/ticket-view.js'
import { badRequest, notFound } from '../errors.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { QueueKey, QueueRow, TicketReadRepository } from '../repositories/tickets.js'
import type { TicketWriter } from '../repositories/ticket-writes.js'
import { T } from '../schema.js'
import { asList, errorReplies, integerParam, queryInteger, queryList, ticketParams } from './common.js'

const ticketItem = T.Object({
  tenantId: T.String(),
  id: T.String(),
  status: T.String(),
  priority: T.String(),
  team: T.Union([T.String(), T.Null()]),
  assignee: T.Union([T.String(), T.Null()]),
  tags: T.Array(T.String()),
  platform: T.String(),
  createdAt: T.String({ format: 'date-time' }),
  updatedAt: T.String({ format: 'date-time' }),
  dueAt: T.Union([T.String({ format: 'date-time' }), T.Null()]),
  sla: T.Record(T.Unknown()),
  urgency: T.Object({ level: T.Union([T.String(), T.Null()]), score: T.Number() }),
  sentiment: T.Union([T.String(), T.Null()]),
  intents: T.Array(T.Object({ label: T.String(), confidence: T.Number() })),
  author: T.Object({ handle: T.Union([T.String(), T.Null()]), displayName: T.Union([T.String(), T.Null()]) }),
  preview: T.String(),
  mentionCount: T.Integer(),
  incidentId: T.Optional(T.String()),
  acknowledgement: T.Optional(T.Object({ mode: T.String(), text: T.Union([T.String(), T.Null()]), state: T.Union([T.String(), T.Null()]) })),
})

const auditItem = T.Object({
  id: T.String(),
  ticketId: T.Union([T.String(), T.Null()]),
  actorKind: T.String(),
  actorId: T.String(),
  action: T.String(),
  details: T.Record(T.Unknown()),
  at: T.String({ format: 'date-time' }),
})

function toItem (row: QueueRow) {
  const summary = summariseMention(row.firstMention)
  const acknowledgement = acknowledgementOf(row.details)
  const incidentId = incidentIdOf(row.details)
  return {
    tenantId: row.tenantId,
    id: row.id,
    status: row.status,
    priority: row.priority,
    team: row.team,
    assignee: row.assignee,
    tags: row.tags,
    platform: row.platform,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    dueAt: pendingDueAt(row.status, row.sla, row.details),
    sla: row.sla,
    urgency: { level: row.urgencyLevel, score: row.urgencyScore },
    sentiment: summary.sentiment,
    intents: summary.intents,
    author: summary.author,
    preview: summary.preview,
    mentionCount: row.mentionCount,
    ...(incidentId === undefined ? {} : { incidentId }),
    ...(acknowledgement === undefined ? {} : { acknowledgement }),
  }
}

const actionBodies = {
  assign: T.Object({ assignee: T.String({ minLength: 1, maxLength: 200 }) }),
  take: T.Object({}),
  acknowledge: T.Object({}),
  reply: T.Object({ text: T.Optional(T.String({ minLength: 1, maxLength: 5000 })) }),
  escalate: T.Object({ team: T.String({ minLength: 1, maxLength: 200 }), priority: T.Optional(T.StringEnum(ticketPriorities)), reason: T.Optional(T.String({ maxLength: 2000 })) }),
  notes: T.Object({ text: T.String({ minLength: 1, maxLength: 10_000 }) }),
  snooze: T.Object({ until: T.String({ format: 'date-time' }) }),
  resolve: T.Object({ reason: T.Optional(T.String({ maxLength: 200 })) }),
  reopen: T.Object({}),
} as const

export const ticketRoutes: FastifyPluginAsyncTypebox<{ reads: TicketReadRepository, writer: TicketWriter, audit: AuditRepository, now: () => Date }> = async (app, { reads, writer, audit, now }) => {
  app.addHook('preHandler', authenticate)

  app.get('/tickets', {
    schema: {
      tags: ['tickets'],
      summary: 'The queue across granted tenants, most urgent first (priority, urgency score, nearest SLA deadline)',
      querystring: T.Object({
        tenant: queryList(T.String()),
        status: queryList(T.StringEnum(ticketStatuses)),
        priority: queryList(T.StringEnum(ticketPriorities)),
        urgency: queryList(T.StringEnum(urgencyLevels)),
        intent: queryList(T.StringEnum(intentLabels)),
        platform: queryList(T.StringEnum(platforms)),
        team: queryList(T.String()),
        tag: queryList(T.String()),
        assignee: queryList(T.String()),
        slaDueBefore: T.Optional(T.String({ format: 'date-time' })),
        q: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
        limit: queryInteger('Page size, 1–200 (default 50)'),
        cursor: T.Optional(T.String({ maxLength: 1000 })),
      }),
      response: { 200: T.Object({ items: T.Array(ticketItem), nextCursor: T.Union([T.String(), T.Null()]) }), ...errorReplies },
    },
  }, async (request) => {
    const principal = requirePrincipal(request)
    const raw = request.query
    const query = {
      ...raw,
      tenant: asList(raw.tenant),
      status: asList(raw.status),
      priority: asList(raw.priority),
      urgency: asList(raw.urgency),
      intent: asList(raw.intent),
      platform: asList(raw.platform),
      team: asList(raw.team),
      tag: asList(raw.tag),
      assignee: asList(raw.assignee),
    }
    let tenants = tenantsAllowing(principal, 'tickets.read')
    if (query.tenant !== undefined) {
      for (const tenantId of query.tenant) authorize(request, tenantId, 'tickets.read')
      tenants = [...new Set(query.tenant)]
    }
    let after: QueueKey | undefined
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, ['number', 'number', 'string|null', 'string', 'string'])
      if (key === undefined) throw badRequest('querystring/cursor is not a cursor from this API', 'cursor')
      after = key as QueueKey
    }
    const limit = integerParam(query.limit, 'limit', 50, 200)
    const rows = await reads.queue(tenants, {
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.priority === undefined ? {} : { priority: query.priority }),
      ...(query.urgency === undefined ? {} : { urgency: query.urgency }),
      ...(query.intent === undefined ? {} : { intent: query.intent }),
      ...(query.platform === undefined ? {} : { platform: query.platform }),
      ...(query.team === undefined ? {} : { team: query.team }),
      ...(query.tag === undefined ? {} : { tag: query.tag }),
      ...(query.assignee === undefined ? {} : { assignee: query.assignee }),
      ...(query.slaDueBefore === undefined ? {} : { slaDueBefore: new Date(query.slaDueBefore) }),
      ...(query.q === undefined ? {} : { q: query.q }),
    }, after, limit + 1)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return { items: page.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.key) : null }
  })

  app.get('/tenants/:tenantId/tickets/:ticketId', {
    schema: {
      tags: ['tickets'],
      summary: 'A ticket with its mentions (classification and triage explanation) and audit trail',
      params: ticketParams,
      response: {
        200: T.Object({
          ticket: ticketItem,
          mentions: T.Array(T.Object({ mention: T.Record(T.Unknown()), classification: T.Unknown(), decision: T.Unknown() })),
          audit: T.Array(auditItem),
        }),
        ...errorReplies,
      },
    },
  }, async (request) => {
    const { tenantId, ticketId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const [row] = await reads.ticketRow(tenantId, ticketId)
    if (row === undefined) throw notFound(`ticket ${ticketId} not found`)
    const mentions = await reads.mentionsOf(tenantId, ticketId)
    const trail = await audit.list(tenantId, { ticketId, limit: 200 })
    return {
      ticket: toItem(row),
      mentions: mentions.map(({ event, decision }) => {
        const { classification, ...mention } = event
        return { mention, classification: classification ?? null, decision: decision ?? null }
      }),
      audit: trail.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    }
  })

  for (const action of ticketActions) {
    app.post(`/tenants/:tenantId/tickets/:ticketId/${action}`, {
      schema: {
        tags: ['ticket actions'],
        summary: `${action} a ticket (one transaction: ticket, tickets.v1 events in the outbox, audit row)`,
        params: ticketParams,
        body: actionBodies[action],
        response: { 200: T.Object({ ticket: ticketItem, sequences: T.Array(T.Integer()) }), ...errorReplies },
      },
    }, async (request) => {
      const { tenantId, ticketId } = request.params
      const principal = authorize(request, tenantId, 'tickets.act')
      const body = (request.body ?? {}) as Record<string, unknown>
      const parsed = toAction(action, body, now())
      const { sequences } = await writer.act(tenantId, ticketId, parsed, principal, now())
      const [row] = await reads.ticketRow(tenantId, ticketId)
      if (row === undefined) throw notFound(`ticket ${ticketId} not found`)
      return { ticket: toItem(row), sequences }
    })
  }

  app.get('/tenants/:tenantId/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The tenant\'s audit trail, newest first',
      params: T.Object({ tenantId: T.String() }),
      querystring: T.Object({ ticketId: T.Optional(T.String()), cursor: T.Optional(T.String()), limit: queryInteger('Page size, 1–500 (default 100)') }),
      response: { 200: T.Object({ items: T.Array(auditItem), nextCursor: T.Union([T.String(), T.Null()]) }), ...errorReplies },
    },
  }, async (request) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    let before: string | undefined
    if (request.query.cursor !== undefined) {
      const key = decodeCursor(request.query.cursor, ['string'])
      if (key === undefined || !/^\d+$/.test(String(key[0]))) throw badRequest('querystring/cursor is not a cursor from this API', 'cursor')
      before = String(key[0])
    }
    const limit = integerParam(request.query.limit, 'limit', 100, 500)
    const rows = await audit.list(tenantId, { ...(request.query.ticketId === undefined ? {} : { ticketId: request.query.ticketId }), ...(before === undefined ? {} : { before }), limit: limit + 1 })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return { items: page.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null }
  })
}

function toAction (action: typeof ticketActions[number], body: Record<string, unknown>, now: Date): TicketAction {
  const text = typeof body.text === 'string' ? body.text : undefined
  switch (action) {
    case 'assign': return { action, assignee: String(body.assignee) }
    case 'reply': return text === undefined ? { action } : { action, text }
    case 'escalate': return {
      action,
      team: String(body.team),
      ...(typeof body.priority === 'string' ? { priority: body.priority as TicketPriority } : {}),
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
    }
    case 'notes': return { action, text: text ?? '' }
    case 'snooze': {
      const until = new Date(String(body.until))
      if (until.getTime() <= now.getTime()) throw badRequest('body/until must be in the future', 'until')
      return { action, until }
    }
    case 'resolve': return typeof body.reason === 'string' ? { action, reason: body.reason } : { action }
    case 'take':
    case 'acknowledge':
    case 'reopen':
      return { action }
  }
}
