import type { FastifyReply, FastifyRequest } from 'fastify'
import { unauthorized } from '../errors.js'
import type { AccountRepository } from '../repositories/accounts.js'
import type { Principal } from './principal.js'
import type { Role } from './roles.js'
import { parseApiKey, sameSecret, sha256 } from './secrets.js'

export const sessionCookie = 'earshot_session'

export interface Authenticator {
  /** The caller's principal from the session cookie or `Authorization: Bearer esk_…`; undefined if neither is valid. */
  resolve: (request: FastifyRequest) => Promise<Principal | undefined>
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticator: Authenticator
  }
}

export function createAuthenticator (accounts: AccountRepository, now: () => Date): Authenticator {
  async function fromApiKey (token: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(token)
    if (parsed === undefined) return undefined
    const key = await accounts.apiKeyById(parsed.id)
    // Compare even when the key is missing, so a miss costs what a hit does.
    const matches = sameSecret(sha256(parsed.secret), key?.secretHash ?? sha256('no such key'))
    if (key === undefined || !matches || key.revokedAt !== null) return undefined
    await accounts.touchApiKey(key.tenantId, key.id, now())
    return { kind: 'api_key', id: key.id, label: key.prefix, grants: new Map<string, Role>([[key.tenantId, key.role]]) }
  }

  async function fromSession (token: string): Promise<Principal | undefined> {
    const user = await accounts.sessionPrincipal(sha256(token), now())
    if (user === undefined) return undefined
    return { kind: 'user', id: user.id, label: user.email, grants: new Map<string, Role>(user.grants.map((m) => [m.tenantId, m.role])) }
  }

  return {
    async resolve (request) {
      const header = request.headers.authorization
      if (typeof header === 'string' && header.startsWith('Bearer ')) return await fromApiKey(header.slice('Bearer '.length).trim())
      const token = request.cookies[sessionCookie]
      if (typeof token === 'string' && token !== '') return await fromSession(token)
      return undefined
    },
  }
}

/** preHandler for routes that need a caller: sets `request.principal` or answers 401. */
export async function authenticate (request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const principal = await request.server.authenticator.resolve(request)
  if (principal === undefined) throw unauthorized()
  request.principal = principal
}
