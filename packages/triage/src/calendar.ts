import { DateTime, IANAZone } from 'luxon'
import { NoBusinessTimeError, TriageArgumentError } from './errors.js'

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = typeof weekdays[number]

/**
 * Opening hours within one local day, in minutes after midnight. `endMinute` ≤ `startMinute`
 * is an overnight span that closes on the next local day; 1440 is midnight at the end of the day.
 */
export interface Span {
  startMinute: number
  endMinute: number
}

export interface CalendarSpec {
  timezone: string
  /** Index 0 is Monday, 6 is Sunday. */
  week: ReadonlyArray<readonly Span[]>
  /** Local dates `YYYY-MM-DD`; a holiday cancels every span that starts on that date. */
  holidays: readonly string[]
}

/** [startMs, endMs) of business time, in real elapsed milliseconds. */
export type BusinessInterval = readonly [number, number]

export interface BusinessCalendar {
  readonly timezone: string
  isBusinessTime (t: Date): boolean
  /** `t` itself when it is business time, else the instant business time next begins. */
  nextBusinessStart (t: Date): Date
  /** The instant `ms` of business time after `t`; time outside business hours does not count. */
  addBusinessDuration (t: Date, ms: number): Date
  /** Business milliseconds in [a, b); negative when b is before a. */
  businessDurationBetween (a: Date, b: Date): number
  /** Merged business intervals overlapping [a, b), clipped to it. */
  intervalsBetween (a: Date, b: Date): BusinessInterval[]
  weekday (t: Date): Weekday
  /** The local time of `t` in the calendar's zone, e.g. "Mon 2 Mar 08:00". */
  formatLocal (t: Date): string
}

const dayMs = 86_400_000
/** How far ahead a search for business time goes before concluding there is none. */
export const searchHorizonDays = 3 * 366
const chunkDays = 14

const spanPattern = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/

/** "08:00-12:00, 13:00-20:00" → spans, or a reason it is not one. "closed" is no spans. */
export function parseSpans (text: string): { spans: Span[] } | { error: string } {
  const trimmed = text.trim()
  if (trimmed === 'closed') return { spans: [] }
  const spans: Span[] = []
  for (const part of trimmed.split(',')) {
    const match = spanPattern.exec(part.trim())
    if (match === null) {
      return { error: `expected spans like "08:00-20:00" or "08:00-12:00, 13:00-20:00" (or "closed"), got "${text}"` }
    }
    const startMinute = Number(match[1]) * 60 + Number(match[2])
    const endMinute = Number(match[3]) * 60 + Number(match[4])
    if (startMinute >= 1440 || endMinute > 1440) return { error: `"${part.trim()}": 24:00 may only end a span` }
    if (startMinute === endMinute) return { error: `"${part.trim()}" is empty; use "00:00-24:00" for a whole day` }
    spans.push({ startMinute, endMinute })
  }
  return { spans }
}

export function isValidTimezone (zone: string): boolean {
  return IANAZone.isValidZone(zone)
}

function toMillis (t: Date, what: string): number {
  const ms = t instanceof Date ? t.getTime() : Number.NaN
  if (Number.isNaN(ms)) throw new TriageArgumentError(`${what} must be a valid Date`)
  return ms
}

function merge (intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((x, y) => x[0] - y[0])
  const merged: Array<[number, number]> = []
  for (const interval of intervals) {
    const last = merged[merged.length - 1]
    if (last !== undefined && interval[0] <= last[1]) {
      last[1] = Math.max(last[1], interval[1])
    } else {
      merged.push([interval[0], interval[1]])
    }
  }
  return merged
}

