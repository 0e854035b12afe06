import type { FastifyRequest } from 'fastify'
import { forbidden, notFound, unauthorized } from '../errors.js'
import { type Permission, type Role, roleAllows } from './roles.js'

/** Who is calling: a signed-in person (grants per tenant from memberships) or an API key (one tenant). */
export interface Principal {
  kind: 'user' | 'api_key'
  id: string
  /** Shown in audit rows and as the assignee of `take`: the user's email, or the key's prefix. */
  label: string
  grants: ReadonlyMap<string, Role>
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined
  }
}

export function requirePrincipal (request: FastifyRequest): Principal {
  if (request.principal === undefined) throw unauthorized()
  return request.principal
}

/**
 * Throws unless the caller may do `permission` in `tenantId`: 401 without credentials, 404 when the
 * tenant is not granted (so a tenant's objects are indistinguishable from missing ones), 403 when
 * the role is granted but too weak.
 */
export function authorize (request: FastifyRequest, tenantId: string, permission: Permission): Principal {
  const principal = requirePrincipal(request)
  const role = principal.grants.get(tenantId)
  if (role === undefined) throw notFound(`tenant ${tenantId} not found`)
  if (!roleAllows(role, permission)) throw forbidden(`role ${role} in ${tenantId} may not ${permission}`)
  return principal
}

/** Granted tenants allowing `permission`, in a stable order. */
export function tenantsAllowing (principal: Principal, permission: Permission): string[] {
  return [...principal.grants].filter(([, role]) => roleAllows(role, permission)).map(([tenantId]) => tenantId).sort()
}
