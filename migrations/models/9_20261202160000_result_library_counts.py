"""Counts for the exam results, student performance and library reports (domain.md §3.17),
so that a report over every semester result, student or loan adds up a few hundred rows
instead of grouping them all at each request.

- ``semester_result_counts``: semester results (how many, the sum of their GPAs) per
  (academic year, semester, the student's department and program, result status).
- ``student_cgpa_counts``: students (how many, the sum and the number of their CGPAs) per
  (department, program, status).
- ``library_loan_counts``: book loans (how many, the sum of their fines) per (the book's
  department, the book's category, loan status). A book may have neither, so the key
  holds NULLs and is a UNIQUE NULLS NOT DISTINCT constraint rather than a primary key.
- ``ix_book_issues_open_due``: a partial index on the open loans by due date. "Overdue" is
  an open loan past its due date *now*, which no stored count can hold; the open loans
  are a small share of all loans, and the index gives them with their book.

Statement triggers on ``semester_results``, ``students`` and ``book_issues`` add what each
INSERT, UPDATE or DELETE changed (from its transition tables) in that statement's own
transaction, so publishing a semester (one INSERT ... ON CONFLICT DO UPDATE for every
student, and one UPDATE of their CGPAs) costs one grouped upsert per table. Row triggers
on ``students`` and ``library_books``, only when a student's department or program or a
book's department or category changes, move the results or loans they carry to their
new key. As in migration 6, each upsert takes its rows' locks in key order and the count
tables carry no CHECK (a delta is negative by nature).

A statement that counts results (loans) under their student's (book's) department reads
it from those students (books) locked FOR SHARE, which waits for a concurrent move of one
of them to commit and then reads its new department: without it, a result written while
its student moves could be counted under the old department by one transaction and not
moved by the other, which could not yet see it.

TRUNCATE of the counted tables empties their counts. The tables are plain SQL tables,
outside the Tortoise models, so that aerich's model snapshot is unchanged;
dashboard/services/reports.py reads them with SQL, and
tests/services/test_result_library_counts.py recounts them from the rows.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# --- semester results ----------------------------------------------------------------------

_RESULT_KEY = "academic_year, semester, department_id, program_id, status"

# The results of `{rows}` (a transition table, or `semester_results` itself) at their key,
# times `{sign}`; the department and program are the student's.
_RESULTS = """
SELECT r.academic_year, r.semester, st.department_id, st.program_id, r.status,
       {sign} * count(*) AS n, {sign} * sum(r.gpa) AS gpa_sum
FROM {rows} r JOIN {parents} st ON st.id = r.student_id
GROUP BY 1, 2, 3, 4, 5"""

_RESULTS_UPSERT = f"""
INSERT INTO semester_result_counts AS c ({_RESULT_KEY}, n, gpa_sum)
SELECT {_RESULT_KEY}, sum(n), sum(gpa_sum)
FROM ({{deltas}}) x
GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(gpa_sum) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT ({_RESULT_KEY}) DO UPDATE SET n = c.n + EXCLUDED.n, gpa_sum = c.gpa_sum + EXCLUDED.gpa_sum"""

# --- students ------------------------------------------------------------------------------

_STUDENTS = """
SELECT department_id, program_id, status, {sign} * count(*) AS students,
       {sign} * coalesce(sum(cgpa), 0) AS cgpa_sum, {sign} * count(cgpa) AS cgpa_n
