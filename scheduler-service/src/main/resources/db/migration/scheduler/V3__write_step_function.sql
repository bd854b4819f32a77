-- What one persist of engine steps changed, written by one call: one round trip to the database,
-- where separate statements and a commit took five. The rows arrive as one JSON document from
-- WorkflowStore.write; its keys are the tables' column names.
CREATE FUNCTION write_step(step jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    written_at timestamptz := (step ->> 'at')::timestamptz;
    report attempts;
BEGIN
    INSERT INTO workflows (id, name, status, spec, labels, sealed, submitted_at, task_count)
    SELECT w.id, w.name, w.status, w.spec_json::jsonb, w.labels_json::jsonb, w.sealed, w.submitted_at, w.task_count
    FROM jsonb_to_recordset(step -> 'workflows')
         AS w(id uuid, name text, status text, spec_json text, labels_json text, sealed boolean,
              submitted_at timestamptz, task_count integer);

    -- A task already stored fails the whole call (primary key), as it would fail a COPY.
    INSERT INTO tasks (workflow_id, task_id, app_name, state, attempt, site, result, error, updated_at)
    SELECT (batch ->> 'workflow_id')::uuid, t.task_id, t.app_name, t.state, t.attempt, t.site,
           t.result_json::jsonb, t.error, written_at
    FROM jsonb_array_elements(step -> 'new_tasks') AS batch,
         jsonb_to_recordset(batch -> 'tasks')
         AS t(task_id text, app_name text, state text, attempt integer, site text, result_json text, error text);

    INSERT INTO tasks (workflow_id, task_id, app_name, state, attempt, site, result, error, updated_at)
    SELECT (batch ->> 'workflow_id')::uuid, t.task_id, t.app_name, t.state, t.attempt, t.site,
           t.result_json::jsonb, t.error, written_at
    FROM jsonb_array_elements(step -> 'changed_tasks') AS batch,
         jsonb_to_recordset(batch -> 'tasks')
         AS t(task_id text, app_name text, state text, attempt integer, site text, result_json text, error text)
    ON CONFLICT (workflow_id, task_id) DO UPDATE SET
        state = excluded.state, attempt = excluded.attempt, site = excluded.site,
        result = excluded.result, error = excluded.error, updated_at = excluded.updated_at;

    INSERT INTO attempts (workflow_id, task_id, attempt, site, status, queued_at)
    SELECT a.workflow_id, a.task_id, a.attempt, a.site, a.status, a.queued_at
    FROM jsonb_populate_recordset(NULL::attempts, step -> 'new_attempts') AS a
    ON CONFLICT (workflow_id, task_id, attempt) DO NOTHING;

    -- One by one, in the document's order: an attempt may have two updates in one step (a report,
    -- then its cancellation), and an attempt the scheduler gave up on (LOST, CANCELLED) keeps that
    -- status, since a late report from a block thought dead must not rewrite it.
    FOR report IN SELECT * FROM jsonb_populate_recordset(NULL::attempts, step -> 'attempt_updates') LOOP
        UPDATE attempts SET status = report.status, block_id = COALESCE(report.block_id, block_id),
               worker_id = COALESCE(report.worker_id, worker_id), pid = COALESCE(report.pid, pid),
               exit_code = report.exit_code, error = report.error, stdout_tail = report.stdout_tail,
               stderr_tail = report.stderr_tail, started_at = COALESCE(report.started_at, started_at),
               finished_at = report.finished_at
        WHERE workflow_id = report.workflow_id AND task_id = report.task_id AND attempt = report.attempt
          AND status NOT IN ('LOST', 'CANCELLED');
    END LOOP;

    UPDATE workflows SET status = f.status, finished_at = (step ->> 'finished_at')::timestamptz
    FROM jsonb_to_recordset(step -> 'finished') AS f(id uuid, status text)
    WHERE workflows.id = f.id;
END
$$;
