// The dashboard: per-tenant volume, sentiment mix, first-response times, SLA attainment and the
// gratitude index, drawn by charts.js from GET /v1/tenants/:t/metrics.

import { api, ApiError } from './api.js'
import { h, on, replaceChildren } from './dom.js'
import { hbars, ring, stackedBars, stat } from './charts.js'
import { duration, percent } from './format.js'

const $ = (id) => document.getElementById(id)

const ranges = {
  '24h': { ms: 24 * 3600_000, bucket: 'hour' },
  '7d': { ms: 7 * 24 * 3600_000, bucket: 'day' },
  '30d': { ms: 30 * 24 * 3600_000, bucket: 'day' },
}

const HOUR = 3600_000
const DAY = 24 * HOUR

/** Every bucket between from and to (UTC-aligned, like the API's), zero where the API sent none. */
export function fillBuckets (rows, from, to, bucket) {
  const step = bucket === 'day' ? DAY : HOUR
  const byTime = new Map()
  for (const row of rows ?? []) {
    const t = Date.parse(row.at)
    if (!Number.isNaN(t)) byTime.set(Math.floor(t / step) * step, row)
  }
  const points = []
  for (let t = Math.floor(from.getTime() / step) * step; t <= to.getTime(); t += step) {
    const row = byTime.get(t)
    points.push({
      t: new Date(t),
      count: row?.mentions ?? 0,
      positive: row?.sentiment?.positive ?? 0,
      neutral: row?.sentiment?.neutral ?? 0,
      negative: row?.sentiment?.negative ?? 0,
    })
  }
  return points
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
    let metrics
    try {
      metrics = await api.metrics(tenantId, { from: from.toISOString(), to: to.toISOString(), bucket: range.bucket })
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 401) throw err
      if (mine === sequence) replaceChildren(body, h('p', { class: 'muted' }, `Metrics are not available: ${err.message}`))
      return
    }
    if (mine !== sequence) return
    render(body, metrics, from, to, range.bucket)
  }

  function render (body, m, from, to, bucket) {
    const daily = bucket === 'day'
    const points = fillBuckets(m.volume, from, to, bucket)
    const total = points.reduce((sum, p) => sum + p.count, 0)
    const response = m.firstResponse ?? {}
    const p50 = typeof response.p50Seconds === 'number' ? response.p50Seconds * 1000 : undefined
    const p90 = typeof response.p90Seconds === 'number' ? response.p90Seconds * 1000 : undefined
    const sla = m.slaAttainment ?? {}
    const gratitude = m.gratitudeIndex ?? {}
    const share = (value) => typeof value === 'number' ? value : undefined

    replaceChildren(body,
      h('div', { class: 'stats' },
        stat('Mentions', String(total), `${$('dashboard-range').selectedOptions[0]?.textContent ?? ''}`),
        stat('First response (median)', p50 === undefined ? '–' : duration(p50),
          `${response.responded ?? 0} of ${response.tickets ?? 0} tickets answered${p90 === undefined ? '' : ` · 90th percentile ${duration(p90)}`}`),
        stat('SLA attainment', percent(share(sla.share)), `${sla.met ?? 0} of ${sla.tickets ?? 0} tickets met first response`, share(sla.share)),
        stat('Gratitude index', percent(share(gratitude.share)), `${gratitude.afterReply ?? 0} of ${gratitude.positiveMentions ?? 0} positive mentions came after our reply`, share(gratitude.share))),
      h('div', { class: 'charts' },
        stackedBars('Volume', points, [{ key: 'count', label: 'mentions', className: 'volume' }], { daily }),
        stackedBars('Sentiment mix', points, [
          { key: 'negative', label: 'negative', className: 'negative' },
          { key: 'neutral', label: 'neutral', className: 'neutral' },
          { key: 'positive', label: 'positive', className: 'positive' },
        ], { daily }),
        hbars('First-response time', [
          { label: 'median', value: p50, className: 'p50' },
          { label: '90th percentile', value: p90, className: 'p90' },
        ], { format: duration }),
        ring('SLA attainment', share(sla.share), `${sla.met ?? 0} of ${sla.tickets ?? 0} tickets within the first-response SLA`, 'sla-line'),
        ring('Gratitude index', share(gratitude.share), `${gratitude.afterReply ?? 0} of ${gratitude.positiveMentions ?? 0} positive mentions arrived after our reply`, 'gratitude')))
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
