const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
type Unit = keyof typeof unitMs

const durationPattern = /^(?:\d+(?:ms|s|m|h|d))+$/
const partPattern = /(\d+)(ms|s|m|h|d)/g

/**
 * `15m`, `2h`, `1d`, `1h30m` → milliseconds; undefined when the text is not a duration.
 * A day is 24 hours of whichever clock measures it (calendar or business).
 */
export function parseDuration (text: string): number | undefined {
  if (!durationPattern.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(partPattern)) {
    total += Number(amount) * unitMs[unit as Unit]
  }
  return total
}

const words: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']]

/** 5_400_000 → "1 hour 30 minutes"; for templates and explanations. */
export function formatDuration (ms: number): string {
  if (ms <= 0) return '0 minutes'
  const parts: string[] = []
  let rest = ms
  for (const [size, word] of words) {
    const amount = Math.floor(rest / size)
    if (amount > 0) {
      parts.push(`${amount} ${word}${amount === 1 ? '' : 's'}`)
      rest -= amount * size
    }
  }
  return parts.length === 0 ? `${ms} milliseconds` : parts.join(' ')
}

/** 5_400_000 → "1h30m": the compact form policies use. */
export function formatDurationShort (ms: number): string {
  if (ms === 0) return '0m'
  let rest = ms
  let text = ''
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const amount = Math.floor(rest / size)
    if (amount > 0) {
      text += `${amount}${unit}`
      rest -= amount * size
    }
  }
  return text
}
