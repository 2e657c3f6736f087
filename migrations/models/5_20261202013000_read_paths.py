"""Read paths at 50,000 students: one search text per searched table, and counts kept
exact by triggers in the transaction of every write (declared in models/constraints.py:
``READ_PATH_TABLES``, ``READ_PATH_TRIGGERS`` and ``CONSTRAINTS``).

- ``student_search``: one row per student, the upper-cased first name, last name, email,
  student code and admission number joined by U+001F, with one trigram index. The searched
  columns live in two tables (users and students), so no single expression index can hold
  them; with one table and one column the planner chooses per term between walking the
  primary key and stopping at the limit (a common term) and the trigram index (a rare one).
- The trigram indexes are built without a pending list (``fastupdate = off``): the
  planner prices a GIN scan by its pending list too, and a list grown by recent writes
  would make it walk the primary key for a rare term instead.
- The book and document searches get one expression index each over their searched
  columns (the expressions are ``BOOK_SEARCH_TEXT`` and ``DOCUMENT_SEARCH_TEXT``); the
  walk in result order that stops at the limit uses the existing title and upload-time
  indexes.
- ``student_counts``: the number of students per (department, program, batch year,
  semester, status, category), so a list's exact total is a sum over a few hundred rows
  instead of a count over every student.
- ``attendance_totals``: each enrollment's classes and attended classes over all time
  (the sum of its monthly ``attendance_summary`` rows) with the percentage, indexed, so
  the university's defaulters are an index range.
- ``fee_balances``: each fee structure's total and what its completed payments add up
  to, with a partial index on the open ones by due date (the defaulters list).

Triggers on the source tables keep them: statement-level ones with transition tables for
inserts and deletes (a bulk load or a bulk write is one grouped statement, not one per
row), and for the updates of the counted tables; row-level ones, only when a searched
column changes, for the search texts. A count is changed by an upsert that adds a
difference, which locks the count row until commit, so concurrent writers take turns and
the counts stay equal to a recount. The migration fills the tables from the rows present.

They are plain SQL tables rather than Tortoise models, so aerich's model snapshot is
unchanged; the services read them with SQL.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE


UPGRADE_TEMPLATE = r"""
CREATE OR REPLACE FUNCTION student_search_text(first_name TEXT, last_name TEXT, email TEXT, student_code TEXT,
                                               admission_number TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT UPPER(COALESCE(first_name, '') || E'\x1f' || COALESCE(last_name, '') || E'\x1f' || COALESCE(email, '')
                || E'\x1f' || COALESCE(student_code, '') || E'\x1f' || COALESCE(admission_number, '')) $$;

CREATE TABLE IF NOT EXISTS student_search (
    student_id INT PRIMARY KEY REFERENCES students (id) ON DELETE CASCADE,
    haystack TEXT NOT NULL
);
INSERT INTO student_search (student_id, haystack)
SELECT s.id, student_search_text(u.first_name, u.last_name, u.email, s.student_code, s.admission_number)
FROM students s JOIN users u ON u.id = s.user_id
ON CONFLICT (student_id) DO NOTHING;

CREATE OR REPLACE FUNCTION student_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO student_search (student_id, haystack)
    SELECT n.id, student_search_text(u.first_name, u.last_name, u.email, n.student_code, n.admission_number)
    FROM added n JOIN users u ON u.id = n.user_id
    ORDER BY n.id
    ON CONFLICT (student_id) DO UPDATE SET haystack = EXCLUDED.haystack;
    RETURN NULL;
END $$;

-- Locks the student's search row first, then reads students and users afresh, so two
-- transactions changing the same student's texts (its code, its user's name) take turns
-- and the later one sees the earlier one's committed change.
CREATE OR REPLACE FUNCTION student_search_refresh(wanted INT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM student_search WHERE student_id = wanted FOR UPDATE;
    UPDATE student_search ss
    SET haystack = student_search_text(u.first_name, u.last_name, u.email, s.student_code, s.admission_number)
    FROM students s JOIN users u ON u.id = s.user_id
    WHERE s.id = wanted AND ss.student_id = s.id;
END $$;

CREATE OR REPLACE FUNCTION student_search_student_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM student_search_refresh(NEW.id);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION student_search_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found INT;
BEGIN
    SELECT id INTO found FROM students WHERE user_id = NEW.id;
    IF found IS NOT NULL THEN
        PERFORM student_search_refresh(found);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS tr_student_search_added ON students;
CREATE TRIGGER tr_student_search_added AFTER INSERT ON students
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION student_search_added();
DROP TRIGGER IF EXISTS tr_student_search_student_changed ON students;
CREATE TRIGGER tr_student_search_student_changed AFTER UPDATE OF student_code, admission_number, user_id ON students
    FOR EACH ROW WHEN (OLD.student_code IS DISTINCT FROM NEW.student_code
                       OR OLD.admission_number IS DISTINCT FROM NEW.admission_number
                       OR OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION student_search_student_changed();
DROP TRIGGER IF EXISTS tr_student_search_user_changed ON users;
CREATE TRIGGER tr_student_search_user_changed AFTER UPDATE OF first_name, last_name, email ON users
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM NEW.last_name
                       OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION student_search_user_changed();


DO $trgm$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_student_search ON student_search USING gin (haystack gin_trgm_ops) WITH (fastupdate = off)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_search ON library_books USING gin ((UPPER(CAST((title || E'\x1f' || author || E'\x1f' || isbn || E'\x1f' || COALESCE(category, '') || E'\x1f' || COALESCE(publisher, '')) AS VARCHAR))) gin_trgm_ops) WITH (fastupdate = off)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_documents_search ON documents USING gin ((UPPER(CAST((title || E'\x1f' || COALESCE(description, '') || E'\x1f' || file_name) AS VARCHAR))) gin_trgm_ops) WITH (fastupdate = off)$ddl$;
    END IF;
END
$trgm$;

CREATE TABLE IF NOT EXISTS student_counts (
    department_id INT NOT NULL,
    program_id INT NOT NULL,
    batch_year INT NOT NULL,
    semester INT NOT NULL,
    status VARCHAR(20) NOT NULL,
    -- '' for a student without a category, so that the key has no NULL
    category VARCHAR(20) NOT NULL,
    students INT NOT NULL,
    PRIMARY KEY (department_id, program_id, batch_year, semester, status, category)
);
ALTER TABLE student_counts ADD CONSTRAINT ck_student_counts_students_non_negative CHECK (students >= 0);
INSERT INTO student_counts (department_id, program_id, batch_year, semester, status, category, students)
SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, ''), count(*)
FROM students GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT DO NOTHING;

{student_counts_changed}
DROP TRIGGER IF EXISTS tr_student_counts_added ON students;
CREATE TRIGGER tr_student_counts_added AFTER INSERT ON students
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION student_counts_changed();
DROP TRIGGER IF EXISTS tr_student_counts_changed ON students;
CREATE TRIGGER tr_student_counts_changed AFTER UPDATE ON students
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION student_counts_changed();
DROP TRIGGER IF EXISTS tr_student_counts_removed ON students;
CREATE TRIGGER tr_student_counts_removed AFTER DELETE ON students
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION student_counts_changed();

CREATE TABLE IF NOT EXISTS attendance_totals (
    enrollment_id INT PRIMARY KEY REFERENCES enrollments (id) ON DELETE CASCADE,
    -- the enrollment's student, so that the defaulters join students by it directly
    student_id INT NOT NULL,
    total_classes INT NOT NULL,
    attended_classes INT NOT NULL,
    attendance_percentage DECIMAL(5,2) GENERATED ALWAYS AS (
        CASE WHEN total_classes = 0 THEN 0 ELSE round(100.0 * attended_classes / total_classes, 2) END) STORED
);
ALTER TABLE attendance_totals ADD CONSTRAINT ck_attendance_totals_classes_range
    CHECK (attended_classes >= 0 AND attended_classes <= total_classes);
CREATE INDEX IF NOT EXISTS ix_attendance_totals_percentage ON attendance_totals (attendance_percentage)
    WHERE total_classes > 0;
INSERT INTO attendance_totals (enrollment_id, student_id, total_classes, attended_classes)
SELECT x.enrollment_id, e.student_id, sum(x.total_classes), sum(x.attended_classes)
FROM attendance_summary x JOIN enrollments e ON e.id = x.enrollment_id GROUP BY 1, 2
ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION attendance_totals_student_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE attendance_totals SET student_id = NEW.student_id WHERE enrollment_id = NEW.id;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS tr_attendance_totals_student_changed ON enrollments;
CREATE TRIGGER tr_attendance_totals_student_changed AFTER UPDATE OF student_id ON enrollments
    FOR EACH ROW WHEN (OLD.student_id IS DISTINCT FROM NEW.student_id)
    EXECUTE FUNCTION attendance_totals_student_changed();

-- The difference each statement makes per enrollment. An enrollment deleted in the same
-- statement (its summaries go with it by cascade) is left to its own cascade.
CREATE OR REPLACE FUNCTION attendance_totals_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO attendance_totals AS t (enrollment_id, student_id, total_classes, attended_classes)
    SELECT a.enrollment_id, e.student_id, sum(a.total_classes), sum(a.attended_classes)
    FROM added a JOIN enrollments e ON e.id = a.enrollment_id
    GROUP BY 1, 2 HAVING sum(a.total_classes) <> 0 OR sum(a.attended_classes) <> 0 ORDER BY 1
    ON CONFLICT (enrollment_id) DO UPDATE SET total_classes = t.total_classes + EXCLUDED.total_classes,
                                              attended_classes = t.attended_classes + EXCLUDED.attended_classes;
    RETURN NULL;
END $$;

{attendance_totals_changed}

DROP TRIGGER IF EXISTS tr_attendance_totals_added ON attendance_summary;
CREATE TRIGGER tr_attendance_totals_added AFTER INSERT ON attendance_summary
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION attendance_totals_added();
DROP TRIGGER IF EXISTS tr_attendance_totals_changed ON attendance_summary;
CREATE TRIGGER tr_attendance_totals_changed AFTER UPDATE ON attendance_summary
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION attendance_totals_changed();
DROP TRIGGER IF EXISTS tr_attendance_totals_removed ON attendance_summary;
CREATE TRIGGER tr_attendance_totals_removed AFTER DELETE ON attendance_summary
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION attendance_totals_changed();

CREATE TABLE IF NOT EXISTS fee_balances (
    fee_structure_id INT PRIMARY KEY REFERENCES fee_structures (id) ON DELETE CASCADE,
    student_id INT NOT NULL,
    due_date DATE NOT NULL,
    total_fee DECIMAL(12,2) NOT NULL,
    paid DECIMAL(12,2) NOT NULL DEFAULT 0
);
ALTER TABLE fee_balances ADD CONSTRAINT ck_fee_balances_paid_non_negative CHECK (paid >= 0);
CREATE INDEX IF NOT EXISTS ix_fee_balances_open ON fee_balances (due_date, student_id, fee_structure_id)
    WHERE paid < total_fee;
INSERT INTO fee_balances (fee_structure_id, student_id, due_date, total_fee, paid)
SELECT fs.id, fs.student_id, fs.due_date, fs.total_fee, COALESCE(p.paid, 0)
FROM fee_structures fs
LEFT JOIN (SELECT fee_structure_id, sum(amount_paid) AS paid FROM fee_payments
           WHERE payment_status = 'completed' GROUP BY 1) p ON p.fee_structure_id = fs.id
ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION fee_balances_structures_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fee_balances (fee_structure_id, student_id, due_date, total_fee)
    SELECT id, student_id, due_date, total_fee FROM added ORDER BY id
    ON CONFLICT (fee_structure_id) DO UPDATE SET student_id = EXCLUDED.student_id, due_date = EXCLUDED.due_date,
                                                 total_fee = EXCLUDED.total_fee;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fee_balances_structure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fee_balances SET student_id = NEW.student_id, due_date = NEW.due_date, total_fee = NEW.total_fee
    WHERE fee_structure_id = NEW.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fee_balances_payments_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fee_balances b SET paid = b.paid + d.amount
    FROM (SELECT fee_structure_id, sum(amount_paid) AS amount FROM added
          WHERE payment_status = 'completed' GROUP BY 1 ORDER BY 1) d
    WHERE b.fee_structure_id = d.fee_structure_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fee_balances_payments_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fee_balances b SET paid = b.paid - d.amount
    FROM (SELECT fee_structure_id, sum(amount_paid) AS amount FROM removed
          WHERE payment_status = 'completed' GROUP BY 1 ORDER BY 1) d
    WHERE b.fee_structure_id = d.fee_structure_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fee_balances_payments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fee_balances b SET paid = b.paid + d.amount
    FROM (SELECT fee_structure_id, sum(amount) AS amount FROM (
              SELECT fee_structure_id, amount_paid AS amount FROM added WHERE payment_status = 'completed'
              UNION ALL
              SELECT fee_structure_id, -amount_paid FROM removed WHERE payment_status = 'completed'
          ) x GROUP BY 1 HAVING sum(amount) <> 0 ORDER BY 1) d
    WHERE b.fee_structure_id = d.fee_structure_id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS tr_fee_balances_structures_added ON fee_structures;
CREATE TRIGGER tr_fee_balances_structures_added AFTER INSERT ON fee_structures
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION fee_balances_structures_added();
DROP TRIGGER IF EXISTS tr_fee_balances_structure_changed ON fee_structures;
CREATE TRIGGER tr_fee_balances_structure_changed AFTER UPDATE OF student_id, due_date, total_fee ON fee_structures
    FOR EACH ROW WHEN (OLD.student_id IS DISTINCT FROM NEW.student_id OR OLD.due_date IS DISTINCT FROM NEW.due_date
                       OR OLD.total_fee IS DISTINCT FROM NEW.total_fee)
    EXECUTE FUNCTION fee_balances_structure_changed();
DROP TRIGGER IF EXISTS tr_fee_balances_payments_added ON fee_payments;
CREATE TRIGGER tr_fee_balances_payments_added AFTER INSERT ON fee_payments
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION fee_balances_payments_added();
DROP TRIGGER IF EXISTS tr_fee_balances_payments_changed ON fee_payments;
CREATE TRIGGER tr_fee_balances_payments_changed AFTER UPDATE ON fee_payments
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION fee_balances_payments_changed();
DROP TRIGGER IF EXISTS tr_fee_balances_payments_removed ON fee_payments;
CREATE TRIGGER tr_fee_balances_payments_removed AFTER DELETE ON fee_payments
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION fee_balances_payments_removed();
"""


_COUNT_KEY = "department_id, program_id, batch_year, semester, status, category"
_COUNT_KEY_OF = "(c.department_id, c.program_id, c.batch_year, c.semester, c.status, c.category)"
_COUNT_KEY_D = "(d.department_id, d.program_id, d.batch_year, d.semester, d.status, d.category)"
# The change in students per group a statement made, from its transition tables.
_REMOVED_PER_GROUP = """
    SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, '') AS category,
           -count(*) AS n
    FROM removed GROUP BY 1, 2, 3, 4, 5, 6"""
_MOVED_PER_GROUP = """
    SELECT department_id, program_id, batch_year, semester, status, category, sum(n) AS n FROM (
        SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, '') AS category, 1 AS n
        FROM added
        UNION ALL
        SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, ''), -1 FROM removed
    ) m
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0"""


def _apply_counts(changes: str) -> str:
    """Lock the groups a statement changed in key order, add the changes to the existing
    ones, insert the groups seen for the first time."""
    return f"""
        PERFORM 1 FROM student_counts c JOIN ({changes}) d USING ({_COUNT_KEY})
        ORDER BY {_COUNT_KEY_OF[1:-1]} FOR UPDATE OF c;
        UPDATE student_counts c SET students = c.students + d.n FROM ({changes}) d
        WHERE {_COUNT_KEY_OF} = {_COUNT_KEY_D};
        INSERT INTO student_counts AS c ({_COUNT_KEY}, students)
        SELECT {_COUNT_KEY}, n FROM ({changes}) d
        WHERE n > 0 AND NOT EXISTS (SELECT 1 FROM student_counts c WHERE {_COUNT_KEY_OF} = {_COUNT_KEY_D})
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ({_COUNT_KEY}) DO UPDATE SET students = c.students + EXCLUDED.students;"""


# A CHECK holds for the row an upsert proposes before the conflict is found, so a negative
# change cannot go through INSERT ... ON CONFLICT. The groups a statement changes are
# locked first, in key order (two writers moving students between the same groups in
# opposite directions then wait for each other instead of deadlocking); the existing ones
# get their change by UPDATE, and only groups seen for the first time are inserted, with
# a positive count.
STUDENT_COUNTS_CHANGED = f"""
CREATE OR REPLACE FUNCTION student_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO student_counts AS c ({_COUNT_KEY}, students)
        SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, ''), count(*)
        FROM added GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ({_COUNT_KEY}) DO UPDATE SET students = c.students + EXCLUDED.students;
    ELSIF TG_OP = 'DELETE' THEN{_apply_counts(_REMOVED_PER_GROUP)}
    ELSE{_apply_counts(_MOVED_PER_GROUP)}
    END IF;
    RETURN NULL;
