-- Contract step of 0007 (docs/operations.md, "Upgrades and migrations"): since 0007 the relay reads the
-- outbox_pending queue, nothing reads or sets outbox.sent_at (its default filled it), and the partial
-- index on unsent rows stayed empty. The release before this one already ran without them, so dropping
-- them is safe during its rolling update. Both take a brief exclusive lock on the outbox; lock_timeout
-- makes the migration fail (and be retried by the next deploy) rather than queue writers behind it.
SET LOCAL lock_timeout = '10s';
DROP INDEX IF EXISTS outbox_unsent;
ALTER TABLE outbox DROP COLUMN IF EXISTS sent_at;
