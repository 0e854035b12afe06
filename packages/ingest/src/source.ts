import type { Platform } from '@earshot/contracts'

/** One configured source: which tenant it belongs to, how often it is read, what is filtered. */
export interface SourceConfig {
  tenantId: string
  sourceId: string
  platform: Platform
  /** Time between polls when nothing limits it. */
  pollIntervalMs: number
  /** A source not read successfully for longer than this raises `source.gap`. */
  maxGapMs: number
  /** Keep retweets/reposts as mentions (default false: they repeat someone else's words). */
  includeReposts?: boolean
  /** The brand's own accounts on this platform (author ids or handles): their posts are not mentions to triage. */
  brandAccounts?: string[]
}

export type FilterReason = 'repost' | 'brand_own_post'

/** Policy filter: true to keep, else the reason it was dropped (counted, never ticketed). */
export function filterReason (source: SourceConfig, item: { mention: { author: { id: string, handle: string, isBrand?: boolean } }, isRepost?: boolean }): FilterReason | undefined {
  if (item.isRepost === true && source.includeReposts !== true) return 'repost'
  const { author } = item.mention
  if (author.isBrand === true) return 'brand_own_post'
  const own = source.brandAccounts
  if (own !== undefined && own.length > 0) {
    const handle = author.handle.replace(/^@/, '').toLowerCase()
    if (own.some((account) => account === author.id || account.replace(/^@/, '').toLowerCase() === handle)) return 'brand_own_post'
  }
  return undefined
}
