"""Student codes and admission numbers found ignoring case by an index (declared in
models/constraints.py: ``ix_students_student_code_ci`` and
``ix_students_admission_number_ci``).

The services and the imports match a code as `iexact` does, `UPPER(col) = UPPER(value)`.
The only index on that expression was the trigram one, which answers equality slowly
(4.9 s for a batch of 2,000 codes on the 50,000-student university), so an import
hashed the whole students table for every batch of its file (27 ms a batch at 50,000
students and growing with them; 340 ms when PostgreSQL chose to sort students joined
with their users instead). With a btree on the folded code each key of a batch is one
probe (2 ms for 2,000 codes).

Not unique: the service refuses a code that differs only in case, but rows written
before that rule may exist, and this migration must not fail on them. ANALYZE gives the
planner the folded values' statistics now rather than at the next autovacuum.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE INDEX IF NOT EXISTS ix_students_student_code_ci ON students (UPPER(student_code)) WHERE true;
CREATE INDEX IF NOT EXISTS ix_students_admission_number_ci ON students (UPPER(admission_number)) WHERE true;
ANALYZE students;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP INDEX IF EXISTS ix_students_admission_number_ci;
DROP INDEX IF EXISTS ix_students_student_code_ci;
"""
