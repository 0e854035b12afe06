export { conversationState, type ConversationState, type TicketChange, ticketChange, ticketIdFor } from './domain/ticket-change.js'
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js'
export { createPolicyBook, defaultPolicyYaml, loadPolicyDirectory, type PolicyBook } from './policy-book.js'
export { createTicketWriter, type TicketWriter, type TicketWriterOptions, type WriteResult } from './ticket-writer.js'