FROM {rows}
GROUP BY 1, 2, 3"""

_STUDENTS_UPSERT = """
INSERT INTO student_cgpa_counts AS c (department_id, program_id, status, students, cgpa_sum, cgpa_n)
SELECT department_id, program_id, status, sum(students), sum(cgpa_sum), sum(cgpa_n)
FROM ({deltas}) x
GROUP BY 1, 2, 3 HAVING sum(students) <> 0 OR sum(cgpa_sum) <> 0 OR sum(cgpa_n) <> 0 ORDER BY 1, 2, 3
ON CONFLICT (department_id, program_id, status) DO UPDATE
SET students = c.students + EXCLUDED.students, cgpa_sum = c.cgpa_sum + EXCLUDED.cgpa_sum,
    cgpa_n = c.cgpa_n + EXCLUDED.cgpa_n"""

# --- library loans -------------------------------------------------------------------------

_LOANS = """
SELECT b.department_id, b.category, i.status, {sign} * count(*) AS n, {sign} * sum(i.fine_amount) AS fines
FROM {rows} i JOIN {parents} b ON b.id = i.book_id
GROUP BY 1, 2, 3"""

_LOANS_UPSERT = """
INSERT INTO library_loan_counts AS c (department_id, category, status, n, fines)
SELECT department_id, category, status, sum(n), sum(fines)
FROM ({deltas}) x
GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(fines) <> 0 ORDER BY 1, 2, 3
ON CONFLICT (department_id, category, status) DO UPDATE SET n = c.n + EXCLUDED.n, fines = c.fines + EXCLUDED.fines"""


def _locked(parent: tuple[str, str, str], *rows: str) -> str:
    """`locked`: the rows of the parent table (name, the column of `rows` that points at
    it, the columns read) that the transition tables `rows` point at, taken FOR SHARE in
    id order (see the module doc), so the key is read from the locked rows."""
    table, column, columns = parent
    ids = " UNION ".join(f"SELECT {column} FROM {r}" for r in rows)
    return f"WITH locked AS MATERIALIZED (SELECT {columns} FROM {table} WHERE id IN ({ids}) ORDER BY id FOR SHARE)"


def _function(name: str, *statements: str) -> str:
    """A trigger function running `statements`. Without JIT: the planner cannot know that
    the locked parents are unique by id, so it overestimates the join by far and would
    spend more time compiling a bulk statement's upsert than running it."""
    body = ";\n".join(statements)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $fn$
