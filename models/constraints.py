"""Database rules that Tortoise and aerich cannot declare, kept as data.

Neither Tortoise's schema generator nor aerich emits CHECK constraints, partial or
expression indexes, or sequences, so they are listed here and applied by a migration.
Each ``sql`` is one plain DDL statement meant to run once, inside that migration's
transaction:

- ``CREATE [UNIQUE] INDEX IF NOT EXISTS`` and ``CREATE SEQUENCE IF NOT EXISTS`` are safe
  to run again;
- ``ALTER TABLE ... ADD CONSTRAINT`` is not (PostgreSQL has no ``IF NOT EXISTS`` for it).
  To re-apply one (e.g. after changing its expression), run ``drop_sql`` first.

Kinds: ``check``; ``foreign_key`` (a reference the ORM cannot declare, see
``Department.hod_id``); ``unique_index`` (partial unique, or unique on an expression);
``index`` (partial index);
``trigram`` (GIN ``gin_trgm_ops``: needs ``TRIGRAM_EXTENSION_SQL`` first, and the pg_trgm
extension may be missing, e.g. in the embedded PostgreSQL, so apply these only when
``CREATE EXTENSION`` succeeds); ``sequence``.

Trigram indexes are built on ``UPPER(CAST(col AS VARCHAR))``, the exact expression
Tortoise's ``icontains`` filter emits on PostgreSQL, so ORM searches can use them.
"""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["check", "foreign_key", "unique_index", "index", "trigram", "sequence"]

TRIGRAM_EXTENSION_SQL = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


@dataclass(frozen=True, slots=True)
class SchemaConstraint:
    table: str
    name: str
    sql: str
    kind: Kind

    @property
    def drop_sql(self) -> str:
        if self.kind in ("check", "foreign_key"):
            return f"ALTER TABLE {self.table} DROP CONSTRAINT IF EXISTS {self.name}"
        if self.kind == "sequence":
            return f"DROP SEQUENCE IF EXISTS {self.name}"
        return f"DROP INDEX IF EXISTS {self.name}"


def _check(table: str, suffix: str, expression: str) -> SchemaConstraint:
    name = f"ck_{table}_{suffix}"
    sql = f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({expression})"
    return SchemaConstraint(table, name, sql, "check")


def _non_negative(table: str, *columns: str) -> list[SchemaConstraint]:
    """NULL passes a CHECK, so this also suits nullable columns."""
    return [_check(table, f"{column}_non_negative", f"{column} >= 0") for column in columns]


def _unique_where(table: str, suffix: str, columns: str, where: str) -> SchemaConstraint:
    name = f"uq_{table}_{suffix}"
    sql = f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({columns}) WHERE {where}"
    return SchemaConstraint(table, name, sql, "unique_index")


def _unique_ci(table: str, column: str, fold: Literal["UPPER", "LOWER"]) -> SchemaConstraint:
    """Unique ignoring case. The services compare names, codes and user names with
    ``iexact``; the column's own UNIQUE is case-sensitive, so without this two concurrent
    creates of "Physics" and "PHYSICS" both pass the service's check and both insert."""
    name = f"uq_{table}_{column}_ci"
    sql = f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({fold}({column}))"
    return SchemaConstraint(table, name, sql, "unique_index")


def _index_where(table: str, suffix: str, columns: str, where: str) -> SchemaConstraint:
    name = f"ix_{table}_{suffix}"
    sql = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) WHERE {where}"
    return SchemaConstraint(table, name, sql, "index")


def _trigram(table: str, column: str) -> SchemaConstraint:
    name = f"trgm_{table}_{column}"
    sql = (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin ((UPPER(CAST({column} AS VARCHAR))) gin_trgm_ops)"
    )
    return SchemaConstraint(table, name, sql, "trigram")


