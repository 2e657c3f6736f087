"""Reports (domain.md §3.17): the report jobs the workers run, and the attendance counts
the attendance report and the dashboard read (declared in models/constraints.py:
``REPORT_TABLES`` and ``CONSTRAINTS``).

- ``report_jobs``: one row per report file asked for: who asked, the report, its filters
  and format, the status and progress, the lease a running worker renews (a worker that
  dies lets it run out, and the sweeper retries or fails the job), and the stored file
  with its expiry.
- ``attendance_daily_counts``: the marks of each (course offering, day, department of
  the student) per status. Statement triggers on ``attendance`` add and subtract the
  marks each INSERT, UPDATE or DELETE changes, in that statement's transaction, and a
  row trigger on ``students`` moves a student's marks when their department changes, so
  the counts always equal a count of ``attendance``; the reports add up these rows
  instead of 8 million marks. The upserts take the rows' locks in key order, so two
  writers of the same class and day queue rather than deadlock.

Both are plain SQL tables rather than Tortoise models so that aerich's model snapshot is
unchanged; dashboard/services/reports.py and analytics.py read and write them with SQL.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The counts of a set of marks per key, as the upsert's VALUES; `{rows}` is a transition
# table and `{sign}` 1 or -1.
_COUNTS = """
SELECT m.course_offering_id, m.date, s.department_id,
       {sign} * count(*) FILTER (WHERE m.status = 'present') AS present,
       {sign} * count(*) FILTER (WHERE m.status = 'absent') AS absent,
       {sign} * count(*) FILTER (WHERE m.status = 'late') AS late,
       {sign} * count(*) FILTER (WHERE m.status = 'excused') AS excused
FROM {rows} m JOIN students s ON s.id = m.student_id
GROUP BY 1, 2, 3
"""

_UPSERT = """
INSERT INTO attendance_daily_counts AS c (course_offering_id, date, department_id, present, absent, late, excused)
SELECT course_offering_id, date, department_id, sum(present), sum(absent), sum(late), sum(excused)
FROM ({deltas}) d
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
ON CONFLICT (course_offering_id, date, department_id) DO UPDATE
SET present = c.present + EXCLUDED.present, absent = c.absent + EXCLUDED.absent,
    late = c.late + EXCLUDED.late, excused = c.excused + EXCLUDED.excused
"""


def _function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{body};
RETURN NULL;
END
$fn$;"""


_ON_INSERT = _UPSERT.format(deltas=_COUNTS.format(sign=1, rows="new_marks"))
_ON_DELETE = _UPSERT.format(deltas=_COUNTS.format(sign=-1, rows="old_marks"))
_ON_UPDATE = _UPSERT.format(deltas=_COUNTS.format(sign=-1, rows="old_marks") + " UNION ALL "
                            + _COUNTS.format(sign=1, rows="new_marks"))
# One student's marks, from their old department to their new one.
_ON_DEPARTMENT_CHANGE = _UPSERT.format(deltas="""
SELECT a.course_offering_id, a.date, x.department_id,
       x.sign * count(*) FILTER (WHERE a.status = 'present') AS present,
       x.sign * count(*) FILTER (WHERE a.status = 'absent') AS absent,
       x.sign * count(*) FILTER (WHERE a.status = 'late') AS late,
       x.sign * count(*) FILTER (WHERE a.status = 'excused') AS excused
FROM attendance a
CROSS JOIN (VALUES (OLD.department_id, -1), (NEW.department_id, 1)) AS x(department_id, sign)
WHERE a.student_id = NEW.id
GROUP BY a.course_offering_id, a.date, x.department_id, x.sign
""")

_BACKFILL = _UPSERT.format(deltas=_COUNTS.format(sign=1, rows="attendance"))


