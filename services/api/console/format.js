// Small pure helpers: durations, SLA countdowns, tenant colours, labels.

export function duration (ms) {
  const minutes = Math.floor(Math.abs(ms) / 60_000)
  if (minutes < 1) return `${Math.max(0, Math.floor(Math.abs(ms) / 1000))}s`
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`
  return `${Math.floor(hours / 24)}d ${hours % 24}h`
}

/** "due in 12m" / "breached 3m ago", with a state for styling. */
export function slaText (dueAt, now = Date.now()) {
  if (!dueAt) return { text: 'no SLA', state: 'none' }
  const left = Date.parse(dueAt) - now
  if (Number.isNaN(left)) return { text: 'no SLA', state: 'none' }
  if (left <= 0) return { text: `breached ${duration(left)} ago`, state: 'breached' }
  return { text: `due in ${duration(left)}`, state: left < 15 * 60_000 ? 'soon' : 'ok' }
}

export function ago (iso, now = Date.now()) {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const ms = now - t
  return ms < 30_000 ? 'just now' : `${duration(ms)} ago`
}

export function clock (iso) {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** A stable hue per tenant id, so a tenant keeps its colour across sessions and pages. */
export function tenantHue (tenantId) {
  let hash = 0
  for (const ch of String(tenantId)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0
  // Golden-angle steps spread similar ids far apart on the colour wheel.
  return Math.round((hash % 1000) * 137.508) % 360
}

export function percent (value) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '–'
  return `${Math.round(value * 100)}%`
}

export const label = (value) => String(value ?? '').replace(/_/g, ' ')

export const priorityRank = { critical: 0, high: 1, normal: 2, low: 3 }
export const closedStatuses = ['resolved', 'closed']
