-- Memoized results. The key is computed by the scheduler (app, body digest, canonical args,
-- input file digests, cache version); this service stores and serves what it is given.
CREATE TABLE memo_entries (
    cache_key      text        PRIMARY KEY,
    app_name       text        NOT NULL,
    workflow_name  text        NOT NULL,
    workflow_id    uuid        NOT NULL,
    task_id        text        NOT NULL,
    result         jsonb,
    outputs        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at     timestamptz NOT NULL,
    version        bigint      NOT NULL DEFAULT 0
);
CREATE INDEX memo_entries_app_idx ON memo_entries (app_name);
CREATE INDEX memo_entries_workflow_idx ON memo_entries (workflow_name, created_at);

-- A checkpoint names the entries a workflow run had stored up to a moment (incremental: each
-- holds only what is new since the previous one of the same workflow name).
CREATE TABLE checkpoints (
    id             uuid        PRIMARY KEY,
    workflow_name  text        NOT NULL,
    workflow_id    uuid        NOT NULL,
    mode           text        NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX checkpoints_workflow_name_idx ON checkpoints (workflow_name, created_at DESC);

CREATE TABLE checkpoint_entries (
    checkpoint_id  uuid NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    cache_key      text NOT NULL REFERENCES memo_entries (cache_key) ON DELETE CASCADE,
    PRIMARY KEY (checkpoint_id, cache_key)
);
