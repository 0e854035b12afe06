import { classifiedMentionSchema } from '@earshot/contracts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { defaultPolicyYaml, evaluate, parsePolicy, type Policy, type PolicyIssue } from '@earshot/triage'
import { authenticate } from '../auth/authenticate.js'
import { authorize } from '../auth/principal.js'
import { diffLines, formatDiff } from '../domain/line-diff.js'
import { badRequest, conflict, notFound } from '../errors.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { PolicyRepository } from '../repositories/policies.js'
import type { TicketReadRepository } from '../repositories/tickets.js'
import { T } from '../schema.js'
import { errorReplies, integerParam, queryInteger, tenantParams } from './common.js'

const yamlBody = T.Object({ yaml: T.String({ minLength: 1, maxLength: 200_000 }) })
const issue = T.Object({ line: T.Integer(), column: T.Integer(), path: T.String(), message: T.String() })
const versionItem = T.Object({ version: T.Integer(), publishedBy: T.String(), note: T.Union([T.String(), T.Null()]), at: T.String() })

const toIssues = (issues: PolicyIssue[]) => issues.map(({ line, column, path, message }) => ({ line, column, path, message }))

function parseOrThrow (yaml: string): Policy {
  const parsed = parsePolicy(yaml, { source: 'policy.yaml' })
  if (!parsed.ok) throw badRequest(`the policy has ${parsed.errors.length} error(s); first: line ${parsed.errors[0]?.line ?? 0}: ${parsed.errors[0]?.message ?? ''}`, 'yaml', toIssues(parsed.errors))
  return parsed.policy
}

