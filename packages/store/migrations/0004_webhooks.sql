-- Outbound webhooks (the api service): subscriptions per tenant, one delivery per matching
-- tickets.v1 event and subscription, and a log of every attempt. Keys start with tenant_id, and
-- every query of the API takes the tenant.

-- `secret` is stored as given: it is a shared HMAC key, so Earshot must be able to read it to sign.
-- Keep the database encrypted at rest. An empty event_types list means every event type.
CREATE TABLE webhook_subscriptions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  url text NOT NULL,
  secret text NOT NULL,
  event_types text[] NOT NULL DEFAULT '{}',
  description text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (tenant_id) WHERE active;

-- One row per (subscription, event): a redelivered tickets.v1 event never creates a second one.
-- A claimed delivery stays 'pending' with next_attempt_at pushed past the request timeout (a lease),
-- so a worker that dies mid-request leaves it to be retried, never lost.
CREATE TABLE webhook_deliveries (
  tenant_id text NOT NULL,
  id text NOT NULL,
  subscription_id text NOT NULL,
  event_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempt_count integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, subscription_id, event_id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (tenant_id, subscription_id, created_at DESC, id DESC);

CREATE TABLE webhook_delivery_attempts (
  tenant_id text NOT NULL,
  delivery_id text NOT NULL,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  status_code integer,
  error text,
  -- The start of the receiver's response body, for debugging a refusal.
  response_excerpt text,
  PRIMARY KEY (tenant_id, delivery_id, attempt),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
