"""Bulk imports (issue 15): the two tables the ORM models do not hold (declared in
models/constraints.py: ``IMPORT_TABLES``).

- ``imports``: one uploaded file being validated (the dry run) and then committed, with
  its kind, mode, who ran it, its progress and totals.
- ``import_rows``: one row of the file: its outcome at preview (created / updated /
  unchanged / error) with every error, the values the commit will write, and then the
  commit's own result and the record and audit row it wrote.

Plain SQL tables, like those of migrations 3 and 4, so that aerich's model snapshot is
unchanged; the imports service reads and writes them with SQL.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE IF NOT EXISTS imports (
    id SERIAL PRIMARY KEY,
    kind VARCHAR(30) NOT NULL,
    mode VARCHAR(10) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'validating',
    file_key VARCHAR(255) NOT NULL,
    file_name VARCHAR(255) NULL,
    file_format VARCHAR(10) NOT NULL,
    columns JSONB NOT NULL,
    error_threshold NUMERIC(5,4) NULL,
    created_by_id INT NULL REFERENCES users (id) ON DELETE SET NULL,
    total_rows INT NOT NULL DEFAULT 0,
    rows_validated INT NOT NULL DEFAULT 0,
    rows_committed INT NOT NULL DEFAULT 0,
    created_count INT NOT NULL DEFAULT 0,
    updated_count INT NOT NULL DEFAULT 0,
    unchanged_count INT NOT NULL DEFAULT 0,
    error_count INT NOT NULL DEFAULT 0,
    committed_count INT NOT NULL DEFAULT 0,
    refused_count INT NOT NULL DEFAULT 0,
    message TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    validated_at TIMESTAMPTZ NULL,
    commit_requested_at TIMESTAMPTZ NULL,
    committed_by_id INT NULL REFERENCES users (id) ON DELETE SET NULL,
    committed_at TIMESTAMPTZ NULL
);
ALTER TABLE imports ADD CONSTRAINT ck_imports_mode CHECK (mode IN ('create', 'upsert'));
ALTER TABLE imports ADD CONSTRAINT ck_imports_status CHECK (status IN ('validating', 'validated', 'failed', 'committing', 'committed'));
ALTER TABLE imports ADD CONSTRAINT ck_imports_threshold CHECK (error_threshold IS NULL OR (error_threshold >= 0 AND error_threshold <= 1));
CREATE INDEX IF NOT EXISTS ix_imports_created ON imports (created_at DESC, id DESC) WHERE true;
CREATE TABLE IF NOT EXISTS import_rows (
    import_id INT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_number INT NOT NULL,
    natural_key VARCHAR(255) NULL,
    outcome VARCHAR(10) NOT NULL,
    errors JSONB NULL,
    payload JSONB NULL,
    target_id INT NULL,
    commit_outcome VARCHAR(10) NULL,
    commit_errors JSONB NULL,
    entity_type VARCHAR(100) NULL,
    entity_id INT NULL,
    audit_log_id INT NULL REFERENCES audit_logs (id) ON DELETE SET NULL,
    PRIMARY KEY (import_id, row_number)
);
ALTER TABLE import_rows ADD CONSTRAINT ck_import_rows_outcome CHECK (outcome IN ('created', 'updated', 'unchanged', 'error'));
ALTER TABLE import_rows ADD CONSTRAINT ck_import_rows_commit_outcome CHECK (commit_outcome IS NULL OR commit_outcome IN ('created', 'updated', 'unchanged', 'refused'));
CREATE INDEX IF NOT EXISTS ix_import_rows_errors ON import_rows (import_id, row_number) WHERE outcome = 'error';
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS import_rows;
DROP TABLE IF EXISTS imports;
"""
