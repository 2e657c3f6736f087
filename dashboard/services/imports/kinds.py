"""The import kinds: each one's template, its set-based checks (the rules and messages of
the single-create service of its section) and its set-based writes.

Checks load what a batch refers to with one query per reference (every student code of
the batch at once); writes are multi-row INSERTs from arrays (`unnest`) inside the
caller's transaction, each written row with its audit row, inserted the same way and
tagged with the import's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel
from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.roles import Permission
from dashboard.schemas.imports import (
    BookImportRow,
    EnrollmentImportRow,
    FacultyImportRow,
    FeeStructureImportRow,
    GradeImportRow,
    ParentImportRow,
    RegistrationImportRow,
    StudentImportRow,
)
from dashboard.services.imports.rows import (
    Column,
    ImportContext,
    Row,
    check_duplicates,
    dumps,
    fold,
    merged,
    plain,
    settle,
    validate,
)
from models.enums import Category, EmploymentType, FacultyStatus, Gender, PersonStatus


def _db() -> Any:
    return connections.get("default")


def _choices(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


# Keys are matched ignoring case, as the services' `iexact` does.
#
# Student codes, admission numbers, emails, user names and phones have a btree index on
# the folded value (migrations 2 and 12), and a batch finds its records with one probe of
# that index per key: `unnest($1) AS k(key) CROSS JOIN LATERAL (SELECT ... WHERE
# UPPER(col) = k.key OFFSET 0)`. The `OFFSET 0` keeps the subquery a probe per key:
# flattened into a join, PostgreSQL prices 2,000 probes above one hash of the whole table
# and hashes every student each batch (27 ms at 50,000 students, growing with them,
# against 2 ms of probes; the previous merge join of students with users took 340 ms),
# and an OR of `= ANY` arrays on users became a scan of every user (73 ms with 95,000).
#
# The other keys (ISBN, employee id, course code) have only a trigram index on UPPER(col),
# and are matched by a hash join of the table with the batch's keys (`JOIN unnest($1) AS
# k(key)`), the expression written `UPPER(col) || ''` on purpose: bare, PostgreSQL picks the
# trigram index and `= ANY(2000 codes)` took 4.9 s per batch on the 50,000-student clone
# (EXPLAIN ANALYZE), and a scan comparing each row with the whole array 4.2 s; the hash
# join takes milliseconds.

# --- audit rows, set-based -----------------------------------------------------------------

_INSERT_AUDIT = """
INSERT INTO audit_logs (user_id, action, entity_name, entity_type, entity_id, old_value, new_value,
                        ip_address, user_agent, timestamp)
