"""Reports (domain.md §3.17): the report jobs the workers run, and the counts the reports
and the dashboard read instead of millions of rows (declared in models/constraints.py:
``REPORT_TABLES`` and ``CONSTRAINTS``).

- ``report_jobs``: one row per report file asked for: who asked, the report, its filters
  and format, the status and progress, the lease a running worker renews (a worker that
  dies lets it run out, and the sweeper retries or fails the job), and the stored file
  with its expiry.
- ``attendance_daily_counts`` / ``attendance_monthly_counts``: the marks per status of
  each (course offering, day or calendar month, department of the student).
- ``fee_payment_monthly``: payments (count, amount, late fees, discounts) per (month of
  payment, the structure's academic year and semester, its student's department and
  program, status, mode).
- ``fee_balance_counts``: per (academic year, semester, department, program, due date),
  how many fee structures have a balance left and the sum of those balances (a balance
  is the total less the completed payments, as the fees service defines it).

Statement triggers on ``attendance``, ``fee_payments`` and ``fee_structures`` add what each
INSERT, UPDATE or DELETE changed (from its transition tables) in that statement's own
transaction, and a row trigger on ``students`` moves a student's counts when their
department or program changes, so the counts always equal a recount of the rows
(tests/services/test_report_counts.py recounts them). Each upsert takes its rows' locks in
key order, so concurrent writers of the same key queue rather than deadlock. TRUNCATE of
``attendance`` or ``fee_payments`` empties their counts. The count tables carry no CHECK:
PostgreSQL checks the row an upsert proposes before it finds the conflict, and a delta
(a deleted mark, a refund) is negative by nature.

All are plain SQL tables rather than Tortoise models so that aerich's model snapshot is
unchanged; dashboard/services/reports.py and analytics.py read them with SQL.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# --- attendance --------------------------------------------------------------------------

# The counts of a set of marks per (offering, day, department); `{rows}` is a transition
# table (or `attendance` itself) and `{sign}` 1 or -1.
_MARKS = """
SELECT m.course_offering_id, m.date, s.department_id,
       {sign} * count(*) FILTER (WHERE m.status = 'present') AS present,
       {sign} * count(*) FILTER (WHERE m.status = 'absent') AS absent,
       {sign} * count(*) FILTER (WHERE m.status = 'late') AS late,
       {sign} * count(*) FILTER (WHERE m.status = 'excused') AS excused
FROM {rows} m JOIN students s ON s.id = m.student_id
GROUP BY 1, 2, 3
"""

# Adds the deltas to the daily and the monthly counts, each upsert in key order.
_ATTENDANCE_UPSERT = """
WITH d AS MATERIALIZED (
    SELECT course_offering_id, date, department_id, sum(present) AS present, sum(absent) AS absent,
           sum(late) AS late, sum(excused) AS excused
    FROM ({deltas}) x GROUP BY 1, 2, 3
), daily AS (
    INSERT INTO attendance_daily_counts AS c (course_offering_id, date, department_id, present, absent, late, excused)
    SELECT course_offering_id, date, department_id, present, absent, late, excused FROM d ORDER BY 1, 2, 3
    ON CONFLICT (course_offering_id, date, department_id) DO UPDATE
    SET present = c.present + EXCLUDED.present, absent = c.absent + EXCLUDED.absent,
        late = c.late + EXCLUDED.late, excused = c.excused + EXCLUDED.excused
    RETURNING 1
)
INSERT INTO attendance_monthly_counts AS c (course_offering_id, month, department_id, present, absent, late, excused)
SELECT course_offering_id, date_trunc('month', date)::date, department_id, sum(present), sum(absent), sum(late),
       sum(excused)
FROM d
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (course_offering_id, month, department_id) DO UPDATE
SET present = c.present + EXCLUDED.present, absent = c.absent + EXCLUDED.absent,
    late = c.late + EXCLUDED.late, excused = c.excused + EXCLUDED.excused
