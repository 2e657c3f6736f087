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
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel
from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.roles import Permission
from dashboard.schemas.imports import BookImportRow, GradeImportRow, StudentImportRow
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
from models.enums import Category, Gender, PersonStatus


def _db() -> Any:
    return connections.get("default")


def _choices(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


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
        check_duplicates(ctx, rows, self.unique)
        settle(rows, self.column_names())


# Students -------------------------------------------------------------------------------

_STUDENT_EXISTING = """
SELECT s.id AS _id, s.user_id AS _user_id,
       COALESCE(s.updated_at, s.created_at)::text || '|' || COALESCE(u.updated_at, u.created_at)::text AS _version,
       s.student_code, s.admission_number, s.admission_date, p.code AS program_code, d.code AS department_code,
       s.batch_year, s.semester, s.section, s.blood_group, s.nationality, s.religion, s.category, s.status,
       u.email, u.user_name, u.first_name, u.middle_name, u.last_name, u.date_of_birth, u.gender, u.phone,
       u.emergency_contact, u.address, u.city, u.state, u.country, u.postal_code
FROM students s JOIN users u ON u.id = s.user_id
JOIN programs p ON p.id = s.program_id JOIN departments d ON d.id = s.department_id
WHERE UPPER(s.student_code) = ANY($1::text[])
"""
_ACCOUNTS = """
SELECT id, LOWER(email) AS email, LOWER(user_name) AS user_name, phone FROM users
WHERE LOWER(email) = ANY($1::text[]) OR LOWER(user_name) = ANY($2::text[]) OR phone = ANY($3::text[])
"""
_ADMISSIONS = "SELECT id, UPPER(admission_number) AS n FROM students WHERE UPPER(admission_number) = ANY($1::text[])"
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
_GRADE_STATE = """
SELECT UPPER(s.student_code) AS code, s.id AS student_id, e.id AS enrollment_id,
       EXISTS (SELECT 1 FROM semester_results sr WHERE sr.student_id = s.id AND sr.semester = $3
               AND sr.published_at IS NOT NULL) AS published,
       g.id AS grade_id, g.marks_obtained, g.remarks,
       COALESCE(g.updated_at, g.created_at)::text AS version
FROM students s
LEFT JOIN LATERAL (
    SELECT e.id FROM enrollments e JOIN course_registrations r ON r.enrollment_id = e.id
    WHERE e.student_id = s.id AND r.course_offering_id = $2 AND r.status IN ('registered', 'completed')
    ORDER BY e.id LIMIT 1
) e ON true
LEFT JOIN grades g ON g.enrollment_id = e.id AND g.assessment_id = $4
WHERE UPPER(s.student_code) = ANY($1::text[])
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

    async def existing(self, ctx: ImportContext, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        a = ctx.cache["assessment"]
        rows = await _db().execute_query_dict(_GRADE_STATE, [list(keys), a["course_offering_id"], a["semester"],
                                                             a["id"]])
        state = {r["code"]: dict(r) for r in rows}
        ctx.cache["grade_state"] = state
        return {code: {"_id": r["grade_id"], "_version": r["version"], "student_code": code,
                       "marks_obtained": r["marks_obtained"], "remarks": r["remarks"]}
                for code, r in state.items() if r["grade_id"] is not None}

    async def rules(self, ctx: ImportContext, rows: Sequence[Row]) -> None:
        a, state = ctx.cache["assessment"], ctx.cache.get("grade_state", {})
        for row in rows:
            if not ctx.cache["teaches"]:
                row.error("", "You do not teach this course offering")
                continue
            found = state.get(fold(row.values["student_code"]))
            if found is None:
                row.error("student_code", "Student not found")
                continue
            if found["enrollment_id"] is None:
                row.error("student_code", "Student is not registered in this course offering")
            if row.values["marks_obtained"] > a["max_marks"]:
                row.error("marks_obtained", f"Marks obtained cannot exceed max marks ({a['max_marks']})")
            if found["published"]:
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
WHERE UPPER(b.isbn) = ANY($1::text[])
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


KINDS: dict[str, Kind] = {kind.name: kind for kind in (Students(), Grades(), Books())}


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidState(f"Unknown import kind {name!r}; one of: {', '.join(KINDS)}") from None
