import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticate } from '../auth/authenticate.js'
import { authorize } from '../auth/principal.js'
import { apiKeyRoles } from '../auth/roles.js'
import { newApiKey, sha256 } from '../auth/secrets.js'
import { notFound } from '../errors.js'
import type { AccountRepository } from '../repositories/accounts.js'
import type { AuditRepository } from '../repositories/audit.js'
import { T } from '../schema.js'
import { errorReplies, tenantIdParam, tenantParams } from './common.js'

const keyItem = T.Object({
  id: T.String(),
  name: T.String(),
  role: T.String(),
  prefix: T.String(),
  createdAt: T.String(),
  lastUsedAt: T.Union([T.String(), T.Null()]),
  revokedAt: T.Union([T.String(), T.Null()]),
})

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountRepository, audit: AuditRepository, now: () => Date }> = async (app, { accounts, audit, now }) => {
  app.addHook('preHandler', authenticate)

  app.get('/tenants/:tenantId/api-keys', {
    schema: { tags: ['api keys'], summary: 'The tenant\'s API keys (prefixes only; secrets are never shown again)', params: tenantParams, response: { 200: T.Object({ items: T.Array(keyItem) }), ...errorReplies } },
  }, async (request) => {
    authorize(request, request.params.tenantId, 'api_keys.manage')
    const keys = await accounts.listApiKeys(request.params.tenantId)
    return {
      items: keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null })),
    }
  })

  app.post('/tenants/:tenantId/api-keys', {
    schema: {
      tags: ['api keys'],
      summary: 'Create an API key; the token in the reply is shown once',
      params: tenantParams,
      body: T.Object({ name: T.String({ minLength: 1, maxLength: 200 }), role: T.StringEnum(apiKeyRoles) }),
      response: { 201: T.Object({ id: T.String(), token: T.String(), prefix: T.String() }), ...errorReplies },
    },
  }, async (request, reply) => {
    const { tenantId } = request.params
    const principal = authorize(request, tenantId, 'api_keys.manage')
    const key = newApiKey()
    await accounts.insertApiKey(tenantId, { id: key.id, name: request.body.name, role: request.body.role, secretHash: sha256(key.secret), prefix: key.prefix })
    await audit.append(tenantId, { ticketId: null, actorKind: principal.kind, actorId: principal.label, action: 'api_key.created', details: { id: key.id, role: request.body.role }, at: now() })
    return reply.status(201).send({ id: key.id, token: key.token, prefix: key.prefix })
  })

  app.delete('/tenants/:tenantId/api-keys/:keyId', {
    schema: { tags: ['api keys'], summary: 'Revoke an API key', params: T.Object({ tenantId: tenantIdParam, keyId: T.String({ maxLength: 100 }) }), response: { 204: T.Null(), ...errorReplies } },
  }, async (request, reply) => {
    const { tenantId, keyId } = request.params
    const principal = authorize(request, tenantId, 'api_keys.manage')
    if (!await accounts.revokeApiKey(tenantId, keyId, now())) throw notFound(`API key ${keyId} not found`)
    await audit.append(tenantId, { ticketId: null, actorKind: principal.kind, actorId: principal.label, action: 'api_key.revoked', details: { id: keyId }, at: now() })
    return reply.status(204).send(null)
  })
}
