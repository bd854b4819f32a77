-- A LATEST lookup asks "is this key in a checkpoint of that run?". Through checkpoints it had to
-- visit every checkpoint ever holding the key (one per earlier run) and each checkpoint's row, so
-- it grew with the workflow's history: ~240 ms for 10,000 keys after eight runs. With the run on
-- the link itself, it is one probe of (workflow_id, cache_key) per key (~40 ms).
ALTER TABLE checkpoint_entries ADD COLUMN workflow_id uuid;
UPDATE checkpoint_entries ce SET workflow_id = c.workflow_id FROM checkpoints c WHERE c.id = ce.checkpoint_id;
ALTER TABLE checkpoint_entries ALTER COLUMN workflow_id SET NOT NULL;
CREATE INDEX checkpoint_entries_run_idx ON checkpoint_entries (workflow_id, cache_key);
