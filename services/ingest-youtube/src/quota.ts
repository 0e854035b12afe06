import type { Cache } from '@earshot/cache'
import { nextPacificMidnight, pacificDay } from './pacific-time.js'

export interface QuotaState {
  used: number
  remaining: number
  /** Epoch ms of the next reset (midnight Pacific). */
  resetAt: number
}

export interface QuotaBudget {
  /** Takes `units` from today's budget; false (and nothing spent that counts) when the budget cannot cover them. */
  spend: (units: number, now: number) => Promise<{ granted: boolean } & QuotaState>
  /** Records that the whole day's budget is gone (the API said quotaExceeded). */
  exhaust: (now: number) => Promise<QuotaState>
  state: (now: number) => Promise<QuotaState>
}

const DAY = 24 * 60 * 60_000
// One bucket per UTC day over two days: the key already names the Pacific day, the window only has to cover it.
const window = { windowMs: 2 * DAY, buckets: 2 }

/**
 * Units spent per source per Pacific day, kept in the shared cache so a restart (or a second
 * replica) does not forget what was spent. Each call is charged before it is made: a crash after
 * the charge over-counts by one unit rather than overspending.
 */
export function createQuotaBudget ({ cache, name, unitsPerDay }: { cache: Cache, name: string, unitsPerDay: number }): QuotaBudget {
  const keyFor = (now: number): string => `youtube-quota:${name}:${pacificDay(now)}`
  const describe = (used: number, now: number): QuotaState => ({ used, remaining: Math.max(0, unitsPerDay - used), resetAt: nextPacificMidnight(now) })
  return {
    async spend (units, now) {
      const current = await cache.count(keyFor(now), { ...window, at: now })
      if (current + units > unitsPerDay) return { granted: false, ...describe(current, now) }
      const used = await cache.increment(keyFor(now), { ...window, at: now, by: units })
      return { granted: true, ...describe(used, now) }
    },
    async exhaust (now) {
      const current = await cache.count(keyFor(now), { ...window, at: now })
      const used = current < unitsPerDay ? await cache.increment(keyFor(now), { ...window, at: now, by: unitsPerDay - current }) : current
      return describe(used, now)
    },
    async state (now) {
      return describe(await cache.count(keyFor(now), { ...window, at: now }), now)
    },
  }
}