# The searched columns of a table as one text (migration 5 indexes them), joined by U+001F so
# that a term without that character matches within one column only. The services search
# `UPPER(CAST((<text>) AS VARCHAR)) LIKE UPPER(pattern)`, the indexed expression exactly
# (and the form Tortoise's icontains gives an annotation).
SEARCH_SEPARATOR = "\x1f"
BOOK_SEARCH_TEXT = (
    "title || E'\\x1f' || author || E'\\x1f' || isbn || E'\\x1f' || COALESCE(category, '') || E'\\x1f' "
    "|| COALESCE(publisher, '')"
)
DOCUMENT_SEARCH_TEXT = "title || E'\\x1f' || COALESCE(description, '') || E'\\x1f' || file_name"


CONSTRAINTS: tuple[SchemaConstraint, ...] = (
    # users (emails are stored lowercased; the index holds whatever writes the table)
    _check("users", "user_name_length", "char_length(user_name) >= 3"),
    _unique_ci("users", "user_name", "LOWER"),
    _unique_ci("users", "email", "LOWER"),
    # faculty
    *_non_negative("faculty", "experience_years"),
    # students
    _check("students", "semester_positive", "semester >= 1"),
    _check("students", "cgpa_range", "cgpa >= 0 AND cgpa <= 10"),
    # the codes as the services and imports match them (`iexact`), one probe per code
    _index_where("students", "student_code_ci", "UPPER(student_code)", "true"),
    _index_where("students", "admission_number_ci", "UPPER(admission_number)", "true"),
    # parents
    *_non_negative("parents", "annual_income"),
    # departments: names and codes unique ignoring case; the HOD reference (departments
    # and faculty reference each other)
    _unique_ci("departments", "name", "UPPER"),
    _unique_ci("departments", "code", "UPPER"),
    SchemaConstraint(
        "departments",
        "fk_departments_hod_faculty",
        "ALTER TABLE departments ADD CONSTRAINT fk_departments_hod_faculty "
        "FOREIGN KEY (hod_id) REFERENCES faculty (id) ON DELETE SET NULL",
        "foreign_key",
    ),
    # programs
    _unique_ci("programs", "name", "UPPER"),
    _unique_ci("programs", "code", "UPPER"),
    _check("programs", "duration_years_positive", "duration_years > 0"),
    _check("programs", "total_semesters_positive", "total_semesters > 0"),
    _check("programs", "total_credits_positive", "total_credits > 0"),
    # courses
    _unique_ci("courses", "name", "UPPER"),
    _unique_ci("courses", "code", "UPPER"),
    _check("courses", "credits_positive", "credits > 0"),
    _check("courses", "max_students_positive", "max_students > 0"),
    # course_prerequisites
    _check("course_prerequisites", "not_self", "course_id <> prerequisite_id"),
    # program_courses
    _check("program_courses", "semester_positive", "semester >= 1"),
    # course_offerings
    _check("course_offerings", "semester_positive", "semester >= 1"),
    _check("course_offerings", "dates_ordered", "start_date < end_date"),
    _check("course_offerings", "max_capacity_positive", "max_capacity > 0"),
    _check(
        "course_offerings",
        "enrolled_within_capacity",
        "enrolled_students >= 0 AND (max_capacity IS NULL OR enrolled_students <= max_capacity)",
    ),
    _unique_where(
        "course_offerings",
        "no_section",
        "course_id, program_id, academic_year, semester",
        "section IS NULL",
    ),
    # enrollments
    _check("enrollments", "grade_point_range", "grade_point >= 0 AND grade_point <= 10"),
    *_non_negative("enrollments", "credits_earned"),
    _unique_where("enrollments", "one_enrolled", "student_id, program_id", "status = 'enrolled'"),
    # the dashboard's enrollment trend reads enrollments by month (migration 3)
    SchemaConstraint(
        "enrollments",
        "ix_enrollments_enrollment_date",
        "CREATE INDEX IF NOT EXISTS ix_enrollments_enrollment_date ON enrollments (enrollment_date)",
        "index",
    ),
    # timetable_slots
    _check("timetable_slots", "day_of_week_range", "day_of_week BETWEEN 0 AND 6"),
    _check("timetable_slots", "times_ordered", "start_time < end_time"),
    # class_schedules
    _unique_where("class_schedules", "one_active", "slot_id, room_no", "is_active"),
    # exam_schedules
    _check("exam_schedules", "times_ordered", "start_time < end_time"),
    _check("exam_schedules", "semester_positive", "semester >= 1"),
    # exam_timetables
    _check("exam_timetables", "times_ordered", "start_time < end_time"),
    _check("exam_timetables", "duration_positive", "duration_minutes > 0"),
    _check("exam_timetables", "max_marks_positive", "max_marks > 0"),
    # assessments
    _check("assessments", "max_marks_positive", "max_marks > 0"),
    _check("assessments", "weightage_range", "weightage > 0 AND weightage <= 100"),
    # grades (the upper bound, the assessment's max_marks, is checked by the service)
    *_non_negative("grades", "marks_obtained"),
    # grade_changes (a table without a model, created by migration 3)
    SchemaConstraint(
        "grade_changes",
        "ix_grade_changes_grade",
        "CREATE INDEX IF NOT EXISTS ix_grade_changes_grade ON grade_changes (grade_id, changed_at)",
        "index",
    ),
    _check("grade_changes", "reason_given", "char_length(btrim(reason)) > 0"),
    # semester_results
    _check("semester_results", "semester_positive", "semester >= 1"),
    _check("semester_results", "gpa_range", "gpa >= 0 AND gpa <= 10"),
    _check("semester_results", "cgpa_range", "cgpa >= 0 AND cgpa <= 10"),
    *_non_negative("semester_results", "total_credits_attempted"),
    _check(
        "semester_results",
        "credits_earned_range",
        "total_credits_earned >= 0 AND total_credits_earned <= total_credits_attempted",
    ),
    # grading_scales
    _check(
        "grading_scales", "min_percentage_range", "min_percentage >= 0 AND min_percentage <= 100"
    ),
    _check("grading_scales", "grade_point_range", "grade_point >= 0 AND grade_point <= 10"),
    # attendance_summary
    _check(
        "attendance_summary",
        "classes_range",
        "attended_classes >= 0 AND attended_classes <= total_classes",
    ),
    _check(
        "attendance_summary",
        "percentage_range",
        "attendance_percentage >= 0 AND attendance_percentage <= 100",
    ),
    _check("attendance_summary", "month_first_day", "EXTRACT(DAY FROM month) = 1"),
    # fee_structures
    _check("fee_structures", "semester_positive", "semester >= 1"),
    *_non_negative(
        "fee_structures",
        "tuition_fee",
        "lab_fee",
        "library_fee",
        "sports_fee",
        "examination_fee",
        "hostel_fee",
        "other_fee",
        "late_fee_per_day",
    ),
    _check(
        "fee_structures",
        "total_is_sum",
        "total_fee = tuition_fee + lab_fee + library_fee + sports_fee + examination_fee"
        " + COALESCE(hostel_fee, 0) + COALESCE(other_fee, 0)",
    ),
    # fee_payments
    _check("fee_payments", "amount_positive", "amount_paid > 0"),
    *_non_negative("fee_payments", "late_fee", "discount"),
    SchemaConstraint(
        "fee_payments",
        "fee_receipt_number_seq",
        "CREATE SEQUENCE IF NOT EXISTS fee_receipt_number_seq",
        "sequence",
    ),
    # library_books
    _check(
        "library_books",
        "copies",
        "copies_available >= 0 AND copies_available <= copies_total",
    ),
    *_non_negative("library_books", "price"),
    _check("library_books", "pages_positive", "pages > 0"),
    # book_issues
    *_non_negative("book_issues", "fine_amount", "renewal_count"),
    _check("book_issues", "due_after_issue", "due_date >= issue_date"),
    _check("book_issues", "return_after_issue", "return_date >= issue_date"),
    _unique_where("book_issues", "one_open", "book_id, user_id", "status = 'issued'"),
    # hostels
    *_non_negative("hostels", "total_rooms", "total_capacity", "occupied_capacity"),
    # hostel_rooms
    _check("hostel_rooms", "capacity_positive", "capacity > 0"),
    # the available rooms' list: one ordered walk of the rooms with a free bed
    SchemaConstraint(
        "hostel_rooms",
        "ix_hostel_rooms_available",
        "CREATE INDEX IF NOT EXISTS ix_hostel_rooms_available ON hostel_rooms (hostel_id, room_number, id) "
        "INCLUDE (room_type, floor, capacity, occupied_beds, room_fee) "
        "WHERE is_active AND status = 'available' AND occupied_beds < capacity",
        "index",
    ),
    _check(
        "hostel_rooms",
        "occupied_beds_range",
        "occupied_beds >= 0 AND occupied_beds <= capacity",
    ),
    *_non_negative("hostel_rooms", "room_fee"),
    # hostel_allocations
    _check("hostel_allocations", "release_after_allocation", "release_date >= allocation_date"),
    _unique_where("hostel_allocations", "one_active", "student_id", "status = 'active'"),
    # notifications: the scheduled-delivery job's scan
    _index_where("notifications", "due", "scheduled_at", "status = 'scheduled'"),
    # documents
    *_non_negative("documents", "file_size"),
    # search
    _trigram("users", "first_name"),
    _trigram("users", "last_name"),
    _trigram("users", "email"),
    _trigram("students", "student_code"),
    _trigram("students", "admission_number"),
    _trigram("library_books", "title"),
    _trigram("library_books", "author"),
    # campus services (migration 4): the fee defaulters scan, the book search's other
    # columns, and the fine payments' amount
    _index_where("fee_structures", "due", "due_date", "true"),
    SchemaConstraint(
        "fee_payments",
        "ix_fee_payments_completed",
        "CREATE INDEX IF NOT EXISTS ix_fee_payments_completed ON fee_payments (fee_structure_id) "
        "INCLUDE (amount_paid) WHERE payment_status = 'completed'",
        "index",
    ),
    _trigram("library_books", "isbn"),
    _trigram("library_books", "category"),
    _trigram("library_books", "publisher"),
    _check("library_fine_payments", "amount_positive", "amount > 0"),
    _index_where("library_fine_payments", "issue", "book_issue_id", "true"),
    # reports (migration 6): the report jobs' states and the worker's scans, and the
    # attendance counts the reports read
    _check("report_jobs", "status", "status IN ('queued', 'running', 'done', 'failed', 'expired')"),
    _check("report_jobs", "format", "format IN ('xlsx', 'csv', 'pdf')"),
    _check("report_jobs", "progress", "progress BETWEEN 0 AND 100"),
    _check("report_jobs", "done_has_file", "status <> 'done' OR file_key IS NOT NULL"),
    _index_where("report_jobs", "requester", "requested_by_id, created_at", "true"),
    _index_where("report_jobs", "lease", "lease_until", "status = 'running'"),
    _index_where("report_jobs", "queued", "created_at", "status = 'queued'"),
    _index_where("report_jobs", "expiry", "expires_at", "status = 'done'"),
    _index_where("attendance_daily_counts", "date", "date", "true"),

    # read paths (migration 5): one search text per searched table, counts kept by triggers
    SchemaConstraint(
        "student_search",
        "trgm_student_search",
        "CREATE INDEX IF NOT EXISTS trgm_student_search ON student_search USING gin (haystack gin_trgm_ops) "
        "WITH (fastupdate = off)",
        "trigram",
    ),
    SchemaConstraint(
        "library_books",
        "trgm_library_books_search",
        "CREATE INDEX IF NOT EXISTS trgm_library_books_search ON library_books "
        f"USING gin ((UPPER(CAST(({BOOK_SEARCH_TEXT}) AS VARCHAR))) gin_trgm_ops) WITH (fastupdate = off)",
        "trigram",
    ),
    SchemaConstraint(
        "documents",
        "trgm_documents_search",
        "CREATE INDEX IF NOT EXISTS trgm_documents_search ON documents "
        f"USING gin ((UPPER(CAST(({DOCUMENT_SEARCH_TEXT}) AS VARCHAR))) gin_trgm_ops) WITH (fastupdate = off)",
        "trigram",
    ),
    _check("student_counts", "students_non_negative", "students >= 0"),
    _check("attendance_totals", "classes_range", "attended_classes >= 0 AND attended_classes <= total_classes"),
    SchemaConstraint(
        "attendance_totals",
        "ix_attendance_totals_percentage",
        "CREATE INDEX IF NOT EXISTS ix_attendance_totals_percentage ON attendance_totals (attendance_percentage) "
        "WHERE total_classes > 0",
        "index",
    ),
    _check("fee_balances", "paid_non_negative", "paid >= 0"),
    SchemaConstraint(
        "fee_balances",
        "ix_fee_balances_open",
        "CREATE INDEX IF NOT EXISTS ix_fee_balances_open ON fee_balances (due_date, student_id, fee_structure_id) "
        "WHERE paid < total_fee",
        "index",
    ),
    _index_where("attendance_monthly_counts", "month", "month", "true"),
)

