export { createPool, type Pool, type PoolClient, type PoolConfig, type Queryable } from './pool.js'
export { withTransaction, type IsolationLevel, type TransactionOptions } from './transaction.js'
export { migrate, defaultMigrationsDir, type AppliedMigration, type MigrateOptions } from './migrate.js'
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.js'
export { type Logger, silentLogger } from './logger.js'
export {
  errorCodes, type ErrorCode, StoreError, MigrationChecksumError, MigrationFailedError, MigrationFileError, EmbeddedStartError,
  type SqlErrorLocation,
} from './errors.js'
export {
  createTicketRepository, type EventBuilder, type MentionAssignment, type MentionRow, type NewSchedule, type TicketQueueFields, type OutboxRow, type ScheduleRow, type TicketPriority, type TriagedBatch, type IncidentMention,
  type TicketRepository, type TicketRow, type TicketStatus,
} from './ticket-repository.js'
export { sequencedEvents, ticketEventBuilders, ticketSnapshot } from './ticket-events.js'
