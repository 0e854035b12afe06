-- The API's tables: people, their grants per tenant, API keys, sessions, the audit trail, label
-- corrections, versioned policies and reply templates. Tenant-owned rows carry tenant_id first in
-- their keys, so every query is scoped by tenant.

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  -- scrypt$N$r$p$salt$hash (base64url); never the password.
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE memberships (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('agency_admin', 'moderator', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_tenant ON memberships (tenant_id);

CREATE TABLE api_keys (
  tenant_id text NOT NULL,
  id text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('integration', 'viewer', 'moderator')),
  -- sha256 of the secret (base64url): the secret is 256 random bits, so a slow hash adds nothing.
  secret_hash text NOT NULL,
  -- What humans see to tell keys apart: esk_<id>_ plus the secret's first characters.
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_id ON api_keys (id);

CREATE TABLE sessions (
  -- sha256 of the cookie's token; a stolen database does not yield live sessions.
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  ticket_id text,
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
  actor_id text NOT NULL,
  action text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_log_ticket ON audit_log (tenant_id, ticket_id, id DESC);

CREATE TABLE corrections (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  mention_id text NOT NULL,
  -- { sentiment?, intents?: [...], urgency?, flags?: [...] } as in LABELS.md.
  labels jsonb NOT NULL,
  corrected_by text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corrections_tenant ON corrections (tenant_id, id);

CREATE TABLE policy_versions (
  tenant_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  yaml text NOT NULL,
  published_by text NOT NULL,
  note text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE templates (
  tenant_id text NOT NULL,
  name text NOT NULL,
  body text NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- The ticket queue: GET /v1/tickets filters by tenant (and often status) and sorts by priority,
-- then the urgency score of the ticket's most urgent mention, then the nearest SLA deadline. The
-- rank is generated from priority; the urgency and mention count are written by the router with
-- the ticket (and by a trigger when a stored mention moves to a ticket), so the sort is an index scan.
-- ISO 8601 text with an offset (what the router writes) reads the same in every time zone, so the
-- cast is immutable for these values and may feed a generated column.
CREATE FUNCTION earshot_timestamptz (value text) RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT value::timestamptz $$;

ALTER TABLE tickets
  ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
    CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END) STORED,
  ADD COLUMN urgency_score real NOT NULL DEFAULT 0,
  ADD COLUMN urgency_level text,
  ADD COLUMN mention_count integer NOT NULL DEFAULT 0,
  ADD COLUMN first_response_due_at timestamptz GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(sla -> 'firstResponseDueAt') = 'string' THEN earshot_timestamptz(sla ->> 'firstResponseDueAt') END) STORED;

-- The router keeps mention_count and the urgency columns as mentions join tickets (one write per
-- ticket per batch: a per-row trigger on mentions cost it 40% of its throughput).
CREATE FUNCTION earshot_urgency_score (event jsonb) RETURNS real LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(event -> 'classification' -> 'urgency' -> 'score') = 'number'
    THEN (event -> 'classification' -> 'urgency' ->> 'score')::real ELSE 0 END $$;

-- A mention moved to a ticket after it was stored (rare: repairs, tests) joins it row by row.
CREATE FUNCTION earshot_mention_moves_ticket () RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  score real := earshot_urgency_score(NEW.event);
BEGIN
  IF NEW.ticket_id IS NOT NULL AND OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
    UPDATE tickets SET
      mention_count = mention_count + 1,
      urgency_level = CASE WHEN urgency_level IS NULL OR score > urgency_score
        THEN NEW.event -> 'classification' -> 'urgency' ->> 'level' ELSE urgency_level END,
      urgency_score = GREATEST(urgency_score, score)
    WHERE tenant_id = NEW.tenant_id AND id = NEW.ticket_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER mentions_move_ticket AFTER UPDATE OF ticket_id ON mentions
  FOR EACH ROW EXECUTE FUNCTION earshot_mention_moves_ticket();

-- Ascending expressions throughout, so a page after a cursor is one row comparison.
CREATE INDEX tickets_queue ON tickets (tenant_id, priority_rank, (-urgency_score), (COALESCE(first_response_due_at, 'infinity'::timestamptz)), id);
CREATE INDEX tickets_status_queue ON tickets (tenant_id, status, priority_rank, (-urgency_score), (COALESCE(first_response_due_at, 'infinity'::timestamptz)), id);
CREATE INDEX outbox_tenant ON outbox (tenant_id, id);