export const policyRoutes: FastifyPluginAsyncTypebox<{ policies: PolicyRepository, reads: TicketReadRepository, audit: AuditRepository, now: () => Date }> = async (app, { policies, reads, audit, now }) => {
  app.addHook('preHandler', authenticate)
  // A policy may be sent as YAML text (Content-Type: application/yaml or text/yaml) instead of { "yaml": "…" }.
  app.addContentTypeParser(['application/yaml', 'text/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_request, body, done) => {
    done(null, { yaml: body })
  })

  app.get('/tenants/:tenantId/policy', {
    schema: { tags: ['policies'], summary: 'The current policy (the default one until a version is published)', params: tenantParams, response: { 200: T.Object({ version: T.Union([T.Integer(), T.Null()]), yaml: T.String(), publishedBy: T.Union([T.String(), T.Null()]), at: T.Union([T.String(), T.Null()]) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, 'tickets.read')
    const current = await policies.current(request.params.tenantId)
    if (current === undefined) return { version: null, yaml: defaultPolicyYaml, publishedBy: null, at: null }
    return { version: current.version, yaml: current.yaml, publishedBy: current.publishedBy, at: current.at.toISOString() }
  })

  app.post('/tenants/:tenantId/policy/validate', {
    schema: { tags: ['policies'], summary: 'Validate a policy; issues carry line and column', params: tenantParams, body: yamlBody, response: { 200: T.Object({ valid: T.Boolean(), issues: T.Array(issue) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, 'tickets.read')
    const parsed = parsePolicy(request.body.yaml, { source: 'policy.yaml' })
    return parsed.ok ? { valid: true, issues: [] } : { valid: false, issues: toIssues(parsed.errors) }
  })

  app.post('/tenants/:tenantId/policy/dry-run', {
    schema: {
      tags: ['policies'],
      summary: 'Evaluate a draft (or the current) policy against given or stored mentions; no side effects',
      params: tenantParams,
      body: T.Object({
        yaml: T.Optional(T.String({ minLength: 1, maxLength: 200_000 })),
        mentions: T.Optional(T.Array(T.Record(T.Unknown()), { maxItems: 500 })),
        stored: T.Optional(T.Integer({ minimum: 1, maximum: 500 })),
      }),
      response: { 200: T.Object({ version: T.Union([T.Integer(), T.Null()]), decisions: T.Array(T.Unknown()) }), ...errorReplies },
    },
  }, async (request) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const current = request.body.yaml === undefined ? await policies.current(tenantId) : undefined
    const policy = parseOrThrow(request.body.yaml ?? current?.yaml ?? defaultPolicyYaml)
    const given = request.body.mentions ?? []
    const mentions = given.map((raw, index) => {
      const parsed = classifiedMentionSchema.safeParse(raw)
      if (!parsed.success) {
        const first = parsed.error.issues[0]
        throw badRequest(`body/mentions/${index}/${first?.path.join('/') ?? ''} ${first?.message ?? 'is not a classified mention'}`, ['mentions', index, ...(first?.path ?? [])].map(String).join('.'))
      }
      if (parsed.data.tenantId !== tenantId) throw badRequest(`body/mentions/${index}/tenantId must be ${tenantId}`, `mentions.${index}.tenantId`)
      return parsed.data
    })
    if (request.body.stored !== undefined) {
      for (const event of await reads.recentMentions(tenantId, request.body.stored)) {
        const parsed = classifiedMentionSchema.safeParse(event)
        if (parsed.success) mentions.push(parsed.data)
      }
    }
    const at = now()
    return { version: current?.version ?? null, decisions: mentions.map((mention) => evaluate(policy, { mention }, at)) }
  })

  app.get('/tenants/:tenantId/policy/versions', {
    schema: { tags: ['policies'], summary: 'Published versions, newest first', params: tenantParams, response: { 200: T.Object({ items: T.Array(versionItem) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, 'tickets.read')
    const items = await policies.list(request.params.tenantId)
    return { items: items.map((v) => ({ ...v, at: v.at.toISOString() })) }
  })

  const publish = async (tenantId: string, yaml: string, actor: { kind: 'user' | 'api_key', label: string }, note: string | null): Promise<number> => {
    parseOrThrow(yaml)
    const at = now()
    try {
      const version = await policies.publish(tenantId, yaml, actor.label, note, at)
      await audit.append(tenantId, { ticketId: null, actorKind: actor.kind, actorId: actor.label, action: 'policy.published', details: { version, note }, at })
      return version
    } catch (err) {
      if ((err as { code?: unknown }).code === '23505') throw conflict('another version was published at the same time; reload and try again')
      throw err
    }
  }

  app.post('/tenants/:tenantId/policy/versions', {
    schema: { tags: ['policies'], summary: 'Publish a new version', params: tenantParams, body: T.Object({ yaml: T.String({ minLength: 1, maxLength: 200_000 }), note: T.Optional(T.String({ maxLength: 500 })) }), response: { 201: T.Object({ version: T.Integer() }), ...errorReplies } },
  }, async (request, reply) => {
    const principal = authorize(request, request.params.tenantId, 'policies.write')
    const version = await publish(request.params.tenantId, request.body.yaml, principal, request.body.note ?? null)
    return reply.status(201).send({ version })
  })

  app.post('/tenants/:tenantId/policy/rollback', {
    schema: { tags: ['policies'], summary: 'Publish an earlier version again as the newest', params: tenantParams, body: T.Object({ version: T.Integer({ minimum: 1 }) }), response: { 201: T.Object({ version: T.Integer() }), ...errorReplies } },
  }, async (request, reply) => {
    const principal = authorize(request, request.params.tenantId, 'policies.write')
    const earlier = await policies.version(request.params.tenantId, request.body.version)
    if (earlier === undefined) throw notFound(`policy version ${request.body.version} not found`)
    const version = await publish(request.params.tenantId, earlier.yaml, principal, `rollback to version ${request.body.version}`)
    return reply.status(201).send({ version })
  })

  app.get('/tenants/:tenantId/policy/diff', {
    schema: {
      tags: ['policies'],
      summary: 'A line diff between two versions (default: the latest against the one before)',
      params: tenantParams,
      querystring: T.Object({ from: queryInteger('Older version'), to: queryInteger('Newer version (default latest)') }),
      response: { 200: T.Object({ from: T.Union([T.Integer(), T.Null()]), to: T.Integer(), diff: T.String() }), ...errorReplies },
    },
  }, async (request) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const latest = await policies.current(tenantId)
    if (latest === undefined) throw notFound('no policy version is published')
    const to = integerParam(request.query.to, 'to', latest.version, 1_000_000)
    const from = request.query.from === undefined ? (to > 1 ? to - 1 : null) : integerParam(request.query.from, 'from', 1, 1_000_000)
    const newer = await policies.version(tenantId, to)
    if (newer === undefined) throw notFound(`policy version ${to} not found`)
    const older = from === null ? undefined : await policies.version(tenantId, from)
    if (from !== null && older === undefined) throw notFound(`policy version ${from} not found`)
    return { from, to, diff: formatDiff(diffLines(older?.yaml ?? defaultPolicyYaml, newer.yaml)) }
  })
}