export function createBusinessCalendar (spec: CalendarSpec): BusinessCalendar {
  const { timezone } = spec
  if (!isValidTimezone(timezone)) throw new TriageArgumentError(`unknown IANA timezone "${timezone}"`)
  const holidays = new Set(spec.holidays)

  function localDate (ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: timezone }).startOf('day')
  }

  function atMinute (day: DateTime, minute: number): number {
    // Built from fields, not by adding minutes to midnight, so wall-clock times survive DST changes;
    // a time inside a spring-forward gap moves forward by the gap (01:30 → 02:30 BST).
    const base = minute === 1440 ? day.plus({ days: 1 }) : day
    const m = minute === 1440 ? 0 : minute
    return DateTime.fromObject({ year: base.year, month: base.month, day: base.day, hour: Math.floor(m / 60), minute: m % 60 },
      { zone: timezone }).toMillis()
  }

  /** Raw intervals of spans starting on local dates firstDay … firstDay + days - 1. */
  function spansOnDays (firstDay: DateTime, days: number): Array<[number, number]> {
    const intervals: Array<[number, number]> = []
    for (let i = 0; i < days; i++) {
      const day = firstDay.plus({ days: i })
      if (holidays.has(day.toISODate() ?? '')) continue
      for (const span of spec.week[day.weekday - 1] ?? []) {
        const start = atMinute(day, span.startMinute)
        const end = span.endMinute > span.startMinute
          ? atMinute(day, span.endMinute)
          : atMinute(day.plus({ days: 1 }), span.endMinute)
        if (end > start) intervals.push([start, end])
      }
    }
    return intervals
  }

  // Luxon date arithmetic dominates triage time; the same days come up for every mention of a batch,
  // so the local day of a 15-minute bucket (every real UTC offset is a multiple of 15 minutes) and the
  // merged intervals of a run of days are memoised, bounded so a long-lived process stays small.
  const dayBefore = new Map<number, DateTime>()
  const mergedDays = new Map<string, Array<[number, number]>>()
  function dayBeforeLocalDate (ms: number): DateTime {
    const bucket = Math.floor(ms / 900_000)
    let day = dayBefore.get(bucket)
    if (day === undefined) {
      if (dayBefore.size >= 10_000) dayBefore.clear()
      day = localDate(ms).minus({ days: 1 })
      dayBefore.set(bucket, day)
    }
    return day
  }
  function mergedSpans (firstDay: DateTime, days: number): Array<[number, number]> {
    const key = `${firstDay.toMillis()}|${days}`
    let intervals = mergedDays.get(key)
    if (intervals === undefined) {
      if (mergedDays.size >= 10_000) mergedDays.clear()
      intervals = merge(spansOnDays(firstDay, days))
      mergedDays.set(key, intervals)
    }
    return intervals
  }

  function intervalsBetweenMs (from: number, to: number): Array<[number, number]> {
    if (to <= from) return []
    // Start a day early: an overnight span from the day before may still be open at `from`.
    const firstDay = dayBeforeLocalDate(from)
    const days = Math.ceil((to - firstDay.toMillis()) / dayMs) + 2
    return mergedSpans(firstDay, days)
      .filter(([start, end]) => end > from && start < to)
      .map(([start, end]) => [Math.max(start, from), Math.min(end, to)])
  }

  /** Walks merged intervals from `from` onwards, chunk by chunk, until `visit` returns a result. */
  function walk<T> (from: number, visit: (interval: [number, number]) => T | undefined): T {
    let cursor = from
    const horizon = from + searchHorizonDays * dayMs
    while (cursor < horizon) {
      const chunkEnd = cursor + chunkDays * dayMs
      for (const interval of intervalsBetweenMs(cursor, chunkEnd)) {
        const result = visit(interval)
        if (result !== undefined) return result
      }
      cursor = chunkEnd
    }
    throw new NoBusinessTimeError(new Date(from), searchHorizonDays)
  }

  return {
    timezone,
    isBusinessTime (t) {
      const ms = toMillis(t, 't')
      return intervalsBetweenMs(ms, ms + 1).length > 0
    },
    nextBusinessStart (t) {
      const ms = toMillis(t, 't')
      return new Date(walk(ms, ([start]) => start))
    },
    addBusinessDuration (t, ms) {
      const from = toMillis(t, 't')
      if (!Number.isFinite(ms) || ms < 0) throw new TriageArgumentError(`duration must be a non-negative number of milliseconds, got ${ms}`)
      let remaining = ms
      return new Date(walk(from, ([start, end]) => {
        // Intervals from one chunk may continue into the next; the split is harmless for sums.
        if (end - start >= remaining) return start + remaining
        remaining -= end - start
        return undefined
      }))
    },
    businessDurationBetween (a, b) {
      const from = toMillis(a, 'a')
      const to = toMillis(b, 'b')
      const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1]
      const total = intervalsBetweenMs(lo, hi).reduce((sum, [start, end]) => sum + end - start, 0)
      return sign * total
    },
    intervalsBetween (a, b) {
      return intervalsBetweenMs(toMillis(a, 'a'), toMillis(b, 'b'))
    },
    weekday (t) {
      const day = DateTime.fromMillis(toMillis(t, 't'), { zone: timezone }).weekday
      return weekdays[day - 1] ?? 'mon'
    },
    formatLocal (t) {
      return DateTime.fromMillis(toMillis(t, 't'), { zone: timezone }).setLocale('en-GB').toFormat('ccc d LLL HH:mm')
    },
  }
}
