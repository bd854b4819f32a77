-- The scheduler's whole state: a restart rebuilds every active workflow from these rows.

CREATE TABLE workflows (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    status        text        NOT NULL,
    spec          jsonb       NOT NULL,
    labels        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    sealed        boolean     NOT NULL,
    submitted_at  timestamptz NOT NULL,
    finished_at   timestamptz,
    task_count    integer     NOT NULL DEFAULT 0
);
CREATE INDEX workflows_status_idx ON workflows (status);
CREATE INDEX workflows_name_submitted_idx ON workflows (name, submitted_at DESC);

-- Tasks added to a running workflow, in order, so a restart can re-plan exactly what was accepted.
CREATE TABLE workflow_task_batches (
    workflow_id uuid    NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    tasks       jsonb   NOT NULL,
    PRIMARY KEY (workflow_id, seq)
);

CREATE TABLE tasks (
    workflow_id  uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    task_id      text        NOT NULL,
    app_name     text        NOT NULL,
    state        text        NOT NULL,
    attempt      integer     NOT NULL DEFAULT 0,
    site         text,
    result       jsonb,
    error        text,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workflow_id, task_id)
);

CREATE TABLE attempts (
    workflow_id  uuid        NOT NULL,
    task_id      text        NOT NULL,
    attempt      integer     NOT NULL,
    site         text        NOT NULL,
    status       text        NOT NULL,
    block_id     text,
    worker_id    text,
    pid          bigint,
    exit_code    integer,
    error        text,
    stdout_tail  text,
    stderr_tail  text,
    queued_at    timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    PRIMARY KEY (workflow_id, task_id, attempt),
    FOREIGN KEY (workflow_id, task_id) REFERENCES tasks (workflow_id, task_id) ON DELETE CASCADE
);
