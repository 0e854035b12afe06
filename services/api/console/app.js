// The moderator console: login, queue + ticket view, dashboard, live updates, shortcuts.
// No framework and no build step; every module is served as-is by the API.
/* global location, history */

import { api, ApiError } from './api.js'
import { createDashboard } from './dashboard.js'
import { h, on, replaceChildren } from './dom.js'
import { closedStatuses, label, slaText, tenantHue } from './format.js'
import { createLiveFeed } from './live.js'
import { createQueue } from './queue.js'
import { createTicketView } from './ticket.js'

const $ = (id) => document.getElementById(id)

const ctx = {
  me: null,
  tenants: [],
  tenantName (tenantId) {
    return ctx.tenants.find((t) => t.tenantId === tenantId)?.name ?? tenantId
  },
  toast,
  open: null,
}

let toastTimer
function toast (message, kind = 'info') {
  const el = $('toast')
  el.textContent = message
  el.dataset.kind = kind
  el.classList.add('visible')
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => el.classList.remove('visible'), 3500)
}

// --- live SLA countdowns: every element with data-due ticks once a second ---
function tickCountdowns () {
  const now = Date.now()
  for (const el of document.querySelectorAll('[data-due]')) {
    const { text, state } = slaText(el.dataset.due, now)
    if (el.textContent !== text) el.textContent = text
    el.dataset.state = state
  }
}
setInterval(tickCountdowns, 1000)

// --- incidents ---
const incidents = new Map()
function incidentKey (t) { return `${t.tenantId}/${t.id}` }
ctx.incidentOf = (tenantId, ticketId) => incidents.get(`${tenantId}/${ticketId}`)

function noteIncident (ticket) {
  const isIncident = (ticket.tags ?? []).includes('incident') || ticket.kind === 'incident'
  if (!isIncident) return
  if (closedStatuses.includes(ticket.status)) incidents.delete(incidentKey(ticket))
  else {
    const previous = incidents.get(incidentKey(ticket))
    incidents.set(incidentKey(ticket), { ...previous, ...ticket, suggestedBroadcast: broadcastOf(ticket) ?? previous?.suggestedBroadcast ?? null })
  }
  renderIncidents()
}

async function loadIncidents () {
  try {
    const { items } = await api.tickets({ tenant: ctx.tenants.map((t) => t.tenantId), tag: 'incident', limit: 20 })
    for (const item of items) noteIncident(item)
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
  }
}

function broadcastOf (ticket) {
  return ticket.suggestedBroadcast ?? ticket.incident?.suggestedBroadcast ?? ticket.details?.suggestedBroadcast ?? null
}

function renderIncidents () {
  const banner = $('incident-banner')
  const open = [...incidents.values()]
  banner.hidden = open.length === 0
  replaceChildren(banner, open.map((incident) => {
    const info = incident.incident ?? incident.details?.incident ?? {}
    const broadcast = broadcastOf(incident)
    const openButton = h('button', { type: 'button', class: 'secondary' }, 'Open incident')
    on(openButton, 'click', () => { location.hash = `#/ticket/${encodeURIComponent(incident.tenantId)}/${encodeURIComponent(incident.id)}` })
    return h('div', { class: 'incident' },
      h('span', { class: 'incident-icon', 'aria-hidden': 'true' }, '⚠'),
      h('div', { class: 'incident-text' },
        h('strong', null, `Incident: ${label(info.kind ?? (incident.tags ?? []).find((t) => t !== 'incident') ?? 'spike')} spike`),
        ' ', tenantBadge(incident.tenantId), ' ',
        typeof info.mentionCount === 'number' ? h('span', { class: 'muted' }, `${info.mentionCount} mentions`) : null,
        info.startedAt ? h('span', { class: 'muted' }, ` since ${new Date(info.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`) : null,
        broadcast === null
          ? h('p', { class: 'broadcast muted' }, 'Answer the grouped mentions with one broadcast instead of one reply each.')
          : h('p', { class: 'broadcast' }, h('span', { class: 'muted' }, 'Suggested broadcast: '), h('q', null, broadcast))),
      openButton)
  }))
}

function tenantBadge (tenantId) {
  const badge = h('span', { class: 'tenant-badge', title: `Tenant ${tenantId}` }, ctx.tenantName(tenantId))
  badge.style.setProperty('--tenant-hue', String(tenantHue(tenantId)))
  return badge
}
ctx.tenantBadge = tenantBadge

// --- views ---
const queue = createQueue(ctx)
const ticketView = createTicketView(ctx)
const dashboard = createDashboard(ctx)
ctx.queue = queue
ctx.ticketView = ticketView

const live = createLiveFeed({
  onEvent (event) {
    noteIncident({ ...event.ticket, tenantId: event.tenantId })
    if (event.type === 'incident.detected') toast(`Incident detected for ${ctx.tenantName(event.tenantId)}`, 'warning')
    queue.applyEvent(event)
    ticketView.applyEvent(event)
  },
  onStatus (status) {
    const el = $('live-status')
    el.dataset.state = status
    el.textContent = status === 'live' ? 'live' : status
  },
})

