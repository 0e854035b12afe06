import type { ClassifiedMention, Mention } from '@earshot/contracts'
import { createMentionClassifier } from '@earshot/nlp'
import { conversationState, createPolicyBook, ticketChange } from '@earshot/router'
import type { TicketRow } from '@earshot/store'
import { evaluate } from '@earshot/triage'
import { demoPolicies } from '../src/demo/policies'
import { retimeMention } from '../src/replay'

export interface ExpectedTickets {
  /** `${tenantId} ${priority} ${acknowledgement}` → tickets */
  counts: Record<string, number>
  /** Open tickets per tenant at the end: must stay under the policies' overspill thresholds for the expectation to hold. */
  openByTenant: Record<string, number>
}

/**
 * The tickets the demo policies should produce for these mentions, computed apart from the
 * all-in-one: the classifier, the triage evaluator and the router's pure ticket-change, threaded
 * by conversation in publish order (the order the bus keeps per conversation).
 */
export function expectedTickets (mentions: readonly Mention[], at: Date): ExpectedTickets {
  const classifier = createMentionClassifier()
  const policies = createPolicyBook(demoPolicies())
  const byConversation = new Map<string, TicketRow>()
  const tickets = new Map<string, TicketRow>()
  const open = new Map<string, number>()
  for (const recorded of mentions) {
    const retimed = retimeMention(recorded, at)
    const mention: ClassifiedMention = { ...retimed, classification: classifier.classify(retimed) }
    const conversation = `${mention.tenantId}\u0000${mention.conversationId}`
    const current = byConversation.get(conversation)
    const decision = evaluate(policies.policyFor(mention.tenantId), {
      mention,
      ...(current === undefined ? {} : { conversation: { state: conversationState(current), priority: current.priority, tags: current.tags, ...(current.team === null ? {} : { team: current.team }) } }),
      queueSize: open.get(mention.tenantId) ?? 0,
    }, at)
    const { ticket, isNew } = ticketChange(current, mention, decision, at)
    if (isNew && ticket.status !== 'closed' && ticket.status !== 'resolved') open.set(mention.tenantId, (open.get(mention.tenantId) ?? 0) + 1)
    byConversation.set(conversation, ticket)
    tickets.set(`${ticket.tenantId}\u0000${ticket.id}`, ticket)
  }
  const counts: Record<string, number> = {}
  for (const ticket of tickets.values()) {
    const acknowledgement = (ticket.details.acknowledgement as { mode?: string } | undefined)?.mode ?? 'none'
    const key = `${ticket.tenantId} ${ticket.priority} ${acknowledgement}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return { counts, openByTenant: Object.fromEntries(open) }
}