END $$;"""


# The change in classes per enrollment a statement made to its monthly summaries.
_SUMMARIES_REMOVED = """
    SELECT enrollment_id, -sum(total_classes) AS total_classes, -sum(attended_classes) AS attended_classes
    FROM removed GROUP BY 1"""
_SUMMARIES_MOVED = """
    SELECT enrollment_id, sum(total_classes) AS total_classes, sum(attended_classes) AS attended_classes FROM (
        SELECT enrollment_id, total_classes, attended_classes FROM added
        UNION ALL
        SELECT enrollment_id, -total_classes, -attended_classes FROM removed
    ) m
    GROUP BY 1 HAVING sum(total_classes) <> 0 OR sum(attended_classes) <> 0"""


def _apply_totals(changes: str) -> str:
    """As `_apply_counts`: lock in enrollment order, change the existing totals, insert the
    enrollments seen for the first time (an enrollment deleted in the same statement, its
    summaries going with it by cascade, is left to its own cascade)."""
    return f"""
        PERFORM 1 FROM attendance_totals t JOIN ({changes}) d USING (enrollment_id)
        ORDER BY t.enrollment_id FOR UPDATE OF t;
        UPDATE attendance_totals t SET total_classes = t.total_classes + d.total_classes,
                                       attended_classes = t.attended_classes + d.attended_classes
        FROM ({changes}) d WHERE t.enrollment_id = d.enrollment_id;
        INSERT INTO attendance_totals AS t (enrollment_id, student_id, total_classes, attended_classes)
        SELECT d.enrollment_id, e.student_id, d.total_classes, d.attended_classes
        FROM ({changes}) d JOIN enrollments e ON e.id = d.enrollment_id
        WHERE NOT EXISTS (SELECT 1 FROM attendance_totals x WHERE x.enrollment_id = d.enrollment_id)
        ORDER BY d.enrollment_id
        ON CONFLICT (enrollment_id) DO UPDATE SET total_classes = t.total_classes + EXCLUDED.total_classes,
                                                  attended_classes = t.attended_classes + EXCLUDED.attended_classes;"""


ATTENDANCE_TOTALS_CHANGED = f"""
CREATE OR REPLACE FUNCTION attendance_totals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN{_apply_totals(_SUMMARIES_REMOVED)}
    ELSE{_apply_totals(_SUMMARIES_MOVED)}
    END IF;
    RETURN NULL;
