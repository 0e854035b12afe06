import { z } from 'zod'

export const platforms = ['x', 'mastodon', 'reddit', 'youtube', 'feed', 'facebook', 'instagram', 'webchat'] as const
export type Platform = typeof platforms[number]
export const platformSchema = z.enum(platforms)

/** The largest `raw` payload accepted, measured as UTF-8 bytes of its JSON: 16 KiB. */
export const maxRawBytes = 16 * 1024
export const maxTextLength = 40_000

const maxIdLength = 512

/**
 * Tenant ids are lower-case slugs (a UUID fits): the same rule as the `tenants` table's CHECK in
 * packages/store, safe in URLs, topic keys and Redis keys, and never containing ':' so the message
 * key `<tenantId>:<conversationId>` splits unambiguously at its first colon.
 */
export const tenantIdPattern = /^[a-z0-9][a-z0-9-]{1,62}$/

export const tenantIdSchema = z.string().regex(tenantIdPattern, {
  error: 'expected 2–63 lower-case letters, digits or "-", starting with a letter or digit (no ":")',
}).meta({ description: 'The brand (tenant) this belongs to. Never contains ":".' })

export function idSchema (description: string) {
  return z.string().min(1).max(maxIdLength).meta({ description })
}

export const timestampSchema = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 timestamp with a Z or ±hh:mm offset, e.g. 2026-03-01T09:30:00Z',
})

export function utf8ByteLength (text: string): number {
  return new TextEncoder().encode(text).length
}

export const rawSchema = z.record(z.string(), z.unknown()).superRefine((raw, ctx) => {
  let serialized: string
  try {
    serialized = JSON.stringify(raw)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be JSON-serialisable (${err instanceof Error ? err.message : String(err)})` })
    return
  }
  const bytes = utf8ByteLength(serialized)
  if (bytes > maxRawBytes) {
    ctx.addIssue({ code: 'custom', message: `serialises to ${bytes} bytes; the limit is ${maxRawBytes} bytes (16 KiB): keep only the fields worth keeping` })
  }
}).meta({ description: `The platform's original payload, trimmed. At most ${maxRawBytes} bytes (16 KiB) as UTF-8 JSON.` })

/** Mention ids are `<platform>:<nativeId>`. */
export const mentionIdPattern = new RegExp(`^(?:${platforms.join('|')}):.+$`)

export const mentionIdSchema = z.string().max(maxIdLength).regex(mentionIdPattern, {
  error: `expected "<platform>:<nativeId>" with platform one of ${platforms.join(', ')}`,
})
