-- A workflow's spec, and the tasks added to it, are only ever read back whole, by a restart that
-- plans them again. json keeps the text as written; jsonb parsed it into its binary form on every
-- insert, for queries nothing makes (100,000 one-task workflow rows: 1.34 s as jsonb, 0.85 s as json).
ALTER TABLE workflows ALTER COLUMN spec TYPE json USING spec::json;
ALTER TABLE workflow_task_batches ALTER COLUMN tasks TYPE json USING tasks::json;