SELECT $1, a, n, t, i, o::jsonb, v::jsonb, $2, $3, now()
FROM unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]) AS x(a, n, t, i, o, v)
RETURNING id, entity_type, entity_id
"""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    name: str
    entity_type: str
    entity_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def audit_rows(ctx: ImportContext, entries: Sequence[AuditEntry]) -> dict[tuple[str, int], int]:
    """One audit row per entry, all in one INSERT; each new value carries `import_id`.
    Returns the audit row id by (entity type, entity id)."""
    if not entries:
        return {}
    actor = ctx.actor
    tag = {"import_id": ctx.import_id}
    rows = await _db().execute_query_dict(_INSERT_AUDIT, [
        actor.user_id, actor.ip_address, (actor.user_agent or "")[:500] or None,
        [e.action for e in entries], [e.name[:255] for e in entries], [e.entity_type for e in entries],
        [e.entity_id for e in entries],
        [dumps(e.before) if e.before is not None else None for e in entries],
        [dumps((e.after or {}) | tag) for e in entries],
    ])
    return {(r["entity_type"], r["entity_id"]): r["id"] for r in rows}


async def update_row(ctx: ImportContext, *, table: str, entity_id: int, changes: dict[str, Any],
                     before: dict[str, Any], name: str, allowed: frozenset[str]) -> AuditEntry:
    """An upsert's UPDATE of the columns the file changed (named from the kind's own
    list, never from the file) with its audit entry."""
    columns = [c for c in changes if c in allowed]
    assignments = ", ".join(f"{c} = ${n}" for n, c in enumerate(columns, start=2))
    await _db().execute_query(
        f"UPDATE {table} SET {assignments}, updated_at = now() WHERE id = $1",  # columns from the kind's allow-list
        [entity_id, *[changes[c] for c in columns]])
    return AuditEntry("update", name, table, entity_id, {c: plain(before.get(c)) for c in columns},
                      {c: plain(changes[c]) for c in columns})


# --- the kinds ------------------------------------------------------------------------------


class Kind:
    name: ClassVar[str]
    label: ClassVar[str]
    permission: ClassVar[Permission]
    columns: ClassVar[tuple[Column, ...]]
    key: ClassVar[str]
    schema: ClassVar[type[BaseModel]]
    exists_message: ClassVar[str]
    entity_type: ClassVar[str]
    needs_assessment: ClassVar[bool] = False
    creates_accounts: ClassVar[bool] = False
    # Columns that must be unique within the file.
    unique: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    @classmethod
    def required(cls) -> list[str]:
        return [c.name for c in cls.columns if c.required]

    async def prepare(self, ctx: ImportContext) -> None:
        """Once per run: the small maps every batch reads."""

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The records the batch's keys name, by folded key, in the shape of the columns,
        with `_id` and `_version`."""
        raise NotImplementedError

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        """The section's rules beyond the schema, set-based."""

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        """Inside the caller's transaction: insert the created rows, update the updated
        ones, set each row's entity and audit ids."""
        raise NotImplementedError

    def key_of(self, row: Row) -> str | None:
        return row.raw.get(self.key)

    def unique_values(self, row: Row) -> list[tuple[str, str]]:
        """The (column, value) pairs of the row that must not repeat within the file."""
        return [(c, row.raw[c]) for c in self.unique if row.raw.get(c)]

    async def check(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        keys = sorted({fold(k) for row in rows if (k := self.key_of(row))})
        found = await self.existing(ctx, keys) if keys else {}
        for row in rows:
            key = self.key_of(row)
            target = found.get(fold(key)) if key else None
            if target is not None and ctx.mode == "create":
                row.error(self.key, self.exists_message)
                target = None
            row.target = target
            values = validate(row, self.schema, merged(row, target))
            if values is not None:
                row.values = values
        await self.rules(ctx, [row for row in rows if row.values])
        check_duplicates(ctx, rows, self.unique_values)
        settle(rows, self.column_names())


# Students -------------------------------------------------------------------------------

_STUDENT_EXISTING = """
SELECT s.id AS _id, s.user_id AS _user_id,
       COALESCE(s.updated_at, s.created_at)::text || '|' || COALESCE(s.u_updated_at, s.u_created_at)::text AS _version,
       s.student_code, s.admission_number, s.admission_date, p.code AS program_code, d.code AS department_code,
       s.batch_year, s.semester, s.section, s.blood_group, s.nationality, s.religion, s.category, s.status,
       s.email, s.user_name, s.first_name, s.middle_name, s.last_name, s.date_of_birth, s.gender, s.phone,
       s.emergency_contact, s.address, s.city, s.state, s.country, s.postal_code
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT s.id, s.user_id, s.updated_at, s.created_at, s.student_code, s.admission_number,
                           s.admission_date, s.program_id, s.department_id, s.batch_year, s.semester, s.section,
                           s.blood_group, s.nationality, s.religion, s.category, s.status,
                           u.updated_at AS u_updated_at, u.created_at AS u_created_at, u.email, u.user_name,
                           u.first_name, u.middle_name, u.last_name, u.date_of_birth, u.gender, u.phone,
                           u.emergency_contact, u.address, u.city, u.state, u.country, u.postal_code
                    FROM students s JOIN users u ON u.id = s.user_id
                    WHERE UPPER(s.student_code) = k.key OFFSET 0) s
JOIN programs p ON p.id = s.program_id JOIN departments d ON d.id = s.department_id
"""
# The accounts holding any of the batch's emails, user names or phones.
_ACCOUNTS = """
SELECT a.id, LOWER(a.email) AS email, LOWER(a.user_name) AS user_name, a.phone
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, email, user_name, phone FROM users WHERE LOWER(email) = k.key OFFSET 0) a
UNION ALL
SELECT a.id, LOWER(a.email), LOWER(a.user_name), a.phone
FROM unnest($2::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, email, user_name, phone FROM users WHERE LOWER(user_name) = k.key OFFSET 0) a
UNION ALL
SELECT a.id, LOWER(a.email), LOWER(a.user_name), a.phone
FROM unnest($3::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, email, user_name, phone FROM users WHERE phone = k.key OFFSET 0) a
"""
_ADMISSIONS = """
SELECT s.id, UPPER(s.admission_number) AS n
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, admission_number FROM students WHERE UPPER(admission_number) = k.key OFFSET 0) s
"""
_ACCOUNT_COLUMNS = ("email", "user_name", "first_name", "middle_name", "last_name", "date_of_birth", "gender",
                    "phone", "emergency_contact", "address", "city", "state", "country", "postal_code")
_STUDENT_COLUMNS = ("student_code", "admission_number", "admission_date", "batch_year", "semester", "section",
                    "blood_group", "nationality", "religion", "category", "status")
_INSERT_USERS = """
INSERT INTO users (user_type, email, user_name, hashed_password, first_name, middle_name, last_name, date_of_birth,
                   gender, phone, emergency_contact, address, city, state, country, postal_code, is_active,
                   is_verified, created_by_id, created_at)
SELECT $1, e, un, $2, fn, mn, ln, dob, g, ph, ec, ad, ci, st, co, pc, true, false, $3, now()
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::date[], $10::text[], $11::text[],
            $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
     AS x(e, un, fn, mn, ln, dob, g, ph, ec, ad, ci, st, co, pc)
RETURNING id, email
"""
_INSERT_STUDENTS = """
INSERT INTO students (user_id, student_code, admission_number, admission_date, program_id, department_id, batch_year,
                      semester, section, blood_group, nationality, religion, category, status, created_at)
SELECT u, sc, an, ad, p, d, b, se, sn, bg, na, re, ca, st, now()
FROM unnest($1::int[], $2::text[], $3::text[], $4::date[], $5::int[], $6::int[], $7::int[], $8::int[], $9::text[],
            $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
     AS x(u, sc, an, ad, p, d, b, se, sn, bg, na, re, ca, st)
RETURNING id, student_code
"""


class Students(Kind):
    creates_accounts = True
    name = "students"
    label = "Students (with their user accounts)"
    permission = Permission.STUDENTS_WRITE
    key = "student_code"
    schema = StudentImportRow
    exists_message = "Student ID already exists"
    entity_type = "students"
    unique = ("student_code", "admission_number", "email", "user_name", "phone")
    columns = (
        Column("student_code", "The roll number", "CSE2026001", True),
        Column("admission_number", "Admission number", "ADM2026-0001", True),
        Column("email", "Email address (the account's sign-in)", "asha.rao@example.edu", True),
        Column("user_name", "User name (letters, digits, . _ -)", "asha.rao", True),
        Column("first_name", "First name", "Asha", True),
        Column("middle_name", "Middle name", ""),
        Column("last_name", "Last name", "Rao", True),
        Column("admission_date", "Admission date (YYYY-MM-DD)", "2026-07-20", True),
        Column("program_code", "The program's code", "BTECH-CSE", True),
        Column("department_code", "The department's code", "CSE", True),
        Column("batch_year", "Batch (intake) year", "2026", True),
        Column("semester", "Current semester (1 to the program's semesters)", "1", True),
        Column("section", "Section", "A"),
        Column("category", "Category", "general", choices=_choices(Category)),
        Column("status", "Status (default active)", "active", choices=_choices(PersonStatus)),
        Column("date_of_birth", "Date of birth (YYYY-MM-DD)", "2005-04-12"),
        Column("gender", "Gender", "female", choices=_choices(Gender)),
        Column("phone", "Phone (unique)", "+91 98450 12345"),
        Column("blood_group", "Blood group", "O+"),
        Column("nationality", "Nationality", "Indian"),
        Column("religion", "Religion", ""),
        Column("emergency_contact", "Emergency contact", ""),
        Column("address", "Address", ""),
        Column("city", "City", "Bengaluru"),
        Column("state", "State", "Karnataka"),
        Column("country", "Country", "India"),
        Column("postal_code", "Postal code", "560001"),
    )

    async def prepare(self, ctx: ImportContext) -> None:
        if "programs" not in ctx.cache:
            ctx.cache["programs"] = {fold(r["code"]): r for r in await _db().execute_query_dict(
                "SELECT id, code, department_id, total_semesters FROM programs")}
            ctx.cache["departments"] = {fold(r["code"]): r for r in await _db().execute_query_dict(
                "SELECT id, code FROM departments")}

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_STUDENT_EXISTING, [list(keys)])
        return {fold(r["student_code"]): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        programs, departments = ctx.cache["programs"], ctx.cache["departments"]
        emails = [r.values["email"].strip().lower() for r in rows]
        names = [r.values["user_name"].lower() for r in rows]
        phones = [r.values["phone"] for r in rows if r.values.get("phone")]
        accounts = await _db().execute_query_dict(_ACCOUNTS, [emails, names, phones]) if rows else []
        by_email = {a["email"]: a["id"] for a in accounts}
        by_name = {a["user_name"]: a["id"] for a in accounts}
        by_phone = {a["phone"]: a["id"] for a in accounts if a["phone"]}
        admissions = {r["n"]: r["id"] for r in await _db().execute_query_dict(
            _ADMISSIONS, [[fold(r.values["admission_number"]) for r in rows]])} if rows else {}
        for row in rows:
            values = row.values
            own_user = row.target["_user_id"] if row.target else None
            values["email"] = values["email"].strip().lower()
            if by_email.get(values["email"], own_user) != own_user:
                row.error("email", "Email already registered")
            if by_name.get(values["user_name"].lower(), own_user) != own_user:
                row.error("user_name", "Username already taken")
            if values.get("phone") and by_phone.get(values["phone"], own_user) != own_user:
                row.error("phone", "Phone number already registered")
            if admissions.get(fold(values["admission_number"]), row.target_id) != row.target_id:
                row.error("admission_number", "Admission number already exists")
            program = programs.get(fold(values["program_code"]))
            department = departments.get(fold(values["department_code"]))
            if program is None:
                row.error("program_code", "Program not found")
            if department is None:
                row.error("department_code", "Department not found")
            if program and department:
                if program["department_id"] != department["id"]:
                    row.error("department_code", "The program does not belong to this department")
                elif not 1 <= values["semester"] <= program["total_semesters"]:
                    row.error("semester", f"semester must be between 1 and the program's "
                                          f"{program['total_semesters']} semesters")
                values["program_id"], values["department_id"] = program["id"], department["id"]

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            v = [r.values for r in created]
            users = await _db().execute_query_dict(_INSERT_USERS, [
                "student", ctx.cache["invited_hash"], ctx.actor.user_id,
                *[[plain_text(x.get(c)) if c != "date_of_birth" else x.get(c) for x in v] for c in _ACCOUNT_COLUMNS],
            ])
            user_ids = {u["email"]: u["id"] for u in users}
            for x in v:
                x["user_id"] = user_ids[x["email"]]
            students = await _db().execute_query_dict(_INSERT_STUDENTS, [
                [x["user_id"] for x in v], [x["student_code"] for x in v], [x["admission_number"] for x in v],
                [x["admission_date"] for x in v], [x["program_id"] for x in v], [x["department_id"] for x in v],
                [x["batch_year"] for x in v], [x["semester"] for x in v], [x.get("section") for x in v],
                [x.get("blood_group") for x in v], [x.get("nationality") for x in v], [x.get("religion") for x in v],
                [plain_text(x.get("category")) for x in v], [plain_text(x.get("status")) for x in v],
            ])
            student_ids = {s["student_code"]: s["id"] for s in students}
            for row in created:
                x = row.values
                row.entity_id = student_ids[x["student_code"]]
                account = {c: plain(x.get(c)) for c in _ACCOUNT_COLUMNS} | {"id": x["user_id"], "user_type": "student"}
                record = {c: plain(x.get(c)) for c in _STUDENT_COLUMNS} | {
                    "id": row.entity_id, "user_id": x["user_id"], "program_id": x["program_id"],
                    "department_id": x["department_id"]}
                entries.append(AuditEntry("create", f"{x['first_name']} {x['last_name']} <{x['email']}>", "users",
                                          x["user_id"], None, account))
                entries.append(AuditEntry("create", x["student_code"], "students", row.entity_id, None, record))
            ctx.cache.setdefault("invite_user_ids", []).extend(x["user_id"] for x in v)
        for row in rows:
            if row.outcome != "updated" or row.target is None:
                continue
            row.entity_id = row.target_id
            account = {c: db_value(v) for c, v in row.changes.items() if c in _ACCOUNT_COLUMNS}
            student = {c: db_value(v) for c, v in row.changes.items() if c in _STUDENT_COLUMNS}
            if {"program_code", "department_code"} & row.changes.keys():
                student["program_id"], student["department_id"] = row.values["program_id"], row.values["department_id"]
                row.target["program_id"] = row.target["department_id"] = None
            if account:
                entries.append(await update_row(ctx, table="users", entity_id=row.target["_user_id"], changes=account,
                                                before=row.target, name=row.values["email"],
                                                allowed=frozenset(_ACCOUNT_COLUMNS)))
            if student:
                entries.append(await update_row(ctx, table="students", entity_id=row.target["_id"], changes=student,
                                                before=row.target, name=row.values["student_code"],
                                                allowed=frozenset({*_STUDENT_COLUMNS, "program_id", "department_id"})))
        ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = ids.get(("students", row.entity_id)) or ids.get(
                    ("users", row.target["_user_id"] if row.target else -1))


def db_value(value: Any) -> Any:
    """A value as its column takes it: an enum as its value, the rest as it is."""
    return value.value if isinstance(value, Enum) else value


def plain_text(value: Any) -> Any:
    """An enum as its value, for a text column."""
    value = plain(value)
    return value if value is None or isinstance(value, str) else str(value)


# Grades for one assessment --------------------------------------------------------------

_ASSESSMENT = """
SELECT a.id, a.course_offering_id, a.max_marks, o.course_id, o.semester, o.academic_year
FROM assessments a JOIN course_offerings o ON o.id = a.course_offering_id WHERE a.id = $1
"""
# The offering's roster by student code, read once per run: a batch's students are then
# found in memory (a query per batch joining 50,000 students took ~170 ms of database time).
_ROSTER = """
SELECT UPPER(s.student_code) AS code, s.id AS student_id, min(e.id) AS enrollment_id
FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id JOIN students s ON s.id = e.student_id
WHERE r.course_offering_id = $1 AND r.status IN ('registered', 'completed')
GROUP BY 1, 2
"""
_GRADES_OF = """
SELECT id, enrollment_id, marks_obtained, remarks, COALESCE(updated_at, created_at)::text AS version
FROM grades WHERE assessment_id = $1 AND enrollment_id = ANY($2::int[])
"""
_KNOWN_CODES = """
SELECT DISTINCT UPPER(s.student_code) AS code
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT student_code FROM students WHERE UPPER(student_code) = k.key OFFSET 0) s
"""
# The students whose results for the assessment's semester are published, once per import.
_PUBLISHED = """
SELECT DISTINCT r.student_id FROM semester_results r
JOIN enrollments e ON e.student_id = r.student_id
JOIN course_registrations cr ON cr.enrollment_id = e.id AND cr.course_offering_id = $2
WHERE r.semester = $1 AND r.published_at IS NOT NULL
"""
_INSERT_GRADES = """
INSERT INTO grades (enrollment_id, assessment_id, course_id, course_offering_id, marks_obtained, remarks,
                    graded_by_id, graded_at, created_at)
SELECT e, $3, $4, $5, m, r, $6, now(), now()
FROM unnest($1::int[], $2::numeric[], $7::text[]) AS t(e, m, r)
RETURNING id, enrollment_id
"""


class Grades(Kind):
    name = "grades"
    label = "Grades for an assessment"
    permission = Permission.GRADES_WRITE
    key = "student_code"
    schema = GradeImportRow
    exists_message = "Grade already exists for this assessment"
    entity_type = "grades"
    needs_assessment = True
    unique = ("student_code",)
    columns = (
        Column("student_code", "The student's roll number", "CSE2026001", True),
        Column("marks_obtained", "Marks (0 to the assessment's max marks, 2 decimals)", "17.5", True),
        Column("remarks", "Remarks", ""),
    )

    async def prepare(self, ctx: ImportContext) -> None:
        if "assessment" in ctx.cache:
            return
        assessment_id = ctx.options.get("assessment_id")
        rows = await _db().execute_query_dict(_ASSESSMENT, [assessment_id]) if assessment_id else []
        if not rows:
            raise NotFound("Assessment not found")
        ctx.cache["assessment"] = dict(rows[0])
        ctx.cache["teaches"] = await teaches(ctx.actor, rows[0]["course_offering_id"])
        ctx.cache["published"] = {r["student_id"] for r in await _db().execute_query_dict(
            _PUBLISHED, [rows[0]["semester"], rows[0]["course_offering_id"]])}
        ctx.cache["roster"] = {r["code"]: dict(r) for r in await _db().execute_query_dict(
            _ROSTER, [rows[0]["course_offering_id"]])}

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        a, roster = ctx.cache["assessment"], ctx.cache["roster"]
        enrollments = {roster[k]["enrollment_id"]: k for k in keys if k in roster}
        misses = [k for k in keys if k not in roster]
        ctx.cache["known_codes"] = {r["code"] for r in await _db().execute_query_dict(
            _KNOWN_CODES, [misses])} if misses else set()
        grades = await _db().execute_query_dict(_GRADES_OF, [a["id"], list(enrollments)]) if enrollments else []
        return {enrollments[g["enrollment_id"]]: {
            "_id": g["id"], "_version": g["version"], "student_code": enrollments[g["enrollment_id"]],
            "marks_obtained": g["marks_obtained"], "remarks": g["remarks"]} for g in grades}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        a, roster = ctx.cache["assessment"], ctx.cache["roster"]
        for row in rows:
            if not ctx.cache["teaches"]:
                row.error("", "You do not teach this course offering")
                continue
            code = fold(row.values["student_code"])
            found = roster.get(code)
            if found is None:
                row.error("student_code", "Student is not registered in this course offering"
                          if code in ctx.cache["known_codes"] else "Student not found")
                continue
            if row.values["marks_obtained"] > a["max_marks"]:
                row.error("marks_obtained", f"Marks obtained cannot exceed max marks ({a['max_marks']})")
            if found["student_id"] in ctx.cache["published"]:
                row.error("marks_obtained", f"Results for semester {a['semester']} are published: submit this "
                                            "grade on its own, with a reason")
            row.values["enrollment_id"] = found["enrollment_id"]

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        a = ctx.cache["assessment"]
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            inserted = await _db().execute_query_dict(_INSERT_GRADES, [
                [r.values["enrollment_id"] for r in created], [r.values["marks_obtained"] for r in created],
                a["id"], a["course_id"], a["course_offering_id"], ctx.actor.user_id,
                [r.values.get("remarks") for r in created]])
            ids = {g["enrollment_id"]: g["id"] for g in inserted}
            for row in created:
                row.entity_id = ids[row.values["enrollment_id"]]
                entries.append(AuditEntry("create", f"grade {row.entity_id}", "grades", row.entity_id, None, {
                    "id": row.entity_id, "enrollment_id": row.values["enrollment_id"], "assessment_id": a["id"],
                    "course_id": a["course_id"], "course_offering_id": a["course_offering_id"],
                    "marks_obtained": plain(row.values["marks_obtained"]), "remarks": row.values.get("remarks"),
                    "graded_by_id": ctx.actor.user_id}))
        for row in rows:
            if row.outcome == "updated" and row.target is not None:
                row.entity_id = row.target["_id"]
                changes = dict(row.changes) | {"graded_by_id": ctx.actor.user_id,
                                               "graded_at": dt.datetime.now(dt.UTC)}
                changes.pop("student_code", None)
                entries.append(await update_row(ctx, table="grades", entity_id=row.target["_id"], changes=changes,
                                                before=row.target, name=f"grade {row.entity_id}",
                                                allowed=frozenset({"marks_obtained", "remarks", "graded_by_id",
                                                                   "graded_at"})))
        ids_by = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = ids_by.get(("grades", row.entity_id))


async def teaches(actor: Actor, offering_id: int) -> bool:
    """Whether this actor may write marks for the offering (the grades service's rule)."""
    from dashboard.core.errors import Forbidden
    from dashboard.services.enrollments import ensure_teaches

    try:
        await ensure_teaches(actor, offering_id)
    except Forbidden:
        return False
    return True


# Library books --------------------------------------------------------------------------

_BOOK_COLUMNS = ("title", "author", "isbn", "publisher", "edition", "language", "category", "rack_no", "shelf_no",
                 "year_of_publication", "pages", "price", "description", "cover_image_url", "copies_total",
                 "is_reference")
_BOOKS_EXISTING = f"""
SELECT b.id AS _id, COALESCE(b.updated_at, b.created_at)::text AS _version, d.code AS department_code,
       b.copies_available AS _available, {", ".join("b." + c for c in _BOOK_COLUMNS)}
FROM library_books b LEFT JOIN departments d ON d.id = b.department_id
JOIN unnest($1::text[]) AS k(key) ON k.key = (UPPER(b.isbn) || '')
"""
_INSERT_BOOKS = """
INSERT INTO library_books (title, author, isbn, publisher, edition, language, category, rack_no, shelf_no,
                           year_of_publication, pages, price, description, cover_image_url, copies_total,
                           is_reference, department_id, copies_available, created_at)
SELECT t, a, i, p, e, l, c, r, s, y, pg, pr, de, cv, ct, ir, d, ct, now()
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::int[], $11::int[], $12::numeric[], $13::text[], $14::text[], $15::int[], $16::bool[],
            $17::int[]) AS x(t, a, i, p, e, l, c, r, s, y, pg, pr, de, cv, ct, ir, d)
RETURNING id, isbn
"""


class Books(Kind):
    name = "library_books"
    label = "Library books"
    permission = Permission.LIBRARY_WRITE
    key = "isbn"
    schema = BookImportRow
    exists_message = "A book with this ISBN already exists"
    entity_type = "library_books"
    unique = ("isbn",)
    columns = (
        Column("isbn", "ISBN (10 to 20 digits and hyphens)", "978-0262046305", True),
        Column("title", "Title", "Introduction to Algorithms", True),
        Column("author", "Author(s)", "Cormen, Leiserson, Rivest, Stein", True),
        Column("copies_total", "Copies (default 1)", "5"),
        Column("department_code", "The department's code", "CSE"),
        Column("publisher", "Publisher", "MIT Press"),
        Column("edition", "Edition", "4th"),
        Column("language", "Language", "English"),
        Column("category", "Category", "Computer Science"),
        Column("rack_no", "Rack", "R1"),
        Column("shelf_no", "Shelf", "S2"),
        Column("year_of_publication", "Year of publication", "2022"),
        Column("pages", "Pages", "1312"),
        Column("price", "Price (2 decimals)", "1450.00"),
        Column("is_reference", "Reference only (true/false)", "false", choices=("true", "false")),
        Column("description", "Description", ""),
        Column("cover_image_url", "Cover image URL (http/https)", ""),
    )

    async def prepare(self, ctx: ImportContext) -> None:
        if "departments" not in ctx.cache:
            ctx.cache["departments"] = {fold(r["code"]): r for r in await _db().execute_query_dict(
                "SELECT id, code FROM departments")}

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_BOOKS_EXISTING, [list(keys)])
        return {fold(r["isbn"]): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        departments = ctx.cache["departments"]
        for row in rows:
            code = row.values.get("department_code")
            row.values["department_id"] = None
            if code is not None:
                department = departments.get(fold(code))
                if department is None:
                    row.error("department_code", "Department not found")
                else:
                    row.values["department_id"] = department["id"]
            if row.target is not None and "copies_total" in row.raw:
                on_loan = row.target["copies_total"] - row.target["_available"]
                if row.values["copies_total"] < on_loan:
                    row.error("copies_total", f"copies_total cannot be below the {on_loan} copies on loan")

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            v = [r.values for r in created]
            inserted = await _db().execute_query_dict(_INSERT_BOOKS, [
                *[[x.get(c) for x in v] for c in _BOOK_COLUMNS], [x["department_id"] for x in v]])
            ids = {fold(b["isbn"]): b["id"] for b in inserted}
            for row in created:
                row.entity_id = ids[fold(row.values["isbn"])]
                record = {c: plain(row.values.get(c)) for c in _BOOK_COLUMNS} | {
                    "id": row.entity_id, "department_id": row.values["department_id"],
                    "copies_available": row.values["copies_total"]}
                entries.append(AuditEntry("create", row.values["title"], "library_books", row.entity_id, None,
                                          record))
        for row in rows:
            if row.outcome == "updated" and row.target is not None:
                row.entity_id = row.target_id
                changes = {c: db_value(v) for c, v in row.changes.items()}
                changes.pop("department_code", None)
                if "department_code" in row.changes:
                    changes["department_id"] = row.values["department_id"]
                    row.target["department_id"] = None
                if "copies_total" in changes:
                    on_loan = row.target["copies_total"] - row.target["_available"]
                    changes["copies_available"] = changes["copies_total"] - on_loan
                entries.append(await update_row(ctx, table="library_books", entity_id=row.target["_id"],
                                                changes=changes, before=row.target, name=row.values["title"],
                                                allowed=frozenset({*_BOOK_COLUMNS, "department_id",
                                                                   "copies_available"})))
        ids_by = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = ids_by.get(("library_books", row.entity_id))


# Accounts (faculty, parents) -------------------------------------------------------------


async def check_accounts(rows: Sequence[Row]) -> None:
    """Email, user name and phone free (or the row's own account), in the words and
    order of the people service."""
    emails = [r.values["email"].strip().lower() for r in rows]
    names = [r.values["user_name"].lower() for r in rows]
    phones = [r.values["phone"] for r in rows if r.values.get("phone")]
    accounts = await _db().execute_query_dict(_ACCOUNTS, [emails, names, phones]) if rows else []
    by_email = {a["email"]: a["id"] for a in accounts}
    by_name = {a["user_name"]: a["id"] for a in accounts}
    by_phone = {a["phone"]: a["id"] for a in accounts if a["phone"]}
    for row in rows:
        own = row.target["_user_id"] if row.target else None
        row.values["email"] = row.values["email"].strip().lower()
        if by_email.get(row.values["email"], own) != own:
            row.error("email", "Email already registered")
        if by_name.get(row.values["user_name"].lower(), own) != own:
            row.error("user_name", "Username already taken")
        if row.values.get("phone") and by_phone.get(row.values["phone"], own) != own:
            row.error("phone", "Phone number already registered")


_INSERT_ACCOUNTS = """
INSERT INTO users (user_type, email, user_name, hashed_password, first_name, middle_name, last_name, date_of_birth,
                   gender, phone, is_active, is_verified, created_by_id, created_at)
SELECT $1, e, un, $2, fn, mn, ln, dob, g, ph, true, false, $3, now()
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::date[], $10::text[], $11::text[])
     AS x(e, un, fn, mn, ln, dob, g, ph)
RETURNING id, email
"""
_SHORT_ACCOUNT = ("email", "user_name", "first_name", "middle_name", "last_name", "date_of_birth", "gender", "phone")


async def insert_accounts(ctx: ImportContext, user_type: str, rows: Sequence[Row],
                          entries: list[AuditEntry]) -> None:
    """The rows' user accounts (no usable password: each is invited), `user_id` set on
    each row's values, an audit entry each."""
    users = await _db().execute_query_dict(_INSERT_ACCOUNTS, [
        user_type, ctx.cache["invited_hash"], ctx.actor.user_id,
        *[[plain_text(r.values.get(c)) if c != "date_of_birth" else r.values.get(c) for r in rows]
          for c in _SHORT_ACCOUNT]])
    ids = {u["email"]: u["id"] for u in users}
    for row in rows:
        x = row.values
        x["user_id"] = ids[x["email"]]
        entries.append(AuditEntry("create", f"{x['first_name']} {x['last_name']} <{x['email']}>", "users",
                                  x["user_id"], None, {c: plain(x.get(c)) for c in _SHORT_ACCOUNT}
                                  | {"id": x["user_id"], "user_type": user_type}))
    ctx.cache.setdefault("invite_user_ids", []).extend(r.values["user_id"] for r in rows)


async def update_account(ctx: ImportContext, row: Row, entries: list[AuditEntry]) -> None:
    account = {c: db_value(v) for c, v in row.changes.items() if c in _SHORT_ACCOUNT}
    if account and row.target:
        entries.append(await update_row(ctx, table="users", entity_id=row.target["_user_id"], changes=account,
                                        before=row.target, name=row.values["email"],
                                        allowed=frozenset(_SHORT_ACCOUNT)))


# Faculty --------------------------------------------------------------------------------

_FACULTY_COLUMNS = ("employee_id", "designation", "specialization", "qualification", "date_of_joining",
                    "employment_type", "experience_years", "status")
_FACULTY_EXISTING = f"""
SELECT f.id AS _id, f.user_id AS _user_id,
       COALESCE(f.updated_at, f.created_at)::text || '|' || COALESCE(u.updated_at, u.created_at)::text AS _version,
       d.code AS department_code, {", ".join("f." + c for c in _FACULTY_COLUMNS)},
       {", ".join("u." + c for c in _SHORT_ACCOUNT)}
FROM faculty f JOIN users u ON u.id = f.user_id JOIN departments d ON d.id = f.department_id
JOIN unnest($1::text[]) AS k(key) ON k.key = (UPPER(f.employee_id) || '')
"""
_INSERT_FACULTY = """
INSERT INTO faculty (user_id, employee_id, department_id, designation, specialization, qualification,
                     date_of_joining, employment_type, experience_years, status, is_hod, created_at)
SELECT u, ei, d, de, sp, q, dj, et, ex, st, false, now()
FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[],
            $9::int[], $10::text[]) AS x(u, ei, d, de, sp, q, dj, et, ex, st)
RETURNING id, employee_id
"""


class FacultyMembers(Kind):
    creates_accounts = True
    name = "faculty"
    label = "Faculty (with their user accounts)"
    permission = Permission.FACULTY_WRITE
    key = "employee_id"
    schema = FacultyImportRow
    exists_message = "Employee ID already exists"
    entity_type = "faculty"
    unique = ("employee_id", "email", "user_name", "phone")
    columns = (
        Column("employee_id", "The employee number", "FAC1042", True),
        Column("email", "Email address (the account's sign-in)", "meera.iyer@university.example", True),
        Column("user_name", "User name", "meera.iyer", True),
        Column("first_name", "First name", "Meera", True),
        Column("middle_name", "Middle name", ""),
        Column("last_name", "Last name", "Iyer", True),
        Column("department_code", "The department's code", "CSE", True),
        Column("designation", "Designation", "Associate Professor", True),
        Column("employment_type", "Employment type", "permanent", True, _choices(EmploymentType)),
        Column("status", "Status (default active)", "active", choices=_choices(FacultyStatus)),
        Column("specialization", "Specialization", "Distributed systems"),
        Column("qualification", "Qualification", "PhD"),
        Column("date_of_joining", "Date of joining (YYYY-MM-DD)", "2019-07-01"),
        Column("experience_years", "Years of experience", "11"),
        Column("date_of_birth", "Date of birth (YYYY-MM-DD)", ""),
        Column("gender", "Gender", "female", choices=_choices(Gender)),
        Column("phone", "Phone (unique)", ""),
    )

    async def prepare(self, ctx: ImportContext) -> None:
        await Books().prepare(ctx)

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_FACULTY_EXISTING, [list(keys)])
        return {fold(r["employee_id"]): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        await check_accounts(rows)
        for row in rows:
            department = ctx.cache["departments"].get(fold(row.values["department_code"]))
            if department is None:
                row.error("department_code", "Department not found")
            else:
                row.values["department_id"] = department["id"]

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            await insert_accounts(ctx, "faculty", created, entries)
            v = [r.values for r in created]
            inserted = await _db().execute_query_dict(_INSERT_FACULTY, [
                [x["user_id"] for x in v], [x["employee_id"] for x in v], [x["department_id"] for x in v],
                *[[plain_text(x.get(c)) if c not in ("date_of_joining", "experience_years") else x.get(c)
                   for x in v] for c in _FACULTY_COLUMNS[1:]]])
            ids = {fold(f["employee_id"]): f["id"] for f in inserted}
            for row in created:
                row.entity_id = ids[fold(row.values["employee_id"])]
                entries.append(AuditEntry("create", row.values["employee_id"], "faculty", row.entity_id, None,
                                          {c: plain(row.values.get(c)) for c in _FACULTY_COLUMNS}
                                          | {"id": row.entity_id, "user_id": row.values["user_id"],
                                             "department_id": row.values["department_id"], "is_hod": False}))
        for row in rows:
            if row.outcome != "updated" or row.target is None:
                continue
            row.entity_id = row.target["_id"]
            await update_account(ctx, row, entries)
            member = {c: db_value(v) for c, v in row.changes.items() if c in _FACULTY_COLUMNS}
            if "department_code" in row.changes:
                member["department_id"] = row.values["department_id"]
            if member:
                entries.append(await update_row(ctx, table="faculty", entity_id=row.target["_id"], changes=member,
                                                before=row.target, name=row.values["employee_id"],
                                                allowed=frozenset({*_FACULTY_COLUMNS, "department_id"})))
        audit_ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = audit_ids.get(("faculty", row.entity_id)) or audit_ids.get(
                    ("users", row.target["_user_id"] if row.target else -1))


# Parents linked to students -----------------------------------------------------------------

_PARENT_COLUMNS = ("father_name", "mother_name", "father_occupation", "mother_occupation")
_PARENT_EXISTING = f"""
SELECT p.id AS _id, p.user_id AS _user_id,
       COALESCE(p.updated_at, p.created_at)::text || '|' || COALESCE(u.updated_at, u.created_at)::text AS _version,
       {", ".join("p." + c for c in _PARENT_COLUMNS)}, u.email, u.user_name, u.first_name, u.last_name, u.phone,
       (SELECT string_agg(s.student_code, ';' ORDER BY s.student_code) FROM students s WHERE s.parent_id = p.id)
           AS student_codes
FROM parents p JOIN users u ON u.id = p.user_id
WHERE LOWER(u.email) = ANY($1::text[])
"""
_INSERT_PARENTS = """
INSERT INTO parents (user_id, father_name, mother_name, father_occupation, mother_occupation, created_at)
SELECT u, fn, mn, fo, mo, now()
FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(u, fn, mn, fo, mo)
RETURNING id, user_id
"""
_LINK_CHILDREN = """
UPDATE students s SET parent_id = x.p, updated_at = now()
FROM unnest($1::int[], $2::int[]) AS x(s, p) WHERE s.id = x.s
RETURNING s.id, s.student_code, x.p AS parent_id
"""


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(",", ";").split(";") if code.strip()]


