import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticate, sessionCookie } from '../auth/authenticate.js'
import { requirePrincipal } from '../auth/principal.js'
import { decoyPasswordHash, randomToken, sha256, verifyPassword } from '../auth/secrets.js'
import { unauthorized } from '../errors.js'
import type { AccountRepository } from '../repositories/accounts.js'
import { T } from '../schema.js'
import { errorReplies } from './common.js'

const meReply = T.Object({
  user: T.Object({ id: T.String(), email: T.String(), name: T.String() }),
  kind: T.StringEnum(['user', 'api_key'] as const),
  tenants: T.Array(T.Object({ tenantId: T.String(), name: T.String(), role: T.String() })),
})

export const authRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountRepository, now: () => Date, sessionTtlMs: number, cookieSecure: boolean }> = async (app, options) => {
  const { accounts, now } = options

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Sign in; sets the httpOnly earshot_session cookie',
      security: [],
      body: T.Object({ email: T.String({ minLength: 3, maxLength: 320 }), password: T.String({ minLength: 1, maxLength: 1000 }) }),
      response: { 200: meReply, ...errorReplies },
    },
  }, async (request, reply) => {
    const user = await accounts.userByEmail(request.body.email)
    const valid = await verifyPassword(request.body.password, user?.passwordHash ?? decoyPasswordHash)
    if (user === undefined || !valid) throw unauthorized('email or password is wrong')
    const token = randomToken()
    const expiresAt = new Date(now().getTime() + options.sessionTtlMs)
    await accounts.createSession(sha256(token), user.id, expiresAt)
    const memberships = await accounts.membershipsOf(user.id)
    reply.setCookie(sessionCookie, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: options.cookieSecure, expires: expiresAt })
    return { user: { id: user.id, email: user.email, name: user.name }, kind: 'user' as const, tenants: memberships }
  })

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: 'Sign out: ends the session and clears the cookie', response: { 204: T.Null(), ...errorReplies } },
  }, async (request, reply) => {
    const token = request.cookies[sessionCookie]
    if (typeof token === 'string' && token !== '') await accounts.deleteSession(sha256(token))
    reply.clearCookie(sessionCookie, { path: '/' })
    return reply.status(204).send(null)
  })

  app.get('/me', {
    preHandler: authenticate,
    schema: { tags: ['auth'], summary: 'The caller and their tenants', response: { 200: meReply, ...errorReplies } },
  }, async (request) => {
    const principal = requirePrincipal(request)
    const names = await accounts.tenantNames([...principal.grants.keys()])
    const tenants = [...principal.grants].map(([tenantId, role]) => ({ tenantId, name: names.get(tenantId) ?? tenantId, role }))
    if (principal.kind === 'api_key') return { user: { id: principal.id, email: '', name: principal.label }, kind: 'api_key' as const, tenants }
    const user = await accounts.userById(principal.id)
    if (user === undefined) throw unauthorized()
    return { user, kind: 'user' as const, tenants }
  })
}
