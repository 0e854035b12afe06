// Small inline-SVG charts: stacked bars over time, horizontal bars, rings, headline numbers.

import { h, s } from './dom.js'

const W = 560
const H = 200
const M = { top: 12, right: 12, bottom: 28, left: 44 }

function niceMax (value) {
  if (!(value > 0)) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude
  return 10 * magnitude
}

function timeLabel (date, daily) {
  return daily
    ? date.toLocaleDateString([], { month: 'short', day: 'numeric' })
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

function frame (title, summary, yMax, format, points, daily) {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${summary}`, class: 'chart' },
    s('title', null, `${title}: ${summary}`))
  const innerH = H - M.top - M.bottom
  for (let i = 0; i <= 4; i++) {
    const y = M.top + innerH - (innerH * i) / 4
    svg.appendChild(s('line', { x1: M.left, x2: W - M.right, y1: y, y2: y, class: 'grid' }))
    svg.appendChild(s('text', { x: M.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, format((yMax * i) / 4)))
  }
  const every = Math.max(1, Math.ceil(points.length / 6))
  points.forEach((p, i) => {
    if (i % every !== 0) return
    svg.appendChild(s('text', { x: xCenter(i, points.length), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, timeLabel(p.t, daily)))
  })
  return svg
}

function xCenter (i, n) {
  const innerW = W - M.left - M.right
  return M.left + (innerW * (i + 0.5)) / Math.max(1, n)
}

function yOf (value, yMax) {
  const innerH = H - M.top - M.bottom
  return M.top + innerH - (innerH * Math.max(0, value)) / yMax
}

export function figure (title, chart, ...extra) {
  return h('figure', { class: 'card chart-card' }, h('figcaption', null, title), chart, ...extra)
}

export function empty (title) {
  return figure(title, h('p', { class: 'muted chart-empty' }, 'No data in this period.'))
}

/** series: [{ key, label, className }] stacked in order. */
export function stackedBars (title, points, series, { daily = false, format = (v) => Number.isInteger(v) ? String(v) : v.toFixed(1) } = {}) {
  if (points.length === 0) return empty(title)
  const totals = points.map((p) => series.reduce((sum, x) => sum + (p[x.key] ?? 0), 0))
  // Small counts: a multiple of 4, so the five grid lines fall on whole numbers.
  const highest = Math.max(...totals)
  const yMax = highest <= 20 ? Math.max(4, Math.ceil(highest / 4) * 4) : niceMax(highest)
  const total = totals.reduce((a, b) => a + b, 0)
  const svg = frame(title, `${format(total)} in total over ${points.length} periods`, yMax, format, points, daily)
  const innerW = W - M.left - M.right
  const barW = Math.max(2, (innerW / points.length) * 0.7)
  points.forEach((p, i) => {
    let base = 0
    for (const x of series) {
      const v = p[x.key] ?? 0
      if (v <= 0) continue
      const y0 = yOf(base, yMax)
      const y1 = yOf(base + v, yMax)
      svg.appendChild(s('rect', { x: xCenter(i, points.length) - barW / 2, y: y1, width: barW, height: Math.max(0.5, y0 - y1), class: `bar ${x.className}` },
        s('title', null, `${timeLabel(p.t, daily)} · ${x.label}: ${format(v)}`)))
      base += v
    }
  })
  return figure(title, svg, series.length > 1 ? legend(series) : null)
}

function legend (series) {
  return h('ul', { class: 'legend' }, series.map((x) => h('li', null, s('svg', { viewBox: '0 0 10 10', width: 10, height: 10, 'aria-hidden': 'true' }, s('rect', { width: 10, height: 10, class: `bar ${x.className}` })), ' ', x.label)))
}

/** One headline number with a thin progress bar (for shares between 0 and 1). */
export function stat (title, value, detail, share) {
  const bar = typeof share === 'number'
    ? s('svg', { viewBox: '0 0 100 6', class: 'stat-bar', 'aria-hidden': 'true', preserveAspectRatio: 'none' },
      s('rect', { width: 100, height: 6, class: 'track' }),
      s('rect', { width: Math.max(0, Math.min(100, share * 100)), height: 6, class: 'fill' }))
    : null
  return h('div', { class: 'card stat' }, h('p', { class: 'stat-title' }, title), h('p', { class: 'stat-value' }, value), bar, detail ? h('p', { class: 'muted small' }, detail) : null)
}

/** Horizontal bars for a few named values (e.g. median and 90th-percentile response time). */
export function hbars (title, rows, { format = (v) => String(v) } = {}) {
  const present = rows.filter((r) => typeof r.value === 'number')
  if (present.length === 0) return empty(title)
  const max = niceMax(Math.max(...present.map((r) => r.value)))
  const rowH = 34
  const height = rows.length * rowH + 10
  const labelW = 130
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${r.label} ${typeof r.value === 'number' ? format(r.value) : 'n/a'}`).join(', ')}`, class: 'chart' })
  rows.forEach((r, i) => {
    const y = 5 + i * rowH
    svg.appendChild(s('text', { x: 0, y: y + rowH / 2 + 4, class: 'axis label' }, r.label))
    const width = typeof r.value === 'number' ? ((W - labelW - 80) * r.value) / max : 0
    svg.appendChild(s('rect', { x: labelW, y: y + 6, width: W - labelW - 80, height: rowH - 12, class: 'track' }))
    svg.appendChild(s('rect', { x: labelW, y: y + 6, width: Math.max(width, 0), height: rowH - 12, class: `bar ${r.className}` }))
    svg.appendChild(s('text', { x: labelW + Math.max(width, 0) + 6, y: y + rowH / 2 + 4, class: 'axis value' }, typeof r.value === 'number' ? format(r.value) : 'n/a'))
  })
  return figure(title, svg)
}

/** A ring showing one share (0–1), with the count it came from. */
export function ring (title, share, detail, className) {
  if (typeof share !== 'number') return figure(title, h('p', { class: 'muted chart-empty' }, detail || 'No data in this period.'))
  const r = 52
  const c = 2 * Math.PI * r
  const svg = s('svg', { viewBox: '0 0 140 140', role: 'img', 'aria-label': `${title}: ${Math.round(share * 100)}%${detail ? `, ${detail}` : ''}`, class: 'chart ring' },
    s('circle', { cx: 70, cy: 70, r, class: 'ring-track' }),
    s('circle', { cx: 70, cy: 70, r, class: `ring-fill ${className}`, 'stroke-dasharray': `${(c * Math.max(0, Math.min(1, share))).toFixed(2)} ${c.toFixed(2)}`, transform: 'rotate(-90 70 70)' }),
    s('text', { x: 70, y: 76, 'text-anchor': 'middle', class: 'ring-value' }, `${Math.round(share * 100)}%`))
  return figure(title, svg, detail ? h('p', { class: 'muted small ring-detail' }, detail) : null)
}