function showLogin () {
  live.close()
  $('console-view').hidden = true
  $('login-view').hidden = false
  $('login-email').focus()
}

async function showConsole (me) {
  ctx.me = me
  ctx.tenants = me.tenants ?? []
  $('login-view').hidden = true
  $('console-view').hidden = false
  $('user-name').textContent = me.user?.name || me.user?.email || ''
  queue.setTenants(ctx.tenants)
  dashboard.setTenants(ctx.tenants)
  live.connect(ctx.tenants.map((t) => t.tenantId))
  await route()
  await loadIncidents()
}

async function route () {
  const hash = location.hash || '#/queue'
  const parts = hash.slice(2).split('/').map(decodeURIComponent)
  const page = parts[0] === 'dashboard' ? 'dashboard' : 'queue'
  $('queue-page').hidden = page !== 'queue'
  $('dashboard-page').hidden = page !== 'dashboard'
  $('nav-queue').setAttribute('aria-current', page === 'queue' ? 'page' : 'false')
  $('nav-dashboard').setAttribute('aria-current', page === 'dashboard' ? 'page' : 'false')
  if (page === 'dashboard') {
    await dashboard.show()
    return
  }
  if (!queue.loaded) await queue.reload()
  if (parts[0] === 'ticket' && parts[1] && parts[2]) {
    ctx.open = { tenantId: parts[1], ticketId: parts[2] }
    queue.markOpen(ctx.open)
    await ticketView.show(ctx.open)
  }
}

on(window, 'hashchange', () => { route().catch(reportError) })

function reportError (err) {
  if (err instanceof ApiError && err.status === 401) {
    showLogin()
    return
  }
  toast(err instanceof Error ? err.message : String(err), 'error')
}
ctx.reportError = reportError

on($('login-form'), 'submit', async (event) => {
  event.preventDefault()
  const email = $('login-email').value.trim()
  const password = $('login-password').value
  const error = $('login-error')
  error.textContent = ''
  if (email === '' || password === '') {
    error.textContent = 'Enter your email and password.'
    return
  }
  try {
    const me = await api.login(email, password)
    $('login-password').value = ''
    if (!location.hash) history.replaceState(null, '', '#/queue')
    await showConsole(me)
  } catch (err) {
    error.textContent = err instanceof ApiError && (err.status === 401 || err.status === 400)
      ? 'That email and password do not match.'
      : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`
  }
})

on($('logout-button'), 'click', async () => {
  try { await api.logout() } catch (err) { if (!(err instanceof ApiError)) throw err }
  ctx.me = null
  incidents.clear()
  renderIncidents()
  queue.reset()
  ticketView.reset()
  ctx.open = null
  history.replaceState(null, '', '#/queue')
  showLogin()
})

// --- keyboard shortcuts ---
function helpOpen () { return !$('help-overlay').hidden }
let focusBeforeHelp = null
function toggleHelp (show = !helpOpen()) {
  $('help-overlay').hidden = !show
  if (show) {
    focusBeforeHelp = document.activeElement
    $('help-close').focus()
  } else if (focusBeforeHelp && typeof focusBeforeHelp.focus === 'function') {
    focusBeforeHelp.focus()
  }
}
on($('help-button'), 'click', () => toggleHelp(true))
on($('help-close'), 'click', () => toggleHelp(false))
on($('help-overlay'), 'click', (event) => { if (event.target === $('help-overlay')) toggleHelp(false) })

function typingIn (target) {
  if (!target || !target.tagName) return false
  const tag = target.tagName.toLowerCase()
  return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable
}

on(document, 'keydown', (event) => {
  if (event.key === 'Escape' && helpOpen()) {
    event.preventDefault()
    toggleHelp(false)
    return
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return
  if ($('console-view').hidden || $('action-dialog').open || typingIn(event.target)) return
  if (helpOpen()) {
    if (event.key === '?') toggleHelp(false)
    return
  }
  const onQueue = !$('queue-page').hidden
  const act = (fn) => { event.preventDefault(); Promise.resolve(fn()).catch(reportError) }
  switch (event.key) {
    case '?': act(() => toggleHelp(true)); break
    case '/': if (onQueue) act(() => $('filter-q').focus()); break
    case 'j': if (onQueue) act(() => queue.move(1)); break
    case 'k': if (onQueue) act(() => queue.move(-1)); break
    case 'Enter':
      if (onQueue && !(event.target && event.target.closest && event.target.closest('button, a'))) act(() => queue.openSelected())
      break
    case 'a': if (onQueue) act(() => ticketView.approve()); break
    case 'e': if (onQueue) act(() => ticketView.escalate()); break
    case 'r': if (onQueue) act(() => ticketView.runAction('resolve')); break
    case 't': if (onQueue) act(() => ticketView.runAction('take')); break
    default:
  }
})

// --- boot ---
async function boot () {
  try {
    const me = await api.me()
    await showConsole(me)
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin()
    else {
      showLogin()
      $('login-error').textContent = `The API did not answer: ${err instanceof Error ? err.message : String(err)}`
    }
  }
}

if (document.readyState === 'loading') on(document, 'DOMContentLoaded', () => { boot().catch(reportError) })
else boot().catch(reportError)