"""

# --- fees ------------------------------------------------------------------------------------

# Payments per (month, the structure's year and semester, the structure's student's
# department and program, status, mode); `{rows}` holds payments.
_PAYMENTS = """
SELECT date_trunc('month', r.payment_date)::date AS month, f.academic_year, f.semester, st.department_id,
       st.program_id, r.payment_status, r.payment_mode,
       {sign} * count(*) AS n, {sign} * sum(r.amount_paid) AS amount, {sign} * sum(r.late_fee) AS late_fees,
       {sign} * sum(r.discount) AS discounts
FROM {rows} r JOIN fee_structures f ON f.id = r.fee_structure_id JOIN students st ON st.id = f.student_id
{where}
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""

_PAYMENTS_UPSERT = """
INSERT INTO fee_payment_monthly AS c (month, academic_year, semester, department_id, program_id, payment_status,
                                      payment_mode, n, amount, late_fees, discounts)
SELECT month, academic_year, semester, department_id, program_id, payment_status, payment_mode, sum(n), sum(amount),
       sum(late_fees), sum(discounts)
FROM ({deltas}) x
GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT (month, academic_year, semester, department_id, program_id, payment_status, payment_mode) DO UPDATE
SET n = c.n + EXCLUDED.n, amount = c.amount + EXCLUDED.amount, late_fees = c.late_fees + EXCLUDED.late_fees,
    discounts = c.discounts + EXCLUDED.discounts
"""

# What a structure adds to the open balances: (1, balance) while it has one, else (0, 0).
# `{total}` and `{paid}` are expressions.
_OPEN = "(({total}) > ({paid}))::int"
_BALANCE = "greatest(({total}) - ({paid}), 0)"
# A structure's completed payments now, as `pn.paid`.
_PAID_NOW = ("CROSS JOIN LATERAL (SELECT coalesce(sum(p.amount_paid), 0) AS paid FROM fee_payments p "
             "WHERE p.fee_structure_id = f.id AND p.payment_status = 'completed') pn")

_BALANCES_UPSERT = """
INSERT INTO fee_balance_counts AS c (academic_year, semester, department_id, program_id, due_date, open_count, balance)
SELECT academic_year, semester, department_id, program_id, due_date, sum(open_count), sum(balance)
FROM ({deltas}) x
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (academic_year, semester, department_id, program_id, due_date) DO UPDATE
SET open_count = c.open_count + EXCLUDED.open_count, balance = c.balance + EXCLUDED.balance
"""


def _structure_share(sign: str, rows: str) -> str:
    """The open balance of each structure in `rows` at its key, times `sign`."""
    return f"""
SELECT f.academic_year, f.semester, st.department_id, st.program_id, f.due_date,
       {sign} * {_OPEN.format(total="f.total_fee", paid="pn.paid")} AS open_count,
       {sign} * {_BALANCE.format(total="f.total_fee", paid="pn.paid")} AS balance
FROM {rows} f JOIN students st ON st.id = f.student_id {_PAID_NOW}"""


def _completed_delta(*sources: tuple[str, int]) -> str:
    """Per structure, the change in completed payments the statement made."""
    parts = " UNION ALL ".join(
        f"SELECT fee_structure_id, {sign} * amount_paid AS amount FROM {rows} WHERE payment_status = 'completed'"
        for rows, sign in sources)
    return f"SELECT fee_structure_id AS id, sum(amount) AS delta FROM ({parts}) x GROUP BY 1"


def _payment_balances(*sources: tuple[str, int]) -> str:
    """A payments statement moves each touched structure's balance from total − (paid now −
    delta) to total − paid now."""
    before = "(pn.paid - d.delta)"
    return _BALANCES_UPSERT.format(deltas=f"""
SELECT f.academic_year, f.semester, st.department_id, st.program_id, f.due_date,
       {_OPEN.format(total="f.total_fee", paid="pn.paid")} - {_OPEN.format(total="f.total_fee", paid=before)}
           AS open_count,
       {_BALANCE.format(total="f.total_fee", paid="pn.paid")} - {_BALANCE.format(total="f.total_fee", paid=before)}
           AS balance
FROM ({_completed_delta(*sources)}) d JOIN fee_structures f ON f.id = d.id JOIN students st ON st.id = f.student_id
{_PAID_NOW}
WHERE d.delta <> 0""")


