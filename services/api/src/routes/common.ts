import { T } from '../schema.js'

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
