import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { flagNames, intentLabels, sentimentLabels, urgencyLevels } from '@earshot/contracts'
import type { Pool } from '@earshot/store'
import { authenticate } from '../auth/authenticate.js'
import { authorize } from '../auth/principal.js'
import { notFound } from '../errors.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { TicketReadRepository } from '../repositories/tickets.js'
import { T } from '../schema.js'
import { errorReplies, tenantParams } from './common.js'

const labels = T.Object({
  sentiment: T.Optional(T.StringEnum(sentimentLabels)),
  intents: T.Optional(T.Array(T.StringEnum(intentLabels), { maxItems: intentLabels.length })),
  urgency: T.Optional(T.StringEnum(urgencyLevels)),
  flags: T.Optional(T.Array(T.StringEnum(flagNames), { maxItems: flagNames.length })),
}, { additionalProperties: false })

export const tenantRoutes: FastifyPluginAsyncTypebox<{ pool: Pool, reads: TicketReadRepository, audit: AuditRepository, now: () => Date, sources: Record<string, unknown[]> }> = async (app, options) => {
  const { pool, reads, audit, now } = options
  app.addHook('preHandler', authenticate)

  app.get('/tenants/:tenantId/sources', {
    schema: { tags: ['tenant'], summary: 'The tenant\'s configured sources', params: tenantParams, response: { 200: T.Object({ items: T.Array(T.Unknown()) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, 'sources.read')
    return { items: options.sources[request.params.tenantId] ?? [] }
  })

  app.get('/tenants/:tenantId/templates', {
    schema: { tags: ['templates'], summary: 'Reply templates', params: tenantParams, response: { 200: T.Object({ items: T.Array(T.Object({ name: T.String(), body: T.String(), updatedAt: T.String() })) }), ...errorReplies } },
  }, async (request) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const { rows } = await pool.query<{ name: string, body: string, updated_at: Date }>('SELECT name, body, updated_at FROM templates WHERE tenant_id = $1 ORDER BY name', [tenantId])
    return { items: rows.map((r) => ({ name: r.name, body: r.body, updatedAt: r.updated_at.toISOString() })) }
  })

  const templateParams = T.Object({ tenantId: tenantParams.properties.tenantId, name: T.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }) })
  const template = T.Object({ name: T.String(), body: T.String(), updatedAt: T.String() })

  app.get('/tenants/:tenantId/templates/:name', {
    schema: { tags: ['templates'], summary: 'One reply template', params: templateParams, response: { 200: template, ...errorReplies } },
  }, async (request) => {
    const { tenantId, name } = request.params
    authorize(request, tenantId, 'tickets.read')
    const { rows } = await pool.query<{ body: string, updated_at: Date }>('SELECT body, updated_at FROM templates WHERE tenant_id = $1 AND name = $2', [tenantId, name])
    const row = rows[0]
    if (row === undefined) throw notFound(`template ${name} not found`)
    return { name, body: row.body, updatedAt: row.updated_at.toISOString() }
  })

  app.put('/tenants/:tenantId/templates/:name', {
    schema: { tags: ['templates'], summary: 'Create or replace a reply template', params: templateParams, body: T.Object({ body: T.String({ minLength: 1, maxLength: 5000 }) }), response: { 200: template, ...errorReplies } },
  }, async (request) => {
    const { tenantId, name } = request.params
    const principal = authorize(request, tenantId, 'templates.write')
    const at = now()
    await pool.query(
      `INSERT INTO templates (tenant_id, name, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, name) DO UPDATE SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [tenantId, name, request.body.body, principal.label, at])
    await audit.append(tenantId, { ticketId: null, actorKind: principal.kind, actorId: principal.label, action: 'template.saved', details: { name }, at })
    return { name, body: request.body.body, updatedAt: at.toISOString() }
  })

  app.post('/tenants/:tenantId/corrections', {
    schema: {
      tags: ['corrections'],
      summary: 'Correct the labels of a stored mention (LABELS.md); exported for training',
      params: tenantParams,
      body: T.Object({ mentionId: T.String({ minLength: 1, maxLength: 300 }), labels }),
      response: { 201: T.Object({ id: T.String(), mentionId: T.String() }), ...errorReplies },
    },
  }, async (request, reply) => {
    const { tenantId } = request.params
    const principal = authorize(request, tenantId, 'corrections.write')
    const mention = await reads.mention(tenantId, request.body.mentionId)
    if (mention === undefined) throw notFound(`mention ${request.body.mentionId} not found`)
    const at = now()
    const { rows } = await pool.query<{ id: string }>(
      'INSERT INTO corrections (tenant_id, mention_id, labels, corrected_by, at) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id',
      [tenantId, request.body.mentionId, JSON.stringify(request.body.labels), principal.label, at])
    await audit.append(tenantId, { ticketId: null, actorKind: principal.kind, actorId: principal.label, action: 'mention.corrected', details: { mentionId: request.body.mentionId, labels: request.body.labels }, at })
    return reply.status(201).send({ id: rows[0]?.id ?? '', mentionId: request.body.mentionId })
  })

  app.get('/tenants/:tenantId/corrections.jsonl', {
    schema: { tags: ['corrections'], summary: 'Corrections as JSONL for `npm run train -- --corrections` (a mentions.v1 object plus "labels" per line; the latest correction per mention)', params: tenantParams, response: { 200: T.String(), ...errorReplies } },
  }, async (request, reply) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const { rows } = await pool.query<{ event: Record<string, unknown>, labels: Record<string, unknown> }>(
      `SELECT DISTINCT ON (c.mention_id) m.event, c.labels FROM corrections c
       JOIN mentions m ON m.tenant_id = c.tenant_id AND m.id = c.mention_id
       WHERE c.tenant_id = $1 ORDER BY c.mention_id, c.id DESC`, [tenantId])
    const lines = rows.map(({ event, labels: corrected }) => {
      const { classification: _classification, ...mention } = event
      return JSON.stringify({ ...mention, labels: corrected })
    })
    return reply.type('application/x-ndjson; charset=utf-8').send(lines.length === 0 ? '' : `${lines.join('\n')}\n`)
  })
}
