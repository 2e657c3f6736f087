"""Teaching records: the enrollment-date index the dashboard's enrollment trend reads by
month, and the grade-change history (``grade_changes``) kept once a semester's results
are published (see models/constraints.py for the declared index and CHECK).

``grade_changes`` is written and read by dashboard/services/grades.py in SQL; it has no
Tortoise model, so aerich's model snapshot is unchanged. A change keeps the old and new
marks, who made it, when and why; rows are never updated or deleted.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE INDEX IF NOT EXISTS ix_enrollments_enrollment_date ON enrollments (enrollment_date);
CREATE TABLE IF NOT EXISTS grade_changes (
    id SERIAL PRIMARY KEY,
    grade_id INT NOT NULL REFERENCES grades (id) ON DELETE RESTRICT,
    old_marks DECIMAL(6,2),
    new_marks DECIMAL(6,2) NOT NULL,
    reason TEXT NOT NULL,
    changed_by_id INT REFERENCES users (id) ON DELETE SET NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE grade_changes IS 'Changes to grades of a published semester: old and new marks, who, when, why.';
CREATE INDEX IF NOT EXISTS ix_grade_changes_grade ON grade_changes (grade_id, changed_at);
ALTER TABLE grade_changes ADD CONSTRAINT ck_grade_changes_reason_given CHECK (char_length(btrim(reason)) > 0);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS grade_changes;
DROP INDEX IF EXISTS ix_enrollments_enrollment_date;
"""