BEGIN
{body};
RETURN NULL;
END
$fn$;"""


def _counted(name: str, upsert: str, deltas: str, parent: tuple[str, str, str] | None = None) -> list[str]:
    """The insert, delete and update functions `{name}_insert|delete|update` of a counted
    table: `deltas` is its rows at their key, for `{rows}`, `{sign}` and `{parents}` (the
    table the key's department comes from, locked when `parent` is given)."""
    def body(*sources: tuple[str, int]) -> list[str]:
        changes = upsert.format(deltas=" UNION ALL ".join(
            deltas.format(sign=sign, rows=rows, parents="locked" if parent else "") for rows, sign in sources))
        return [f"{_locked(parent, *(rows for rows, _ in sources))}{changes}" if parent else changes]

    return [
        _function(f"{name}_insert", *body(("new_rows", 1))),
        _function(f"{name}_delete", *body(("old_rows", -1))),
        _function(f"{name}_update", *body(("old_rows", -1), ("new_rows", 1))),
    ]


_FUNCTIONS = [
    *_counted("semester_result_counts", _RESULTS_UPSERT, _RESULTS,
              parent=("students", "student_id", "id, department_id, program_id")),
    *_counted("student_cgpa_counts", _STUDENTS_UPSERT, _STUDENTS),
    *_counted("library_loan_counts", _LOANS_UPSERT, _LOANS,
              parent=("library_books", "book_id", "id, department_id, category")),
    # A student who changes department or program takes their results along.
    _function("semester_result_counts_move", _RESULTS_UPSERT.format(deltas="""
SELECT r.academic_year, r.semester, x.department_id, x.program_id, r.status, x.sign * count(*) AS n,
       x.sign * sum(r.gpa) AS gpa_sum
FROM semester_results r
CROSS JOIN (VALUES (OLD.department_id, OLD.program_id, -1), (NEW.department_id, NEW.program_id, 1))
    AS x(department_id, program_id, sign)
WHERE r.student_id = NEW.id
GROUP BY 1, 2, 3, 4, 5, x.sign""")),
    # A book that changes department or category takes its loans along.
    _function("library_loan_counts_move", _LOANS_UPSERT.format(deltas="""
SELECT x.department_id, x.category, i.status, x.sign * count(*) AS n, x.sign * sum(i.fine_amount) AS fines
FROM book_issues i
CROSS JOIN (VALUES (OLD.department_id, OLD.category, -1), (NEW.department_id, NEW.category, 1))
    AS x(department_id, category, sign)
WHERE i.book_id = NEW.id
GROUP BY 1, 2, 3, x.sign""")),
    """
CREATE OR REPLACE FUNCTION result_library_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
IF TG_TABLE_NAME = 'semester_results' THEN
    DELETE FROM semester_result_counts;
ELSIF TG_TABLE_NAME = 'students' THEN
    DELETE FROM student_cgpa_counts;
ELSE
    DELETE FROM library_loan_counts;
END IF;
RETURN NULL;
END
$fn$;""",
]

_BACKFILL = [
    "DELETE FROM semester_result_counts",
    "DELETE FROM student_cgpa_counts",
    "DELETE FROM library_loan_counts",
    _RESULTS_UPSERT.format(deltas=_RESULTS.format(sign=1, rows="semester_results", parents="students")),
    _STUDENTS_UPSERT.format(deltas=_STUDENTS.format(sign=1, rows="students")),
    _LOANS_UPSERT.format(deltas=_LOANS.format(sign=1, rows="book_issues", parents="library_books")),
]


def _statement_triggers(table: str, prefix: str) -> str:
    return f"""
CREATE TRIGGER trg_{prefix}_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_insert();
CREATE TRIGGER trg_{prefix}_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_delete();
CREATE TRIGGER trg_{prefix}_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_update();
CREATE TRIGGER trg_{prefix}_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION result_library_counts_truncate();"""


# (table, trigger) of every trigger this migration creates.
TRIGGERS: tuple[tuple[str, str], ...] = (
    *((table, f"trg_{prefix}_{event}")
      for table, prefix in (("semester_results", "semester_result_counts"), ("students", "student_cgpa_counts"),
                            ("book_issues", "library_loan_counts"))
      for event in ("insert", "delete", "update", "truncate")),
    ("students", "trg_semester_result_counts_move"),
    ("library_books", "trg_library_loan_counts_move"),
)
TABLES: tuple[str, ...] = ("semester_result_counts", "student_cgpa_counts", "library_loan_counts")


async def upgrade(db: BaseDBAsyncClient) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS semester_result_counts (
    academic_year VARCHAR(20) NOT NULL,
    semester INT NOT NULL,
    department_id INT NOT NULL,
    program_id INT NOT NULL,
    status VARCHAR(20) NOT NULL,
    n INT NOT NULL DEFAULT 0,
    gpa_sum NUMERIC(16,2) NOT NULL DEFAULT 0,
    PRIMARY KEY (academic_year, semester, department_id, program_id, status)
);
CREATE TABLE IF NOT EXISTS student_cgpa_counts (
    department_id INT NOT NULL,
    program_id INT NOT NULL,
    status VARCHAR(20) NOT NULL,
    students INT NOT NULL DEFAULT 0,
    cgpa_sum NUMERIC(16,2) NOT NULL DEFAULT 0,
    cgpa_n INT NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, program_id, status)
);
CREATE TABLE IF NOT EXISTS library_loan_counts (
    department_id INT NULL,
    category VARCHAR(100) NULL,
    status VARCHAR(20) NOT NULL,
    n INT NOT NULL DEFAULT 0,
    fines NUMERIC(16,2) NOT NULL DEFAULT 0,
    CONSTRAINT uq_library_loan_counts_key UNIQUE NULLS NOT DISTINCT (department_id, category, status)
);
COMMENT ON TABLE semester_result_counts IS 'Semester results and their GPA sum per year, semester, student''s department and program, and status, kept by triggers.';
COMMENT ON TABLE student_cgpa_counts IS 'Students and their CGPA sum and count per department, program and status, kept by triggers.';
COMMENT ON TABLE library_loan_counts IS 'Book loans and their fines per book department, book category and loan status, kept by triggers.';
CREATE INDEX IF NOT EXISTS ix_book_issues_open_due ON book_issues (due_date, book_id)
    WHERE status IN ('issued', 'overdue');
{"".join(_FUNCTIONS)}
{_statement_triggers("semester_results", "semester_result_counts")}
{_statement_triggers("students", "student_cgpa_counts")}
{_statement_triggers("book_issues", "library_loan_counts")}
CREATE TRIGGER trg_semester_result_counts_move AFTER UPDATE OF department_id, program_id ON students
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
                       OR OLD.program_id IS DISTINCT FROM NEW.program_id)
    EXECUTE FUNCTION semester_result_counts_move();
CREATE TRIGGER trg_library_loan_counts_move AFTER UPDATE OF department_id, category ON library_books
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
                       OR OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION library_loan_counts_move();
{";".join(_BACKFILL)};
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    triggers = "\n".join(f"DROP TRIGGER IF EXISTS {name} ON {table};" for table, name in TRIGGERS)
    functions = "\n".join(f"DROP FUNCTION IF EXISTS {prefix}_{event}();"
                          for prefix in ("semester_result_counts", "student_cgpa_counts", "library_loan_counts")
                          for event in ("insert", "delete", "update"))
    return f"""
{triggers}
{functions}
DROP FUNCTION IF EXISTS semester_result_counts_move();
DROP FUNCTION IF EXISTS library_loan_counts_move();
DROP FUNCTION IF EXISTS result_library_counts_truncate();
DROP INDEX IF EXISTS ix_book_issues_open_due;
DROP TABLE IF EXISTS library_loan_counts;
DROP TABLE IF EXISTS student_cgpa_counts;
DROP TABLE IF EXISTS semester_result_counts;
"""
