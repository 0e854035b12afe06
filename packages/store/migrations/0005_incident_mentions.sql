-- Mentions grouped under an incident, waiting to be added to it. During a spike every batch of the
-- tenant groups mentions under the same incident: updating the incident's row in each batch made
-- concurrent batches queue behind its row lock and sent one full incident event per batch. A batch
-- now only appends rows here; the router's incident folder adds them to the incident (count, listed
-- ids, one ticket.message_added) about once a second, and deletes them in the same transaction.
CREATE TABLE incident_mentions (
  seq bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  incident_id text NOT NULL,
  mention_id text NOT NULL,
  verdict jsonb NOT NULL,
  grouped_at timestamptz NOT NULL
);
