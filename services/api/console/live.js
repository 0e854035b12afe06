// The live feed: one EventSource on /v1/events for the tenants in view, deduplicated by eventId
// (tickets.v1 is at-least-once). The browser reconnects by itself after a drop.
/* global EventSource */

import { api } from './api.js'

const eventTypes = [
  'ticket.opened', 'ticket.message_added', 'ticket.acknowledged', 'ticket.escalated', 'ticket.follow_up_scheduled',
  'ticket.follow_up_due', 'ticket.sla_breached', 'ticket.assigned', 'ticket.replied', 'ticket.resolved',
  'ticket.reopened', 'incident.detected',
]

export function createLiveFeed ({ onEvent, onStatus }) {
  let source = null
  let key = ''
  const seen = new Set()
  const order = []

  function handle (message) {
    let event
    try { event = JSON.parse(message.data) } catch { return }
    if (!event || typeof event !== 'object' || !event.ticket) return
    if (event.eventId) {
      if (seen.has(event.eventId)) return
      seen.add(event.eventId)
      order.push(event.eventId)
      if (order.length > 2000) seen.delete(order.shift())
    }
    onEvent(event)
  }

  return {
    connect (tenantIds) {
      const next = [...tenantIds].sort().join(',')
      if (source !== null && next === key) return
      this.close()
      key = next
      source = new EventSource(api.eventsUrl(tenantIds))
      source.addEventListener('open', () => onStatus('live'))
      source.addEventListener('error', () => onStatus(source && source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'))
      source.addEventListener('message', handle)
      for (const type of eventTypes) source.addEventListener(type, handle)
      source.addEventListener('ticket', handle)
    },
    close () {
      if (source !== null) source.close()
      source = null
      key = ''
    },
  }
}