# Tables kept outside the Tortoise models (so aerich's model snapshot stays as it is),
# created by migration 4 and read and written with SQL by their services.
CAMPUS_TABLES: tuple[str, ...] = ("fee_payment_idempotency_keys", "library_fine_payments")

# Tables kept outside the Tortoise models, created by migration 8 (schedules and
# communication): calendar feed tokens (hashed), the email opt-out, the emails each
# notification has sent, and what each reminder rule has already notified.
COMMUNICATION_TABLES: tuple[str, ...] = ("calendar_feeds", "notification_preferences", "notification_emails",
                                         "reminder_notices")
CONSTRAINTS = (
    *CONSTRAINTS,
    # migration 8: a notification's rule notices (SET NULL when it is deleted)
    _index_where("reminder_notices", "notification", "notification_id", "true"),
)

# Tables kept outside the Tortoise models, created by migration 5, and the triggers that
# keep them equal to the rows they are made from, in the transaction of every write.
READ_PATH_TABLES: tuple[str, ...] = ("student_search", "student_counts", "attendance_totals", "fee_balances")
READ_PATH_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("students", "tr_student_search_added"),
    ("students", "tr_student_search_student_changed"),
    ("users", "tr_student_search_user_changed"),
    ("students", "tr_student_counts_added"),
    ("students", "tr_student_counts_changed"),
    ("students", "tr_student_counts_removed"),
    ("attendance_summary", "tr_attendance_totals_added"),
    ("attendance_summary", "tr_attendance_totals_changed"),
    ("attendance_summary", "tr_attendance_totals_removed"),
    ("enrollments", "tr_attendance_totals_student_changed"),
    ("fee_structures", "tr_fee_balances_structures_added"),
    ("fee_structures", "tr_fee_balances_structure_changed"),
    ("fee_payments", "tr_fee_balances_payments_added"),
    ("fee_payments", "tr_fee_balances_payments_changed"),
    ("fee_payments", "tr_fee_balances_payments_removed"),
)

# Created by migration 6 (reports): the report jobs the workers run, and the counts the
# reports read, kept exact by triggers on attendance, fee_payments, fee_structures and
# students (attendance per offering, day or month and department; payments per month and
# key; open fee balances per key).
REPORT_TABLES: tuple[str, ...] = ("report_jobs", "attendance_daily_counts", "attendance_monthly_counts",
                                  "fee_payment_monthly", "fee_balance_counts")

# Tables of the bulk imports (migration 7), outside the Tortoise models for the same
# reason, read and written with SQL by dashboard.services.imports.
IMPORT_TABLES: tuple[str, ...] = ("imports", "import_rows")