async def upgrade(db: BaseDBAsyncClient) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS report_jobs (
    id UUID PRIMARY KEY,
    report VARCHAR(40) NOT NULL,
    format VARCHAR(10) NOT NULL,
    filters JSONB NOT NULL DEFAULT '{{}}'::jsonb,
    status VARCHAR(20) NOT NULL DEFAULT 'queued',
    progress SMALLINT NOT NULL DEFAULT 0,
    error TEXT NULL,
    requested_by_id INT NULL REFERENCES users (id) ON DELETE SET NULL,
    attempts SMALLINT NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ NULL,
    file_key VARCHAR(255) NULL,
    file_name VARCHAR(255) NULL,
    file_size BIGINT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ NULL,
    finished_at TIMESTAMPTZ NULL,
    expires_at TIMESTAMPTZ NULL
);
COMMENT ON TABLE report_jobs IS 'Report files asked for: status, progress, the running worker''s lease, the file and its expiry.';
ALTER TABLE report_jobs ADD CONSTRAINT ck_report_jobs_status CHECK (status IN ('queued', 'running', 'done', 'failed', 'expired'));
ALTER TABLE report_jobs ADD CONSTRAINT ck_report_jobs_format CHECK (format IN ('xlsx', 'csv', 'pdf'));
ALTER TABLE report_jobs ADD CONSTRAINT ck_report_jobs_progress CHECK (progress BETWEEN 0 AND 100);
ALTER TABLE report_jobs ADD CONSTRAINT ck_report_jobs_done_has_file CHECK (status <> 'done' OR file_key IS NOT NULL);
CREATE INDEX IF NOT EXISTS ix_report_jobs_requester ON report_jobs (requested_by_id, created_at) WHERE true;
CREATE INDEX IF NOT EXISTS ix_report_jobs_lease ON report_jobs (lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS ix_report_jobs_queued ON report_jobs (created_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS ix_report_jobs_expiry ON report_jobs (expires_at) WHERE status = 'done';

CREATE TABLE IF NOT EXISTS attendance_daily_counts (
    course_offering_id INT NOT NULL,
    date DATE NOT NULL,
    department_id INT NOT NULL,
    present INT NOT NULL DEFAULT 0,
    absent INT NOT NULL DEFAULT 0,
    late INT NOT NULL DEFAULT 0,
    excused INT NOT NULL DEFAULT 0,
    PRIMARY KEY (course_offering_id, date, department_id)
);
COMMENT ON TABLE attendance_daily_counts IS 'Attendance marks per (offering, day, student''s department) and status, kept by triggers on attendance and students.';
ALTER TABLE attendance_daily_counts ADD CONSTRAINT ck_attendance_daily_counts_non_negative CHECK (present >= 0 AND absent >= 0 AND late >= 0 AND excused >= 0);
CREATE INDEX IF NOT EXISTS ix_attendance_daily_counts_date ON attendance_daily_counts (date) WHERE true;
{_function("attendance_daily_counts_insert", _ON_INSERT)}
{_function("attendance_daily_counts_delete", _ON_DELETE)}
{_function("attendance_daily_counts_update", _ON_UPDATE)}
{_function("attendance_daily_counts_move", _ON_DEPARTMENT_CHANGE)}
CREATE OR REPLACE FUNCTION attendance_daily_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
DELETE FROM attendance_daily_counts;
RETURN NULL;
END
$fn$;
CREATE TRIGGER trg_attendance_daily_counts_insert AFTER INSERT ON attendance
    REFERENCING NEW TABLE AS new_marks FOR EACH STATEMENT EXECUTE FUNCTION attendance_daily_counts_insert();
CREATE TRIGGER trg_attendance_daily_counts_delete AFTER DELETE ON attendance
    REFERENCING OLD TABLE AS old_marks FOR EACH STATEMENT EXECUTE FUNCTION attendance_daily_counts_delete();
CREATE TRIGGER trg_attendance_daily_counts_update AFTER UPDATE ON attendance
    REFERENCING OLD TABLE AS old_marks NEW TABLE AS new_marks FOR EACH STATEMENT
    EXECUTE FUNCTION attendance_daily_counts_update();
CREATE TRIGGER trg_attendance_daily_counts_truncate AFTER TRUNCATE ON attendance
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_daily_counts_truncate();
CREATE TRIGGER trg_attendance_daily_counts_move AFTER UPDATE OF department_id ON students
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION attendance_daily_counts_move();
DELETE FROM attendance_daily_counts;
{_BACKFILL};
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS trg_attendance_daily_counts_move ON students;
DROP TRIGGER IF EXISTS trg_attendance_daily_counts_truncate ON attendance;
DROP TRIGGER IF EXISTS trg_attendance_daily_counts_update ON attendance;
DROP TRIGGER IF EXISTS trg_attendance_daily_counts_delete ON attendance;
DROP TRIGGER IF EXISTS trg_attendance_daily_counts_insert ON attendance;
DROP FUNCTION IF EXISTS attendance_daily_counts_truncate();
DROP FUNCTION IF EXISTS attendance_daily_counts_move();
DROP FUNCTION IF EXISTS attendance_daily_counts_update();
DROP FUNCTION IF EXISTS attendance_daily_counts_delete();
DROP FUNCTION IF EXISTS attendance_daily_counts_insert();
DROP TABLE IF EXISTS attendance_daily_counts;
DROP TABLE IF EXISTS report_jobs;
"""