def _payment_counts(*sources: tuple[str, int]) -> str:
    return _PAYMENTS_UPSERT.format(deltas=" UNION ALL ".join(
        _PAYMENTS.format(sign=sign, rows=rows, where="") for rows, sign in sources))


def _function(name: str, *statements: str) -> str:
    body = ";\n".join(statements)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{body};
RETURN NULL;
END
$fn$;"""


_ATTENDANCE_FUNCTIONS = [
    _function("attendance_counts_insert", _ATTENDANCE_UPSERT.format(deltas=_MARKS.format(sign=1, rows="new_rows"))),
    _function("attendance_counts_delete", _ATTENDANCE_UPSERT.format(deltas=_MARKS.format(sign=-1, rows="old_rows"))),
    _function("attendance_counts_update", _ATTENDANCE_UPSERT.format(
        deltas=_MARKS.format(sign=-1, rows="old_rows") + " UNION ALL " + _MARKS.format(sign=1, rows="new_rows"))),
]

_FEE_FUNCTIONS = [
    _function("fee_payment_counts_insert", _payment_counts(("new_rows", 1)), _payment_balances(("new_rows", 1))),
    _function("fee_payment_counts_delete", _payment_counts(("old_rows", -1)), _payment_balances(("old_rows", -1))),
    _function("fee_payment_counts_update", _payment_counts(("old_rows", -1), ("new_rows", 1)),
              _payment_balances(("old_rows", -1), ("new_rows", 1))),
    _function("fee_structure_counts_insert", _BALANCES_UPSERT.format(
        deltas=_structure_share("1", "new_rows"))),
    _function("fee_structure_counts_delete", _BALANCES_UPSERT.format(
        deltas=_structure_share("-1", "old_rows"))),
    # The old row's share leaves its old key and the new row's arrives at its new one;
    # payments follow a structure whose year, semester or student changed.
    _function(
        "fee_structure_counts_update",
        _BALANCES_UPSERT.format(deltas=_structure_share("-1", "old_rows") + " UNION ALL "
                                + _structure_share("1", "new_rows")),
        _PAYMENTS_UPSERT.format(deltas="""
SELECT date_trunc('month', p.payment_date)::date AS month, x.academic_year, x.semester, st.department_id,
       st.program_id, p.payment_status, p.payment_mode, x.sign * count(*) AS n, x.sign * sum(p.amount_paid) AS amount,
       x.sign * sum(p.late_fee) AS late_fees, x.sign * sum(p.discount) AS discounts
FROM (SELECT o.id, o.academic_year, o.semester, o.student_id, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.academic_year, o.semester, o.student_id) IS DISTINCT FROM (n.academic_year, n.semester, n.student_id)
      UNION ALL
      SELECT n.id, n.academic_year, n.semester, n.student_id, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.academic_year, o.semester, o.student_id) IS DISTINCT FROM (n.academic_year, n.semester, n.student_id)) x
JOIN fee_payments p ON p.fee_structure_id = x.id JOIN students st ON st.id = x.student_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, x.sign""")),
]

# A student who changes department or program takes their marks, payments and balances along.
_STUDENT_MOVE = _function(
    "student_counts_move",
    _ATTENDANCE_UPSERT.format(deltas="""
SELECT a.course_offering_id, a.date, x.department_id,
       x.sign * count(*) FILTER (WHERE a.status = 'present') AS present,
       x.sign * count(*) FILTER (WHERE a.status = 'absent') AS absent,
       x.sign * count(*) FILTER (WHERE a.status = 'late') AS late,
       x.sign * count(*) FILTER (WHERE a.status = 'excused') AS excused
FROM attendance a CROSS JOIN (VALUES (OLD.department_id, -1), (NEW.department_id, 1)) AS x(department_id, sign)
WHERE a.student_id = NEW.id AND OLD.department_id IS DISTINCT FROM NEW.department_id
GROUP BY a.course_offering_id, a.date, x.department_id, x.sign"""),
    _PAYMENTS_UPSERT.format(deltas="""
