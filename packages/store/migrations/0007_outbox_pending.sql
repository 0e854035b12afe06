-- Unpublished outbox rows are queued by id in outbox_pending, and the relay deletes the ids it
-- publishes. Before, the relay marked rows published with UPDATE outbox SET sent_at: the partial index
-- on unsent rows names sent_at, so no such update was HOT, and each published event rewrote its ~1 KB
-- row and all five of its index entries (in isolation: 885–943 ms per 10,000 events, against 540–591
-- with this queue; in the e2e benchmark PostgreSQL's CPU per mention fell by about 40 µs).
--
-- Expand step, safe during a rolling update (docs/operations.md, "Upgrades and migrations"):
-- - a trigger queues every inserted row, whoever inserts it, so the previous release's routers and api
--   need no change;
-- - sent_at is now filled when the row is written, so the previous release's relay finds nothing
--   "unsent" and stays idle instead of publishing rows twice, and outbox_unsent stays empty.
-- A later release drops sent_at and outbox_unsent (the contract step).
CREATE TABLE outbox_pending (
  id bigint PRIMARY KEY
);

CREATE FUNCTION earshot_outbox_queue () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outbox_pending (id) SELECT id FROM added;
  RETURN NULL;
END
$$;

-- Created before the backfill: it locks the outbox against inserts until this migration commits, so
-- no row written meanwhile is missed.
CREATE TRIGGER outbox_queue AFTER INSERT ON outbox REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION earshot_outbox_queue();

INSERT INTO outbox_pending (id) SELECT id FROM outbox WHERE sent_at IS NULL;
UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL;
ALTER TABLE outbox ALTER COLUMN sent_at SET DEFAULT now();
