import { badRequest } from '../errors.js'
import { T, type TSchema } from '../schema.js'

export const errorReply = T.Object({
  error: T.String(),
  code: T.String(),
  message: T.String(),
  field: T.Optional(T.String()),
  details: T.Optional(T.Unknown()),
})

/** Error replies every authenticated route may give. */
export const errorReplies = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 409: errorReply, 429: errorReply }

export const tenantIdParam = T.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'A tenant id' })
export const tenantParams = T.Object({ tenantId: tenantIdParam })
export const ticketParams = T.Object({ tenantId: tenantIdParam, ticketId: T.String({ minLength: 1, maxLength: 200 }) })

/**
 * A repeatable query parameter (`?tenant=a&tenant=b`). Bodies are validated without type coercion
 * (42 is not a string), so query lists accept one value or many and `asList` normalises them.
 */
export const queryList = <S extends TSchema>(item: S) => T.Optional(T.Union([item, T.Array(item, { maxItems: 50 })]))

export function asList<V> (value: V | V[] | undefined): V[] | undefined {
  if (value === undefined) return undefined
  return Array.isArray(value) ? value : [value]
}

/** A positive integer query parameter (query strings are text; there is no coercion). */
export const queryInteger = (description: string) => T.Optional(T.String({ pattern: '^[0-9]{1,6}$', description }))

export function integerParam (value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`querystring/${name} must be between 1 and ${max}`, name)
  return n
}
