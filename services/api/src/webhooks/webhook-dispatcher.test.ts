import { sampleTicketEvent } from '@earshot/contracts'
import { deliveriesFor } from './webhook-dispatcher.js'

const createdAt = new Date('2026-03-02T08:00:00.000Z')
let counter = 0
const newId = (): string => `whd_${++counter}`

describe('deliveriesFor', () => {
  const subscriptions = [
    { tenantId: 'acme', id: 'whs_all', eventTypes: [] },
    { tenantId: 'acme', id: 'whs_escalations', eventTypes: ['ticket.escalated'] },
    { tenantId: 'globex', id: 'whs_globex', eventTypes: [] },
  ]

  test('creates one delivery per subscription of the event\'s own tenant that wants its type', () => {
    const opened = sampleTicketEvent({ tenantId: 'acme', eventId: 'evt_1', type: 'ticket.opened' })
    const escalated = sampleTicketEvent({ tenantId: 'acme', eventId: 'evt_2', type: 'ticket.escalated' })
    const rows = deliveriesFor([opened, escalated], subscriptions, createdAt, newId)
    expect(rows.map((r) => [r.tenantId, r.subscriptionId, r.eventId, r.eventType])).toEqual([
      ['acme', 'whs_all', 'evt_1', 'ticket.opened'],
      ['acme', 'whs_all', 'evt_2', 'ticket.escalated'],
      ['acme', 'whs_escalations', 'evt_2', 'ticket.escalated'],
    ])
    expect(rows[0]?.payload).toBe(opened)
    expect(new Set(rows.map((r) => r.id)).size).toBe(3)
  })

  test('never matches another tenant\'s subscriptions', () => {
    const event = sampleTicketEvent({ tenantId: 'initech', eventId: 'evt_3' })
    expect(deliveriesFor([event], subscriptions, createdAt, newId)).toEqual([])
    const globex = sampleTicketEvent({ tenantId: 'globex', eventId: 'evt_4' })
    expect(deliveriesFor([globex], subscriptions, createdAt, newId).map((r) => r.subscriptionId)).toEqual(['whs_globex'])
  })
})