SELECT date_trunc('month', p.payment_date)::date AS month, f.academic_year, f.semester, x.department_id, x.program_id,
       p.payment_status, p.payment_mode, x.sign * count(*) AS n, x.sign * sum(p.amount_paid) AS amount,
       x.sign * sum(p.late_fee) AS late_fees, x.sign * sum(p.discount) AS discounts
FROM fee_structures f JOIN fee_payments p ON p.fee_structure_id = f.id
CROSS JOIN (VALUES (OLD.department_id, OLD.program_id, -1), (NEW.department_id, NEW.program_id, 1))
    AS x(department_id, program_id, sign)
WHERE f.student_id = NEW.id
GROUP BY 1, 2, 3, 4, 5, 6, 7, x.sign"""),
    _BALANCES_UPSERT.format(deltas=f"""
SELECT f.academic_year, f.semester, x.department_id, x.program_id, f.due_date,
       x.sign * {_OPEN.format(total="f.total_fee", paid="pn.paid")} AS open_count,
       x.sign * {_BALANCE.format(total="f.total_fee", paid="pn.paid")} AS balance
FROM fee_structures f {_PAID_NOW}
CROSS JOIN (VALUES (OLD.department_id, OLD.program_id, -1), (NEW.department_id, NEW.program_id, 1))
    AS x(department_id, program_id, sign)
WHERE f.student_id = NEW.id"""),
)

_BACKFILL = [
    "DELETE FROM attendance_daily_counts",
    "DELETE FROM attendance_monthly_counts",
    "DELETE FROM fee_payment_monthly",
    "DELETE FROM fee_balance_counts",
    _ATTENDANCE_UPSERT.format(deltas=_MARKS.format(sign=1, rows="attendance")),
    _PAYMENTS_UPSERT.format(deltas=_PAYMENTS.format(sign=1, rows="fee_payments", where="")),
    _BALANCES_UPSERT.format(deltas=_structure_share("1", "fee_structures")),
]

_COUNT_TABLES = ("attendance_daily_counts", "attendance_monthly_counts", "fee_payment_monthly", "fee_balance_counts")


def _truncate_function() -> str:
    """TRUNCATE fires no row or statement triggers: empty the counts of the truncated table."""
    return """
CREATE OR REPLACE FUNCTION report_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
IF TG_TABLE_NAME = 'attendance' THEN
    DELETE FROM attendance_daily_counts;
    DELETE FROM attendance_monthly_counts;
ELSE
    DELETE FROM fee_payment_monthly;
    DELETE FROM fee_balance_counts;
END IF;
RETURN NULL;
END
$fn$;"""


def _statement_triggers(table: str, prefix: str) -> str:
    return f"""
