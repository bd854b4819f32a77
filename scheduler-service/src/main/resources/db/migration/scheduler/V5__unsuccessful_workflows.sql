-- Workflows that ended FAILED or CANCELLED, for listings by those statuses. Status is not indexed on
-- workflows (V4, so that an end is a HOT update), and such workflows are usually few: a listing of
-- them walked every workflow (37-118 ms at ~330,000, growing with the table). A row here is written
-- only when a workflow does not succeed, in its end's transaction.
CREATE TABLE unsuccessful_workflows (
    id           uuid        PRIMARY KEY,
    name         text        NOT NULL,
    status       text        NOT NULL,
    submitted_at timestamptz NOT NULL
);
CREATE INDEX unsuccessful_workflows_status_idx ON unsuccessful_workflows (status, submitted_at DESC, id);
INSERT INTO unsuccessful_workflows (id, name, status, submitted_at)
SELECT id, name, status, submitted_at FROM workflows WHERE status IN ('FAILED', 'CANCELLED');