class Parents(Kind):
    creates_accounts = True
    name = "parents"
    label = "Parents, linked to their children"
    permission = Permission.STUDENTS_WRITE
    key = "email"
    schema = ParentImportRow
    exists_message = "Email already registered"
    entity_type = "parents"
    unique = ("email", "user_name", "phone")
    columns = (
        Column("email", "Email address (the account's sign-in)", "r.rao@example.com", True),
        Column("user_name", "User name", "r.rao", True),
        Column("first_name", "First name (of the account holder)", "Ravi", True),
        Column("last_name", "Last name", "Rao", True),
        Column("father_name", "Father's name", "Ravi Rao", True),
        Column("mother_name", "Mother's name", "Lata Rao", True),
        Column("student_codes", "The children's student codes, separated by ;", "CSE2026001;CSE2026002", True),
        Column("phone", "Phone (unique)", ""),
        Column("father_occupation", "Father's occupation", ""),
        Column("mother_occupation", "Mother's occupation", ""),
    )

    def key_of(self, row: Row) -> str | None:
        email = row.raw.get("email")
        return email.lower() if email else None

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_PARENT_EXISTING, [[k.lower() for k in keys]])
        return {fold(r["email"]): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        await check_accounts(rows)
        wanted = sorted({fold(c) for r in rows for c in _codes(r.values["student_codes"])})
        found = {fold(r["student_code"]): r["id"] for r in await _db().execute_query_dict(
            "SELECT s.id, s.student_code FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL "
            "(SELECT id, student_code FROM students WHERE UPPER(student_code) = k.key OFFSET 0) s", [wanted])}
        for row in rows:
            codes = _codes(row.values["student_codes"])
            missing = [c for c in codes if fold(c) not in found]
            if not codes:
                row.error("student_codes", "Name at least one student")
            for code in missing:
                row.error("student_codes", f"Student not found: {code}")
            row.values["student_ids"] = sorted({found[fold(c)] for c in codes if fold(c) in found})
            row.values["student_codes"] = ";".join(sorted({c.upper() for c in codes}))

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        links: list[tuple[int, int]] = []
        if created:
            await insert_accounts(ctx, "parent", created, entries)
            v = [r.values for r in created]
            inserted = await _db().execute_query_dict(_INSERT_PARENTS, [
                [x["user_id"] for x in v], *[[x.get(c) for x in v] for c in _PARENT_COLUMNS]])
            ids = {p["user_id"]: p["id"] for p in inserted}
            for row in created:
                row.entity_id = ids[row.values["user_id"]]
                entries.append(AuditEntry("create", f"{row.values['father_name']} / {row.values['mother_name']}",
                                          "parents", row.entity_id, None,
                                          {c: row.values.get(c) for c in _PARENT_COLUMNS}
                                          | {"id": row.entity_id, "user_id": row.values["user_id"]}))
                links.extend((s, row.entity_id) for s in row.values["student_ids"])
        for row in rows:
            if row.outcome != "updated" or row.target is None:
                continue
            row.entity_id = row.target["_id"]
            await update_account(ctx, row, entries)
            record = {c: v for c, v in row.changes.items() if c in _PARENT_COLUMNS}
            if record:
                entries.append(await update_row(ctx, table="parents", entity_id=row.entity_id, changes=record,
                                                before=row.target, name=row.values["email"],
                                                allowed=frozenset(_PARENT_COLUMNS)))
            if "student_codes" in row.changes:
                links.extend((s, row.entity_id) for s in row.values["student_ids"])
        if links:
            before = {r["id"]: r["parent_id"] for r in await _db().execute_query_dict(
                "SELECT id, parent_id FROM students WHERE id = ANY($1::int[])", [[s for s, _ in links]])}
            for linked in await _db().execute_query_dict(_LINK_CHILDREN, [[s for s, _ in links],
                                                                          [p for _, p in links]]):
                entries.append(AuditEntry("update", linked["student_code"], "students", linked["id"],
                                          {"parent_id": before.get(linked["id"])},
                                          {"parent_id": linked["parent_id"]}))
        audit_ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = audit_ids.get(("parents", row.entity_id)) or audit_ids.get(
                    ("users", row.target["_user_id"] if row.target else -1))


# Program enrollments --------------------------------------------------------------------------

_ENROLLMENTS_EXISTING = """
SELECT e.id AS _id, COALESCE(e.updated_at, e.created_at)::text AS _version, s.student_code, p.code AS program_code,
       e.enrollment_date, e.remarks
FROM enrollments e JOIN students s ON s.id = e.student_id JOIN programs p ON p.id = e.program_id
JOIN unnest($1::text[]) AS k(key) ON k.key = UPPER(s.student_code) || '|' || UPPER(p.code)
WHERE e.status = 'enrolled'
"""
_STUDENTS_BY_CODE = """
SELECT s.id, UPPER(s.student_code) AS code, s.status
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, student_code, status FROM students WHERE UPPER(student_code) = k.key OFFSET 0) s
"""
_INSERT_ENROLLMENTS = """
INSERT INTO enrollments (student_id, program_id, enrollment_date, status, remarks, credits_earned, created_at)
SELECT s, p, d, 'enrolled', r, 0, now()
FROM unnest($1::int[], $2::int[], $3::timestamptz[], $4::text[]) AS t(s, p, d, r)
RETURNING id, student_id, program_id
"""


class Enrollments(Kind):
    name = "enrollments"
    label = "Program enrollments"
    permission = Permission.ENROLLMENTS_WRITE
    key = "student_code"
    schema = EnrollmentImportRow
    exists_message = "Student is already enrolled in this program"
    entity_type = "enrollments"
    columns = (
        Column("student_code", "The student's roll number", "CSE2026001", True),
        Column("program_code", "The program's code", "BTECH-CSE", True),
        Column("enrollment_date", "When (YYYY-MM-DD, default now)", "2026-08-01"),
        Column("remarks", "Remarks", ""),
    )

    def key_of(self, row: Row) -> str | None:
        student, program = row.raw.get("student_code"), row.raw.get("program_code")
        return f"{student}|{program}" if student and program else None

    async def prepare(self, ctx: ImportContext) -> None:
        if "programs" not in ctx.cache:
            ctx.cache["programs"] = {fold(r["code"]): r for r in await _db().execute_query_dict(
                "SELECT id, code, is_active FROM programs")}

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_ENROLLMENTS_EXISTING, [list(keys)])
        return {fold(f"{r['student_code']}|{r['program_code']}"): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        students = {r["code"]: r for r in await _db().execute_query_dict(
            _STUDENTS_BY_CODE, [[fold(r.values["student_code"]) for r in rows]])}
        for row in rows:
            student = students.get(fold(row.values["student_code"]))
            program = ctx.cache["programs"].get(fold(row.values["program_code"]))
            if student is None:
                row.error("student_code", "Student not found")
            if program is None:
                row.error("program_code", "Program not found")
            if student is None or program is None:
                continue
            if row.target is None:
                if not program["is_active"]:
                    row.error("program_code", "Program is not active")
                if student["status"] != PersonStatus.ACTIVE.value:
                    row.error("student_code", "Student is not in active status")
            row.values["student_id"], row.values["program_id"] = student["id"], program["id"]

    def unique_values(self, row: Row) -> list[tuple[str, str]]:
        key = self.key_of(row)
        return [("program_code", key)] if key else []

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            now = dt.datetime.now(dt.UTC)
            dates = [_aware(r.values.get("enrollment_date")) or now for r in created]
            inserted = await _db().execute_query_dict(_INSERT_ENROLLMENTS, [
                [r.values["student_id"] for r in created], [r.values["program_id"] for r in created], dates,
                [r.values.get("remarks") for r in created]])
            ids = {(e["student_id"], e["program_id"]): e["id"] for e in inserted}
            for row, when in zip(created, dates, strict=True):
                row.entity_id = ids[(row.values["student_id"], row.values["program_id"])]
                entries.append(AuditEntry("create", f"enrollment {row.entity_id}", "enrollments", row.entity_id,
                                          None, {"id": row.entity_id, "student_id": row.values["student_id"],
                                                 "program_id": row.values["program_id"], "status": "enrolled",
                                                 "enrollment_date": plain(when), "remarks": row.values.get("remarks"),
                                                 "credits_earned": 0}))
        for row in rows:
            if row.outcome == "updated" and row.target is not None:
                row.entity_id = row.target["_id"]
                changes = {c: v for c, v in row.changes.items() if c in ("enrollment_date", "remarks")}
                if "enrollment_date" in changes:
                    changes["enrollment_date"] = _aware(changes["enrollment_date"])
                if changes:
                    entries.append(await update_row(ctx, table="enrollments", entity_id=row.entity_id,
                                                    changes=changes, before=row.target,
                                                    name=f"enrollment {row.entity_id}",
                                                    allowed=frozenset({"enrollment_date", "remarks"})))
        audit_ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = audit_ids.get(("enrollments", row.entity_id))


def _aware(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


# Course registrations --------------------------------------------------------------------------

_OFFERINGS = """
SELECT o.id, UPPER(c.code) AS course, o.academic_year, o.semester, UPPER(COALESCE(o.section, '')) AS section,
       o.program_id, o.status, o.max_capacity, o.enrolled_students
FROM course_offerings o JOIN courses c ON c.id = o.course_id
JOIN unnest($1::text[]) AS k(key) ON k.key = (UPPER(c.code) || '')
"""
_REGISTRATION_STATE = """
SELECT UPPER(s.student_code) AS code, s.id AS student_id, e.id AS enrollment_id, e.program_id,
       r.id AS registration_id, r.status AS registration_status, r.course_offering_id
FROM unnest($1::text[]) AS k(key)
CROSS JOIN LATERAL (SELECT id, student_code FROM students WHERE UPPER(student_code) = k.key OFFSET 0) s
JOIN enrollments e ON e.student_id = s.id AND e.status = 'enrolled'
LEFT JOIN course_registrations r ON r.enrollment_id = e.id AND r.course_offering_id = ANY($2::int[])
"""
_CLOSED = ("completed", "cancelled")


class Registrations(Kind):
    name = "registrations"
    label = "Course registrations (students on an offering's roster)"
    permission = Permission.ROSTERS_WRITE
    key = "student_code"
    schema = RegistrationImportRow
    exists_message = "Already registered"
    entity_type = "course_registrations"
    columns = (
        Column("student_code", "The student's roll number", "CSE2026001", True),
        Column("course_code", "The course's code", "CS101", True),
        Column("academic_year", "The offering's academic year", "2026-27", True),
        Column("semester", "The offering's semester", "1", True),
        Column("section", "The offering's section, when it has one", ""),
    )

    def unique_values(self, row: Row) -> list[tuple[str, str]]:
        key = self.key_of(row)
        return [("student_code", key)] if key else []

    def key_of(self, row: Row) -> str | None:
        parts = [row.raw.get(c) or "" for c in ("student_code", "course_code", "academic_year", "semester",
                                                 "section")]
        return "|".join(parts) if parts[0] and parts[1] else None

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        # Registrations are found with the offerings in `rules`; an existing one is
        # "unchanged" in upsert mode and refused in create mode there.
        return {}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        offerings: dict[tuple[str, str, int, str], dict[str, Any]] = {}
        for o in await _db().execute_query_dict(_OFFERINGS, [sorted({fold(r.values["course_code"]) for r in rows})]):
            offerings[(o["course"], o["academic_year"], o["semester"], o["section"])] = dict(o)
        state: dict[str, list[dict[str, Any]]] = {}
        for s in await _db().execute_query_dict(_REGISTRATION_STATE, [
                [fold(r.values["student_code"]) for r in rows], [o["id"] for o in offerings.values()]]):
            state.setdefault(s["code"], []).append(dict(s))
        seats: dict[int, int] = ctx.cache.setdefault("seats", {})
        for row in rows:
            v = row.values
            offering = offerings.get((fold(v["course_code"]), v["academic_year"], v["semester"],
                                      fold(v.get("section") or "")))
            if offering is None:
                row.error("course_code", "Course offering not found")
                continue
            if offering["status"] in _CLOSED:
                row.error("course_code", f"Registration is closed: the offering is {offering['status']}")
            mine = [s for s in state.get(fold(v["student_code"]), []) if s["program_id"] == offering["program_id"]]
            if not mine:
                row.error("student_code", "Student not found" if fold(v["student_code"]) not in state
                          else "Enrollment is in another program")
                continue
            enrollment = mine[0]
            registration = next((s for s in mine if s["course_offering_id"] == offering["id"]), None)
            v["enrollment_id"], v["offering_id"] = enrollment["enrollment_id"], offering["id"]
            if registration and registration["registration_status"] == "completed":
                row.error("student_code", "Already completed this offering")
            elif registration and registration["registration_status"] == "registered":
                if ctx.mode == "create":
                    row.error("student_code", "Already registered")
                else:
                    row.target = {"_id": registration["registration_id"], "_version": "registered"} | {
                        c: row.raw.get(c) for c in self.column_names()}
            elif offering["max_capacity"] is not None:
                free = offering["max_capacity"] - offering["enrolled_students"] - seats.get(offering["id"], 0)
                if free <= 0:
                    row.error("course_code", "Offering is full")
                else:
                    seats[offering["id"]] = seats.get(offering["id"], 0) + 1

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        from dashboard.services.course_offerings import register_students

        created = [r for r in rows if r.outcome == "created"]
        by_offering: dict[int, list[Row]] = {}
        for row in created:
            by_offering.setdefault(row.values["offering_id"], []).append(row)
        entries: list[AuditEntry] = []
        for offering_id, group in sorted(by_offering.items()):
            # The roster service keeps the seat counter and its own audit row.
            result = await register_students(ctx.actor, offering_id=offering_id,
                                             enrollment_ids=[r.values["enrollment_id"] for r in group])
            outcome = {item.enrollment_id: item for item in result.results}
            for row in group:
                item = outcome[row.values["enrollment_id"]]
                if not item.success or item.registration_id is None:
                    row.error("student_code", item.message or "Not registered")
                    row.outcome = "refused"
                    continue
                row.entity_id = item.registration_id
                entries.append(AuditEntry("create", f"registration {row.entity_id}", "course_registrations",
                                          row.entity_id, None, {"id": row.entity_id,
                                                                "enrollment_id": row.values["enrollment_id"],
                                                                "course_offering_id": offering_id,
                                                                "status": "registered"}))
        audit_ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = audit_ids.get(("course_registrations", row.entity_id))


# Fee structures -------------------------------------------------------------------------------

_FEE_COLUMNS = ("academic_year", "semester", "tuition_fee", "lab_fee", "library_fee", "sports_fee",
                "examination_fee", "hostel_fee", "other_fee", "due_date", "late_fee_per_day")
_FEES_EXISTING = f"""
SELECT f.id AS _id, COALESCE(f.updated_at, f.created_at)::text AS _version, s.student_code, f.total_fee,
       {", ".join("f." + c for c in _FEE_COLUMNS)},
       (SELECT COALESCE(sum(amount_paid), 0) FROM fee_payments p
        WHERE p.fee_structure_id = f.id AND p.payment_status = 'completed') AS _paid
FROM fee_structures f JOIN students s ON s.id = f.student_id
JOIN unnest($1::text[]) AS k(key)
     ON k.key = UPPER(s.student_code) || '|' || f.academic_year || '|' || f.semester::text
WHERE f.program_id = s.program_id
"""
_INSERT_FEES = """
INSERT INTO fee_structures (student_id, program_id, academic_year, semester, tuition_fee, lab_fee, library_fee,
                            sports_fee, examination_fee, hostel_fee, other_fee, due_date, late_fee_per_day,
                            total_fee, created_at)
SELECT s, p, ay, se, tf, lf, lb, sf, ef, hf, oth, dd, lpd, tot, now()
FROM unnest($1::int[], $2::int[], $3::text[], $4::int[], $5::numeric[], $6::numeric[], $7::numeric[],
            $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::date[], $13::numeric[],
            $14::numeric[]) AS x(s, p, ay, se, tf, lf, lb, sf, ef, hf, oth, dd, lpd, tot)
RETURNING id, student_id, academic_year, semester
"""
_FEE_COMPONENTS = ("tuition_fee", "lab_fee", "library_fee", "sports_fee", "examination_fee", "hostel_fee",
                   "other_fee")


class FeeStructures(Kind):
    name = "fee_structures"
    label = "Fee structures"
    permission = Permission.FEES_WRITE
    key = "student_code"
    schema = FeeStructureImportRow
    exists_message = "A fee structure for this student, program, year and semester already exists"
    entity_type = "fee_structures"
    columns = (
        Column("student_code", "The student's roll number (the program is theirs)", "CSE2026001", True),
        Column("academic_year", "Academic year", "2026-27", True),
        Column("semester", "Semester", "3", True),
        Column("tuition_fee", "Tuition fee (2 decimals)", "45000.00", True),
        Column("due_date", "Due date (YYYY-MM-DD)", "2026-08-31", True),
        Column("lab_fee", "Lab fee", "5000.00"),
        Column("library_fee", "Library fee", "1000.00"),
        Column("sports_fee", "Sports fee", "500.00"),
        Column("examination_fee", "Examination fee", "1500.00"),
        Column("hostel_fee", "Hostel fee", ""),
        Column("other_fee", "Other fees", ""),
        Column("total_fee", "Total (the sum of the fees; may be left out)", ""),
        Column("late_fee_per_day", "Late fee per day", "50.00"),
    )

    def key_of(self, row: Row) -> str | None:
        parts = [row.raw.get(c) for c in ("student_code", "academic_year", "semester")]
        return "|".join(p or "" for p in parts) if all(parts) else None

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await _db().execute_query_dict(_FEES_EXISTING, [list(keys)])
        return {fold(f"{r['student_code']}|{r['academic_year']}|{r['semester']}"): dict(r) for r in rows}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        students = {r["code"]: r for r in await _db().execute_query_dict(
            "SELECT s.id, UPPER(s.student_code) AS code, s.program_id FROM unnest($1::text[]) AS k(key) "
            "CROSS JOIN LATERAL (SELECT id, student_code, program_id FROM students "
            "WHERE UPPER(student_code) = k.key OFFSET 0) s",
            [sorted({fold(r.values["student_code"]) for r in rows})])}
        for row in rows:
            student = students.get(fold(row.values["student_code"]))
            if student is None:
                row.error("student_code", "Student not found")
                continue
            row.values["student_id"], row.values["program_id"] = student["id"], student["program_id"]
            total = sum((row.values.get(c) or 0 for c in _FEE_COMPONENTS), start=Decimal(0))
            given = row.raw.get("total_fee")
            if given is not None and row.values.get("total_fee") is not None and row.values["total_fee"] != total:
                row.error("total_fee", f"total_fee must be the sum of the components ({total:.2f})")
            if row.target is not None and total < row.target["_paid"]:
                row.error("tuition_fee", f"The total cannot fall below the {row.target['_paid']:.2f} already paid")
            row.values["total_fee"] = total

    def unique_values(self, row: Row) -> list[tuple[str, str]]:
        key = self.key_of(row)
        return [("semester", key)] if key else []

    async def write(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        created = [r for r in rows if r.outcome == "created"]
        entries: list[AuditEntry] = []
        if created:
            v = [r.values for r in created]
            inserted = await _db().execute_query_dict(_INSERT_FEES, [
                [x["student_id"] for x in v], [x["program_id"] for x in v],
                *[[x.get(c) for x in v] for c in _FEE_COLUMNS], [x["total_fee"] for x in v]])
            ids = {(f["student_id"], f["academic_year"], f["semester"]): f["id"] for f in inserted}
            for row in created:
                x = row.values
                row.entity_id = ids[(x["student_id"], x["academic_year"], x["semester"])]
                entries.append(AuditEntry("create", f"fee structure {row.entity_id}", "fee_structures",
                                          row.entity_id, None, {c: plain(x.get(c)) for c in _FEE_COLUMNS}
                                          | {"id": row.entity_id, "student_id": x["student_id"],
                                             "program_id": x["program_id"], "total_fee": plain(x["total_fee"])}))
        for row in rows:
            if row.outcome == "updated" and row.target is not None:
                row.entity_id = row.target["_id"]
                changes = {c: v for c, v in row.changes.items() if c in _FEE_COLUMNS}
                if set(changes) & set(_FEE_COMPONENTS):
                    changes["total_fee"] = row.values["total_fee"]
                if changes:
                    entries.append(await update_row(ctx, table="fee_structures", entity_id=row.entity_id,
                                                    changes=changes, before=row.target,
                                                    name=f"fee structure {row.entity_id}",
                                                    allowed=frozenset({*_FEE_COLUMNS, "total_fee"})))
        audit_ids = await audit_rows(ctx, entries)
        for row in rows:
            if row.entity_id is not None:
                row.audit_id = audit_ids.get(("fee_structures", row.entity_id))


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Students(), FacultyMembers(), Parents(), Enrollments(), Registrations(), Grades(), Books(), FeeStructures())}



def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidState(f"Unknown import kind {name!r}; one of: {', '.join(KINDS)}") from None
