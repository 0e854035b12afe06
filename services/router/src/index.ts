export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js'