CREATE TRIGGER trg_{prefix}_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_insert();
CREATE TRIGGER trg_{prefix}_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_delete();
CREATE TRIGGER trg_{prefix}_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_update();"""


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
CREATE TABLE IF NOT EXISTS attendance_monthly_counts (
    course_offering_id INT NOT NULL,
    month DATE NOT NULL,
    department_id INT NOT NULL,
    present INT NOT NULL DEFAULT 0,
    absent INT NOT NULL DEFAULT 0,
    late INT NOT NULL DEFAULT 0,
    excused INT NOT NULL DEFAULT 0,
    PRIMARY KEY (course_offering_id, month, department_id)
);
CREATE TABLE IF NOT EXISTS fee_payment_monthly (
    month DATE NOT NULL,
    academic_year VARCHAR(20) NOT NULL,
    semester INT NOT NULL,
    department_id INT NOT NULL,
    program_id INT NOT NULL,
    payment_status VARCHAR(20) NOT NULL,
    payment_mode VARCHAR(20) NOT NULL,
    n INT NOT NULL DEFAULT 0,
    amount NUMERIC(16,2) NOT NULL DEFAULT 0,
    late_fees NUMERIC(16,2) NOT NULL DEFAULT 0,
    discounts NUMERIC(16,2) NOT NULL DEFAULT 0,
    PRIMARY KEY (month, academic_year, semester, department_id, program_id, payment_status, payment_mode)
);
CREATE TABLE IF NOT EXISTS fee_balance_counts (
    academic_year VARCHAR(20) NOT NULL,
    semester INT NOT NULL,
    department_id INT NOT NULL,
    program_id INT NOT NULL,
    due_date DATE NOT NULL,
    open_count INT NOT NULL DEFAULT 0,
    balance NUMERIC(16,2) NOT NULL DEFAULT 0,
    PRIMARY KEY (academic_year, semester, department_id, program_id, due_date)
);
COMMENT ON TABLE attendance_daily_counts IS 'Attendance marks per (offering, day, student''s department) and status, kept by triggers.';
COMMENT ON TABLE attendance_monthly_counts IS 'The same per calendar month.';
COMMENT ON TABLE fee_payment_monthly IS 'Fee payments per month, structure year and semester, student department and program, status and mode, kept by triggers.';
COMMENT ON TABLE fee_balance_counts IS 'Fee structures with a balance and their outstanding balance per year, semester, department, program and due date, kept by triggers.';
CREATE INDEX IF NOT EXISTS ix_attendance_daily_counts_date ON attendance_daily_counts (date) WHERE true;
CREATE INDEX IF NOT EXISTS ix_attendance_monthly_counts_month ON attendance_monthly_counts (month) WHERE true;
{"".join(_ATTENDANCE_FUNCTIONS)}
{"".join(_FEE_FUNCTIONS)}
{_STUDENT_MOVE}
{_truncate_function()}
{_statement_triggers("attendance", "attendance_counts")}
{_statement_triggers("fee_payments", "fee_payment_counts")}
{_statement_triggers("fee_structures", "fee_structure_counts")}
CREATE TRIGGER trg_attendance_counts_truncate AFTER TRUNCATE ON attendance
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_truncate();
CREATE TRIGGER trg_fee_payment_counts_truncate AFTER TRUNCATE ON fee_payments
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_truncate();
CREATE TRIGGER trg_student_counts_move AFTER UPDATE OF department_id, program_id ON students
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
                       OR OLD.program_id IS DISTINCT FROM NEW.program_id)
    EXECUTE FUNCTION student_counts_move();
{";".join(_BACKFILL)};
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS trg_student_counts_move ON students;
DROP TRIGGER IF EXISTS trg_fee_payment_counts_truncate ON fee_payments;
DROP TRIGGER IF EXISTS trg_attendance_counts_truncate ON attendance;
DROP TRIGGER IF EXISTS trg_fee_structure_counts_update ON fee_structures;
DROP TRIGGER IF EXISTS trg_fee_structure_counts_delete ON fee_structures;
DROP TRIGGER IF EXISTS trg_fee_structure_counts_insert ON fee_structures;
DROP TRIGGER IF EXISTS trg_fee_payment_counts_update ON fee_payments;
DROP TRIGGER IF EXISTS trg_fee_payment_counts_delete ON fee_payments;
DROP TRIGGER IF EXISTS trg_fee_payment_counts_insert ON fee_payments;
DROP TRIGGER IF EXISTS trg_attendance_counts_update ON attendance;
DROP TRIGGER IF EXISTS trg_attendance_counts_delete ON attendance;
DROP TRIGGER IF EXISTS trg_attendance_counts_insert ON attendance;
DROP FUNCTION IF EXISTS report_counts_truncate();
DROP FUNCTION IF EXISTS student_counts_move();
DROP FUNCTION IF EXISTS fee_structure_counts_update();
DROP FUNCTION IF EXISTS fee_structure_counts_delete();
DROP FUNCTION IF EXISTS fee_structure_counts_insert();
DROP FUNCTION IF EXISTS fee_payment_counts_update();
DROP FUNCTION IF EXISTS fee_payment_counts_delete();
DROP FUNCTION IF EXISTS fee_payment_counts_insert();
DROP FUNCTION IF EXISTS attendance_counts_update();
DROP FUNCTION IF EXISTS attendance_counts_delete();
DROP FUNCTION IF EXISTS attendance_counts_insert();
DROP TABLE IF EXISTS fee_balance_counts;
DROP TABLE IF EXISTS fee_payment_monthly;
DROP TABLE IF EXISTS attendance_monthly_counts;
DROP TABLE IF EXISTS attendance_daily_counts;
DROP TABLE IF EXISTS report_jobs;
"""
