-- The router's tables (DESIGN.md §4–5). Every row carries tenant_id and every key starts with it:
-- queries are always scoped by tenant.

-- Every stored mention, unique per tenant and mention id, so a redelivered mention is a no-op.
CREATE TABLE mentions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  ticket_id text,
  conversation_id text NOT NULL,
  platform text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  event jsonb NOT NULL,
  -- The triage decision with its explanation: which rules matched and the values they saw.
  decision jsonb,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX mentions_ticket ON mentions (tenant_id, ticket_id, created_at);

CREATE TABLE tickets (
  tenant_id text NOT NULL,
  id text NOT NULL,
  conversation_id text NOT NULL,
  platform text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'escalated', 'snoozed', 'resolved', 'closed')),
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  team text,
  assignee text,
  tags text[] NOT NULL DEFAULT '{}',
  sla jsonb NOT NULL DEFAULT '{}',
  -- Coverage, the drafted or scheduled acknowledgement, the close reason.
  details jsonb NOT NULL DEFAULT '{}',
  -- The sequence of the ticket's last event; events take the next ones under the row lock.
  last_sequence integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
-- One open ticket per conversation: the database refuses a second even if two routers race.
CREATE UNIQUE INDEX tickets_open_conversation ON tickets (tenant_id, conversation_id)
  WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_conversation ON tickets (tenant_id, conversation_id, updated_at DESC);

-- tickets.v1 events written in the same transaction as the change; the relay publishes and marks them.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  ticket_id text NOT NULL,
  sequence integer NOT NULL,
  event_id text NOT NULL UNIQUE,
  message_key text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (tenant_id, ticket_id, sequence)
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Follow-ups, re-escalations and SLA checks, claimed when due with FOR UPDATE SKIP LOCKED.
CREATE TABLE schedules (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  ticket_id text NOT NULL,
  kind text NOT NULL,
  due_at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
  fired_at timestamptz,
  -- Scheduling the same thing twice (a redelivered batch) is a no-op.
  dedupe_key text NOT NULL,
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX schedules_due ON schedules (due_at) WHERE state = 'pending';
