-- Scoped lookups ask "is this key linked to one of these checkpoints?", and deleting an entry
-- cascades to its links: both search checkpoint_entries by cache_key, which its primary key
-- (checkpoint_id first) cannot serve. Covering both columns answers the first from the index alone.
CREATE INDEX checkpoint_entries_cache_key_idx ON checkpoint_entries (cache_key, checkpoint_id);

-- LATEST finds the newest run's checkpoints: the newest checkpoint of a workflow name (the id
-- breaks ties, so every lookup and listing agrees on which run is newest), then all checkpoints
-- of that run.
DROP INDEX checkpoints_workflow_name_idx;
CREATE INDEX checkpoints_workflow_name_idx ON checkpoints (workflow_name, created_at DESC, id DESC);
CREATE INDEX checkpoints_workflow_id_idx ON checkpoints (workflow_id);
