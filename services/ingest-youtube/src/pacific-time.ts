const pacific = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
})

function partsOf (at: number): { year: number, month: number, day: number, hour: number, minute: number } {
  const parts = Object.fromEntries(pacific.formatToParts(at).map((part) => [part.type, Number(part.value)]))
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0 }
}

/** The Pacific calendar day of `at` as YYYY-MM-DD: YouTube's quota day. */
export function pacificDay (at: number): string {
  const { year, month, day } = partsOf(at)
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * Epoch ms of the next midnight in America/Los_Angeles after `at`, when YouTube's daily quota resets.
 * Midnight is 08:00 UTC under PST and 07:00 UTC under PDT; DST switches at 02:00, so midnight always exists.
 */
export function nextPacificMidnight (at: number): number {
  const { year, month, day } = partsOf(at)
  for (const utcHour of [7, 8]) {
    const candidate = Date.UTC(year, month - 1, day + 1, utcHour)
    const local = partsOf(candidate)
    if (local.hour === 0 && local.minute === 0) return candidate
  }
  return at + 24 * 60 * 60_000
}
