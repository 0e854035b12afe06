// The queue: filters, the list sorted by the API (urgency, then SLA due), keyboard selection and
// live updates (a changed ticket updates in place at once; the list is then re-read so new tickets
// appear and the order stays the server's).
/* global location, CSS */

import { api } from './api.js'
import { h, on, replaceChildren } from './dom.js'
import { ago, closedStatuses, label, slaText } from './format.js'

const $ = (id) => document.getElementById(id)
const keyOf = (item) => `${item.tenantId}/${item.id}`
const PAGE = 50

export function createQueue (ctx) {
  const list = $('queue-list')
  const form = $('filters')
  let items = []
  let nextCursor = null
  let selectedKey = null
  let openKey = null
  let sequence = 0
  let reloadTimer
  const fresh = new Set()
  const state = { loaded: false }

  function filters () {
    const data = new FormData(form)
    const tenant = String(data.get('tenant') ?? '')
    const value = (name) => String(data.get(name) ?? '').trim()
    return {
      tenant: tenant === '' ? ctx.tenants.map((t) => t.tenantId) : [tenant],
      status: value('status'),
      priority: value('priority'),
      platform: value('platform'),
      intent: value('intent'),
      team: value('team'),
      q: value('q'),
      limit: PAGE,
    }
  }

  async function reload () {
    const mine = ++sequence
    const page = await api.tickets(filters())
    if (mine !== sequence) return
    items = page.items ?? []
    nextCursor = page.nextCursor ?? null
    state.loaded = true
    render()
  }

  async function loadMore () {
    if (nextCursor === null) return
    const mine = ++sequence
    const page = await api.tickets({ ...filters(), cursor: nextCursor })
    if (mine !== sequence) return
    const known = new Set(items.map(keyOf))
    items = [...items, ...(page.items ?? []).filter((i) => !known.has(keyOf(i)))]
    nextCursor = page.nextCursor ?? null
    render()
  }

  function scheduleReload (delay = 250) {
    clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => { reload().catch(ctx.reportError) }, delay)
  }

  function chip (text, kind, value) {
    return h('span', { class: ['chip', kind && `chip-${kind}`], dataset: value === undefined ? undefined : { value } }, text)
  }

  function row (item) {
    const key = keyOf(item)
    const urgency = item.urgency ?? {}
    const due = slaText(item.dueAt)
    const author = item.author ?? {}
    const isIncident = (item.tags ?? []).includes('incident')
    const incident = isIncident ? ctx.incidentOf(item.tenantId, item.id)?.incident : undefined
    const button = h('button', {
      type: 'button',
      class: ['ticket-row', closedStatuses.includes(item.status) && 'is-closed'],
      'aria-current': key === openKey ? 'true' : undefined,
      dataset: { key, ticketId: item.id, tenantId: item.tenantId },
    },
    h('span', { class: 'row-top' },
      h('span', { class: 'urgency', dataset: { level: urgency.level ?? item.priority ?? 'normal' }, title: 'Urgency level and score' },
        label(urgency.level ?? item.priority ?? ''), typeof urgency.score === 'number' && item.mentionCount > 0 ? h('span', { class: 'score' }, String(Math.round(urgency.score))) : null),
      ctx.tenants.length > 1 ? ctx.tenantBadge(item.tenantId) : null,
      h('span', { class: 'author' }, isIncident ? `Incident · ${label((item.tags ?? []).find((t) => t !== 'incident') ?? 'spike')}` : author.displayName || author.handle || 'unknown author'),
      author.handle && author.displayName ? h('span', { class: 'handle muted' }, `@${String(author.handle).replace(/^@/, '')}`) : null,
      h('span', { class: 'platform muted' }, label(item.platform)),
      h('span', { class: 'sla', dataset: { due: item.dueAt ?? '', state: due.state } }, due.text)),
    h('span', { class: 'preview' }, isIncident && !item.preview
      ? `${incident?.mentionCount ?? 'Several'} related mentions grouped; answer them with one broadcast.`
      : item.preview ?? ''),
    h('span', { class: 'row-meta' },
      fresh.has(key) ? chip('new', 'new') : null,
      chip(label(item.status), 'status', item.status),
      chip(label(item.priority), 'priority', item.priority),
      item.sentiment ? chip(label(typeof item.sentiment === 'string' ? item.sentiment : item.sentiment.label), 'sentiment', typeof item.sentiment === 'string' ? item.sentiment : item.sentiment.label) : null,
      item.team ? chip(`team ${item.team}`) : null,
      item.assignee ? chip(`@ ${item.assignee}`) : null,
      ...(item.tags ?? []).slice(0, 4).map((tag) => chip(`#${tag}`, tag === 'incident' ? 'incident' : 'tag')),
      item.mentionCount > 1 ? h('span', { class: 'muted' }, `${item.mentionCount} mentions`) : null,
      h('span', { class: 'muted updated' }, ago(item.updatedAt))))
    on(button, 'click', () => {
      selectedKey = key
      location.hash = `#/ticket/${encodeURIComponent(item.tenantId)}/${encodeURIComponent(item.id)}`
    })
    on(button, 'focus', () => { select(key, false) })
    return h('li', { class: key === selectedKey ? 'selected' : undefined }, button)
  }

  function render () {
    if (selectedKey === null || !items.some((i) => keyOf(i) === selectedKey)) selectedKey = items[0] ? keyOf(items[0]) : null
    const focusedKey = document.activeElement?.dataset?.key
    replaceChildren(list, items.length === 0
      ? h('li', { class: 'empty' }, state.loaded ? 'No tickets match these filters.' : 'Loading…')
      : items.map(row))
    if (focusedKey) list.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus({ preventScroll: true })
    const breached = items.filter((i) => i.dueAt && Date.parse(i.dueAt) < Date.now() && !closedStatuses.includes(i.status)).length
    $('queue-summary').textContent = `${items.length}${nextCursor ? '+' : ''} ticket${items.length === 1 && !nextCursor ? '' : 's'}${breached > 0 ? ` · ${breached} past SLA` : ''}`
    $('load-more').hidden = nextCursor === null
  }

  function select (key, focus = true) {
    selectedKey = key
    for (const li of list.children) {
      const button = li.firstElementChild
      li.classList.toggle('selected', button?.dataset?.key === key)
      if (focus && button?.dataset?.key === key) {
        button.focus({ preventScroll: true })
        button.scrollIntoView({ block: 'nearest' })
      }
    }
  }

  function move (delta) {
    if (items.length === 0) return
    const index = Math.max(0, items.findIndex((i) => keyOf(i) === selectedKey))
    const next = Math.min(items.length - 1, Math.max(0, index + delta))
    select(keyOf(items[next]))
  }

  function openSelected () {
    const item = items.find((i) => keyOf(i) === selectedKey)
    if (item) location.hash = `#/ticket/${encodeURIComponent(item.tenantId)}/${encodeURIComponent(item.id)}`
  }

  function applyEvent (event) {
    const key = `${event.tenantId}/${event.ticketId}`
    const snapshot = event.ticket
    const index = items.findIndex((i) => keyOf(i) === key)
    if (index >= 0) {
      const item = items[index]
      items[index] = {
        ...item,
        status: snapshot.status ?? item.status,
        priority: snapshot.priority ?? item.priority,
        team: snapshot.team ?? null,
        assignee: snapshot.assignee ?? null,
        tags: snapshot.tags ?? item.tags,
        updatedAt: snapshot.updatedAt ?? item.updatedAt,
      }
      render()
    } else if (event.type === 'ticket.opened' || event.type === 'incident.detected' || event.type === 'ticket.reopened') {
      fresh.add(key)
      setTimeout(() => { fresh.delete(key) }, 60_000)
    }
    scheduleReload()
  }

  on(form, 'submit', (event) => { event.preventDefault(); reload().catch(ctx.reportError) })
  on(form, 'change', (event) => { if (event.target.id !== 'filter-q') reload().catch(ctx.reportError) })
  let searchTimer
  on($('filter-q'), 'input', () => {
    clearTimeout(searchTimer)
    searchTimer = setTimeout(() => { reload().catch(ctx.reportError) }, 300)
  })
  on($('filter-q'), 'keydown', (event) => {
    if (event.key === 'Escape' || (event.key === 'Enter')) {
      event.preventDefault()
      if (event.key === 'Enter') reload().catch(ctx.reportError)
      list.querySelector('li.selected button')?.focus()
    }
  })
  on($('load-more'), 'click', () => { loadMore().catch(ctx.reportError) })

  return {
    get loaded () { return state.loaded },
    reload,
    scheduleReload,
    move,
    openSelected,
    applyEvent,
    markOpen ({ tenantId, ticketId }) {
      openKey = `${tenantId}/${ticketId}`
      selectedKey = openKey
      for (const button of list.querySelectorAll('button.ticket-row')) {
        if (button.dataset.key === openKey) button.setAttribute('aria-current', 'true')
        else button.removeAttribute('aria-current')
        button.parentElement.classList.toggle('selected', button.dataset.key === openKey)
      }
    },
    setTenants (tenants) {
      const select = $('filter-tenant')
      replaceChildren(select,
        tenants.length > 1 ? h('option', { value: '' }, `All tenants (${tenants.length})`) : null,
        tenants.map((t) => h('option', { value: t.tenantId }, `${t.name ?? t.tenantId} · ${label(t.role)}`)))
      $('tenant-field').hidden = tenants.length <= 1
    },
    reset () {
      items = []
      nextCursor = null
      state.loaded = false
      openKey = null
      replaceChildren(list)
    },
  }
}
