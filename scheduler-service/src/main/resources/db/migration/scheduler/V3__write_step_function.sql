-- What one persist of engine steps changed, written by one call: one round trip to the database,
-- where separate statements and a commit took five. The rows arrive as one JSON document from
-- WorkflowStore.write; its keys are the tables' column names.
CREATE FUNCTION write_step(step jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    written_at timestamptz := (step ->> 'at')::timestamptz;
    attempt_round jsonb;
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

    -- In rounds, each touching an attempt at most once, an attempt's later updates in later rounds:
    -- a step may update an attempt twice (a report, then its cancellation), and one set-based UPDATE
    -- per round applies them in their order. An attempt the scheduler gave up on (LOST, CANCELLED)
    -- keeps that status, since a late report from a block thought dead must not rewrite it.
    FOR attempt_round IN SELECT jsonb_array_elements(step -> 'attempt_update_rounds') LOOP
        UPDATE attempts a SET status = r.status, block_id = COALESCE(r.block_id, a.block_id),
               worker_id = COALESCE(r.worker_id, a.worker_id), pid = COALESCE(r.pid, a.pid),
               exit_code = r.exit_code, error = r.error, stdout_tail = r.stdout_tail,
               stderr_tail = r.stderr_tail, started_at = COALESCE(r.started_at, a.started_at),
               finished_at = r.finished_at
        FROM jsonb_populate_recordset(NULL::attempts, attempt_round) AS r
        WHERE a.workflow_id = r.workflow_id AND a.task_id = r.task_id AND a.attempt = r.attempt
          AND a.status NOT IN ('LOST', 'CANCELLED');
    END LOOP;

    UPDATE workflows SET status = f.status, finished_at = (step ->> 'finished_at')::timestamptz
    FROM jsonb_to_recordset(step -> 'finished') AS f(id uuid, status text)
    WHERE workflows.id = f.id;
END
$$;