END $$;"""

UPGRADE = UPGRADE_TEMPLATE.replace("{student_counts_changed}", STUDENT_COUNTS_CHANGED).replace(
    "{attendance_totals_changed}", ATTENDANCE_TOTALS_CHANGED)


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS tr_fee_balances_payments_removed ON fee_payments;
DROP TRIGGER IF EXISTS tr_fee_balances_payments_changed ON fee_payments;
DROP TRIGGER IF EXISTS tr_fee_balances_payments_added ON fee_payments;
DROP TRIGGER IF EXISTS tr_fee_balances_structure_changed ON fee_structures;
DROP TRIGGER IF EXISTS tr_fee_balances_structures_added ON fee_structures;
DROP FUNCTION IF EXISTS fee_balances_payments_changed();
DROP FUNCTION IF EXISTS fee_balances_payments_removed();
DROP FUNCTION IF EXISTS fee_balances_payments_added();
DROP FUNCTION IF EXISTS fee_balances_structure_changed();
DROP FUNCTION IF EXISTS fee_balances_structures_added();
DROP TABLE IF EXISTS fee_balances;
DROP TRIGGER IF EXISTS tr_attendance_totals_removed ON attendance_summary;
DROP TRIGGER IF EXISTS tr_attendance_totals_changed ON attendance_summary;
DROP TRIGGER IF EXISTS tr_attendance_totals_added ON attendance_summary;
DROP FUNCTION IF EXISTS attendance_totals_changed();
DROP TRIGGER IF EXISTS tr_attendance_totals_student_changed ON enrollments;
DROP FUNCTION IF EXISTS attendance_totals_student_changed();
DROP FUNCTION IF EXISTS attendance_totals_added();
DROP TABLE IF EXISTS attendance_totals;
DROP TRIGGER IF EXISTS tr_student_counts_removed ON students;
DROP TRIGGER IF EXISTS tr_student_counts_changed ON students;
DROP TRIGGER IF EXISTS tr_student_counts_added ON students;
DROP FUNCTION IF EXISTS student_counts_changed();
DROP TABLE IF EXISTS student_counts;
DROP INDEX IF EXISTS trgm_documents_search;
DROP INDEX IF EXISTS trgm_library_books_search;
DROP TRIGGER IF EXISTS tr_student_search_user_changed ON users;
DROP TRIGGER IF EXISTS tr_student_search_student_changed ON students;
DROP TRIGGER IF EXISTS tr_student_search_added ON students;
DROP FUNCTION IF EXISTS student_search_user_changed();
DROP FUNCTION IF EXISTS student_search_student_changed();
DROP FUNCTION IF EXISTS student_search_refresh(INT);
DROP FUNCTION IF EXISTS student_search_added();
DROP TABLE IF EXISTS student_search;
DROP FUNCTION IF EXISTS student_search_text(TEXT, TEXT, TEXT, TEXT, TEXT);
"""
