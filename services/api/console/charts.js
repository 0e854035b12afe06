// Small inline-SVG charts: bars, stacked bars, lines. Points are { t: Date, ... } in time order.

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
export function stackedBars (title, points, series, { daily = false, format = (v) => String(Math.round(v)) } = {}) {
  if (points.length === 0) return empty(title)
  const totals = points.map((p) => series.reduce((sum, x) => sum + (p[x.key] ?? 0), 0))
  const yMax = niceMax(Math.max(...totals))
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

export function lines (title, points, series, { daily = false, format = (v) => String(Math.round(v)), yMax: fixedMax } = {}) {
  const present = points.filter((p) => series.some((x) => typeof p[x.key] === 'number'))
  if (present.length === 0) return empty(title)
  const yMax = fixedMax ?? niceMax(Math.max(...present.flatMap((p) => series.map((x) => p[x.key] ?? 0))))
  const latest = present[present.length - 1]
  const summary = series.map((x) => `${x.label} latest ${typeof latest[x.key] === 'number' ? format(latest[x.key]) : 'n/a'}`).join(', ')
  const svg = frame(title, summary, yMax, format, points, daily)
  for (const x of series) {
    const coords = points.map((p, i) => typeof p[x.key] === 'number' ? [xCenter(i, points.length), yOf(p[x.key], yMax)] : null)
    let d = ''
    let pen = false
    for (const c of coords) {
      if (c === null) { pen = false; continue }
      d += `${pen ? 'L' : 'M'}${c[0].toFixed(1)},${c[1].toFixed(1)} `
      pen = true
    }
    svg.appendChild(s('path', { d: d.trim(), class: `line ${x.className}` }))
    coords.forEach((c, i) => {
      if (c === null) return
      svg.appendChild(s('circle', { cx: c[0], cy: c[1], r: 2.5, class: `dot ${x.className}` },
        s('title', null, `${timeLabel(points[i].t, daily)} · ${x.label}: ${format(points[i][x.key])}`)))
    })
  }
  return figure(title, svg, legend(series))
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
