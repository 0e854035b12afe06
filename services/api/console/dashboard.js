// The dashboard: per-tenant volume, sentiment mix, first-response times, SLA attainment and the
// gratitude index, drawn by charts.js. The reader is tolerant of the metrics payload's exact
// field names (bucket/at/t, count/total…) so small API changes do not blank the page.

import { api } from './api.js'
import { h, on, replaceChildren } from './dom.js'
import { lines, stackedBars, stat } from './charts.js'
import { duration, label, percent } from './format.js'

const $ = (id) => document.getElementById(id)

const ranges = {
  '24h': { ms: 24 * 3600_000, bucket: 'hour' },
  '7d': { ms: 7 * 24 * 3600_000, bucket: 'day' },
  '30d': { ms: 30 * 24 * 3600_000, bucket: 'day' },
}

function timeOf (point) {
  const raw = point.bucket ?? point.at ?? point.t ?? point.start ?? point.time ?? point.from ?? point.date
  const t = new Date(raw)
  return Number.isNaN(t.getTime()) ? null : t
}

function num (...values) {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v
  return undefined
}

function seriesOf (value) {
  if (Array.isArray(value)) return value
  if (value && typeof value === 'object') {
    for (const key of ['series', 'buckets', 'points', 'items', 'overTime']) if (Array.isArray(value[key])) return value[key]
  }
  return []
}

function points (raw, map) {
  return seriesOf(raw).map((p) => {
    const t = timeOf(p)
    return t === null ? null : { t, ...map(p) }
  }).filter(Boolean).sort((a, b) => a.t - b.t)
}

function share (value) {
  if (typeof value === 'number') return value > 1 ? value / 100 : value
  if (value && typeof value === 'object') {
    const direct = num(value.rate, value.share, value.value, value.index, value.attainment, value.ratio)
    if (direct !== undefined) return direct > 1 ? direct / 100 : direct
    const met = num(value.met, value.within, value.numerator, value.positiveAfterReply)
    const total = num(value.total, value.denominator, value.count, value.positive)
    if (met !== undefined && total) return met / total
  }
  return undefined
}

function msOf (value, unitHint) {
  if (typeof value !== 'number') return undefined
  return unitHint === 's' ? value * 1000 : value
}

export function createDashboard (ctx) {
  let sequence = 0

  async function show () {
    const tenantId = $('dashboard-tenant').value || ctx.tenants[0]?.tenantId
    const body = $('dashboard-body')
    if (!tenantId) {
      replaceChildren(body, h('p', { class: 'muted' }, 'You have no tenants.'))
      return
    }
    const range = ranges[$('dashboard-range').value] ?? ranges['24h']
    const to = new Date()
    const from = new Date(to.getTime() - range.ms)
    const mine = ++sequence
    replaceChildren(body, h('p', { class: 'muted' }, 'Loading metrics…'))
    const metrics = await api.metrics(tenantId, { from: from.toISOString(), to: to.toISOString(), bucket: range.bucket })
    if (mine !== sequence) return
    render(body, metrics, range.bucket === 'day')
  }

  function render (body, m, daily) {
    const volume = points(m.volume, (p) => ({ count: num(p.count, p.total, p.mentions, p.value) ?? 0 }))
    const sentiment = points(m.sentiment ?? m.sentimentMix, (p) => ({
      positive: num(p.positive, p.counts?.positive) ?? 0,
      neutral: num(p.neutral, p.counts?.neutral) ?? 0,
      negative: num(p.negative, p.counts?.negative) ?? 0,
    }))
    const responseRaw = m.firstResponse ?? m.firstResponseTimes ?? m.responseTimes ?? {}
    const seconds = JSON.stringify(Object.keys(responseRaw)).includes('Seconds') ? 's' : 'ms'
    const response = points(responseRaw, (p) => ({
      p50: msOf(num(p.p50Ms, p.p50, p.p50Seconds, p.median), seconds),
      p90: msOf(num(p.p90Ms, p.p90, p.p90Seconds), seconds),
    }))
    const slaRaw = m.slaAttainment ?? m.sla ?? {}
    const sla = points(slaRaw, (p) => ({ rate: share(p) }))
    const gratitudeRaw = m.gratitudeIndex ?? m.gratitude ?? {}
    const gratitude = points(gratitudeRaw, (p) => ({ rate: share(p) }))

    const totalVolume = num(m.volume?.total, m.totals?.mentions) ?? volume.reduce((a, p) => a + p.count, 0)
    const p50 = msOf(num(responseRaw.p50Ms, responseRaw.p50, responseRaw.p50Seconds, responseRaw.median), seconds)
    const p90 = msOf(num(responseRaw.p90Ms, responseRaw.p90, responseRaw.p90Seconds), seconds)
    const slaShare = share(slaRaw)
    const gratitudeShare = share(gratitudeRaw)

    replaceChildren(body,
      h('div', { class: 'stats' },
        stat('Mentions', String(totalVolume), null),
        stat('First response (median)', p50 === undefined ? '–' : duration(p50), p90 === undefined ? null : `90th percentile ${duration(p90)}`),
        stat('SLA attainment', percent(slaShare), slaRaw && typeof slaRaw === 'object' && typeof slaRaw.total === 'number' ? `${slaRaw.met ?? '?'} of ${slaRaw.total} tickets met first response` : 'share of tickets answered within the first-response SLA', slaShare),
        stat('Gratitude index', percent(gratitudeShare), 'share of positive mentions arriving after our reply', gratitudeShare)),
      h('div', { class: 'charts' },
        stackedBars('Volume', volume, [{ key: 'count', label: 'mentions', className: 'volume' }], { daily }),
        stackedBars('Sentiment mix', sentiment, [
          { key: 'negative', label: 'negative', className: 'negative' },
          { key: 'neutral', label: 'neutral', className: 'neutral' },
          { key: 'positive', label: 'positive', className: 'positive' },
        ], { daily }),
        lines('First-response time', response, [
          { key: 'p50', label: 'median', className: 'p50' },
          { key: 'p90', label: '90th percentile', className: 'p90' },
        ], { daily, format: (v) => v === 0 ? '0' : duration(v) }),
        lines('SLA attainment', sla, [{ key: 'rate', label: 'met', className: 'sla-line' }], { daily, format: percent, yMax: 1 }),
        lines('Gratitude index', gratitude, [{ key: 'rate', label: label('gratitude index'), className: 'gratitude' }], { daily, format: percent, yMax: 1 })))
  }

  on($('dashboard-form'), 'change', () => { show().catch(ctx.reportError) })
  on($('dashboard-form'), 'submit', (event) => event.preventDefault())

  return {
    show,
    setTenants (tenants) {
      replaceChildren($('dashboard-tenant'), tenants.map((t) => h('option', { value: t.tenantId }, t.name ?? t.tenantId)))
    },
  }
}
