"""/api/v1/imports: upload, dry run, preview, commit, per kind; hostile files; roles."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook
from tortoise import connections

from dashboard.services.imports import csv_text
from models import AuditLog, Grade, LibraryBook, Student, User
from tests import factories

pytestmark = pytest.mark.usefixtures("app")

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STUDENT_HEADER = ["student_code", "admission_number", "email", "user_name", "first_name", "last_name",
                  "admission_date", "program_code", "department_code", "batch_year", "semester", "category"]


def student_row(n: int, program: Any, department: Any, **over: str) -> list[str]:
    values = {"student_code": f"IMP{n:05d}", "admission_number": f"ADM-{n:05d}", "email": f"imp{n}@example.edu",
              "user_name": f"imp.{n}", "first_name": f"Asha{n}", "last_name": "Rao", "admission_date": "2026-07-20",
              "program_code": program.code, "department_code": department.code, "batch_year": "2026",
              "semester": "1", "category": "general"} | over
    return [values[c] for c in STUDENT_HEADER]


async def upload(client: Any, body: bytes, *, kind: str = "students", mode: str = "create", name: str = "f.csv",
                 content_type: str = CSV_TYPE, **params: Any) -> Any:
    return await client.post("/api/v1/imports", params={"kind": kind, "mode": mode, **params},
                             files={"file": (name, body, content_type)})


async def settled(client: Any, import_id: int, run_jobs: Any, **params: Any) -> dict[str, Any]:
    await run_jobs()
    response = await client.get(f"/api/v1/imports/{import_id}", params={"page_size": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def placement() -> tuple[Any, Any]:
    department = await factories.create_department()
    program = await factories.create_program(department=department, total_semesters=8)
    return program, department


async def test_a_clean_student_file_previews_all_created_and_commits_exactly_those(
        staff_client, run_jobs, placement, smtp_sink):
    program, department = placement
    body = csv_text([STUDENT_HEADER] + [student_row(n, program, department) for n in range(1, 6)])
    response = await upload(staff_client, body)
    assert response.status_code == 202, response.text
    import_id = response.json()["id"]
    assert response.json()["status"] == "validating"
    preview = await settled(staff_client, import_id, run_jobs)
    assert preview["status"] == "validated"
    assert (preview["total_rows"], preview["created_count"], preview["error_count"]) == (5, 5, 0)
    assert [r["outcome"] for r in preview["items"]] == ["created"] * 5
    assert await Student.all().count() == 0

    committed = await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    assert committed.status_code == 202, committed.text
    result = await settled(staff_client, import_id, run_jobs)
    assert result["status"] == "committed"
    assert result["committed_count"] == 5
    codes = sorted(await Student.all().values_list("student_code", flat=True))
    assert codes == [f"IMP{n:05d}" for n in range(1, 6)]
    assert all(r["commit_outcome"] == "created" and r["entity_type"] == "students" for r in result["items"])
    # Each written record has its audit row, tagged with the import.
    audit = await AuditLog.filter(entity_type="students").values("id", "new_value")
    assert len(audit) == 5 and all(a["new_value"]["import_id"] == import_id for a in audit)
    assert {r["audit_log_id"] for r in result["items"]} == {a["id"] for a in audit}
    # No password was set for them: an invitation to the password reset instead.
    users = await User.filter(email__startswith="imp").values_list("email", flat=True)
    assert len(users) == 5
    # A second commit does nothing more.
    again = await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    assert again.status_code == 202 and again.json()["status"] == "committed"
    await run_jobs()
    assert await Student.all().count() == 5


async def test_invitations_are_sent_without_a_secret(staff_client, run_jobs, placement, smtp_sink):
    program, department = placement
    body = csv_text([STUDENT_HEADER, student_row(1, program, department)])
    import_id = (await upload(staff_client, body)).json()["id"]
    await settled(staff_client, import_id, run_jobs)
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    await run_jobs()
    await run_jobs()
    assert [m for m in smtp_sink.messages if "imp1@example.edu" in str(m)]


async def test_every_rule_is_reported_on_its_row_and_column(staff_client, run_jobs, placement):
    program, department = placement
    other = await factories.create_department()
    taken = await factories.create_user(email="taken@example.edu", user_name="taken.name")
    await factories.create_student(student_code="EXISTS1", admission_number="ADM-TAKEN")
    rows = [
        student_row(1, program, department),
        student_row(2, program, department, email="not-an-email"),
        student_row(3, program, department, program_code="NOPE"),
        student_row(4, program, other),
        student_row(5, program, department, semester="9"),
        student_row(6, program, department, email=taken.email),
        student_row(7, program, department, user_name="taken.name"),
        student_row(8, program, department, student_code="EXISTS1"),
        student_row(9, program, department, admission_number="ADM-TAKEN"),
        student_row(10, program, department, student_code="IMP00001"),
        student_row(11, program, department, category="royalty"),
        student_row(12, program, department, admission_date="yesterday"),
    ]
    import_id = (await upload(staff_client, csv_text([STUDENT_HEADER, *rows]))).json()["id"]
    preview = await settled(staff_client, import_id, run_jobs)
    errors = {r["row_number"]: r["errors"] for r in preview["items"]}
    assert errors[2] == []
    expected = {
        3: ("email", "value is not a valid email address"),
        4: ("program_code", "Program not found"),
        5: ("department_code", "The program does not belong to this department"),
        6: ("semester", "semester must be between 1 and the program's 8 semesters"),
        7: ("email", "Email already registered"),
        8: ("user_name", "Username already taken"),
        9: ("student_code", "Student ID already exists"),
        10: ("admission_number", "Admission number already exists"),
        11: ("student_code", "Duplicate in this file: the same student_code as row 2"),
        12: ("category", "Input should be"),
        13: ("admission_date", "Input should be a valid date"),
    }
    for number, (column, words) in expected.items():
        assert any(e["column"] == column and words in e["message"] for e in errors[number]), (number, errors[number])
    assert preview["error_count"] == 11 and preview["created_count"] == 1
    only_errors = await staff_client.get(f"/api/v1/imports/{import_id}", params={"rows": "errors"})
    assert only_errors.json()["items_total"] == 11
    # Too many errors to commit.
    refused = await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    assert refused.status_code == 400 and "allowed" in refused.json()["detail"]
    # The error file is the original with an errors column.
    download = await staff_client.get(f"/api/v1/imports/{import_id}/errors")
    assert download.status_code == 200
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",errors") and "Program not found" in lines[3]
    assert await Student.filter(student_code__startswith="IMP").count() == 0


async def test_upsert_changes_only_the_columns_present(staff_client, run_jobs, placement):
    program, department = placement
    body = csv_text([STUDENT_HEADER, student_row(1, program, department, category="obc")])
    first = (await upload(staff_client, body)).json()["id"]
    await settled(staff_client, first, run_jobs)
    await staff_client.post(f"/api/v1/imports/{first}/commit")
    await run_jobs()
    student = await Student.get(student_code="IMP00001")
    # Only the code, the semester and the section: the category stays as it is.
    body = csv_text([["student_code", "semester", "section"], ["IMP00001", "3", "B"], ["IMP00001x", "2", "A"]])
    second = (await upload(staff_client, body, mode="upsert")).json()["id"]
    preview = await settled(staff_client, second, run_jobs)
    outcomes = {r["row_number"]: r["outcome"] for r in preview["items"]}
    assert outcomes[2] == "updated"
    assert outcomes[3] == "error"  # a new student without the required columns
    assert (await staff_client.post(f"/api/v1/imports/{second}/commit",)).status_code == 400
    body = csv_text([["student_code", "semester", "section"], ["IMP00001", "3", "B"]])
    third = (await upload(staff_client, body, mode="upsert")).json()["id"]
    await settled(staff_client, third, run_jobs)
    await staff_client.post(f"/api/v1/imports/{third}/commit")
    await run_jobs()
    await student.refresh_from_db()
    assert (student.semester, student.section, student.category) == (3, "B", "obc")
    # The same file again: unchanged.
    fourth = (await upload(staff_client, body, mode="upsert")).json()["id"]
    assert (await settled(staff_client, fourth, run_jobs))["unchanged_count"] == 1


async def test_a_change_between_preview_and_commit_is_refused_not_forced(staff_client, run_jobs, placement):
    program, department = placement
    body = csv_text([STUDENT_HEADER] + [student_row(n, program, department) for n in (1, 2)])
    import_id = (await upload(staff_client, body)).json()["id"]
    await settled(staff_client, import_id, run_jobs)
    # Meanwhile someone registers the first email.
    await factories.create_user(email="imp1@example.edu", user_name="someone.else")
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    result = await settled(staff_client, import_id, run_jobs)
    outcomes = {r["row_number"]: (r["commit_outcome"], r["commit_errors"]) for r in result["items"]}
    assert outcomes[2][0] == "refused"
    assert outcomes[2][1] == [{"column": "email", "message": "Email already registered"}]
    assert outcomes[3][0] == "created"
    assert (result["committed_count"], result["refused_count"]) == (1, 1)


async def test_batches_mixing_valid_rows_and_rows_taken_since_the_preview_report_each_row(
        staff_client, run_jobs, placement, monkeypatch):
    """Several commit batches (of 2 rows), each holding a row whose key another writer
    took after the preview, in another case: each refused on its row and column, the
    others written, no row skipped between batches."""
    from dashboard.services import imports

    monkeypatch.setattr(imports, "BATCH_ROWS", 3)
    monkeypatch.setattr(imports, "COMMIT_BATCH_ROWS", 2)
    program, department = placement
    body = csv_text([STUDENT_HEADER] + [student_row(n, program, department) for n in range(1, 8)])
    import_id = (await upload(staff_client, body)).json()["id"]
    preview = await settled(staff_client, import_id, run_jobs)
    assert (preview["created_count"], preview["error_count"]) == (7, 0)
    # Meanwhile: row 3's student code, row 5's user name and row 8's admission number are taken.
    await factories.create_student(student_code="imp00002")
    await factories.create_user(email="other@example.edu", user_name="IMP.4")
    await factories.create_student(admission_number="adm-00007")
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    result = await settled(staff_client, import_id, run_jobs)
    assert result["status"] == "committed"
    outcomes = {r["row_number"]: (r["commit_outcome"], r["commit_errors"]) for r in result["items"]}
    assert outcomes == {
        2: ("created", []),
        3: ("refused", [{"column": "student_code", "message": "Student ID already exists"}]),
        4: ("created", []),
        5: ("refused", [{"column": "user_name", "message": "Username already taken"}]),
        6: ("created", []),
        7: ("created", []),
        8: ("refused", [{"column": "admission_number", "message": "Admission number already exists"}]),
    }
    assert (result["rows_committed"], result["committed_count"], result["refused_count"]) == (7, 4, 3)
    imported = await Student.filter(student_code__startswith="IMP").values_list("student_code", flat=True)
    assert sorted(imported) == ["IMP00001", "IMP00003", "IMP00005", "IMP00006"]
    assert await AuditLog.filter(entity_type="students", new_value__contains={"import_id": import_id}).count() == 4


async def test_each_batch_is_planned_for_its_own_keys(staff_client, run_jobs, placement, monkeypatch):
    """The lookups of the preview's and the commit's batches run with custom plans and
    without JIT (a generic plan kept from when `users` was empty scanned every user for
    every key); the writes go back to cached plans (their foreign key checks)."""
    from dashboard.services.imports import KINDS

    kind = type(KINDS["students"])
    seen: list[tuple[str, str, str]] = []

    def spy(step: str) -> Any:
        original = getattr(kind, step)

        async def spying(self: Any, ctx: Any, rows: Any) -> None:
            found = await connections.get("default").execute_query_dict(
                "SELECT current_setting('plan_cache_mode') AS plans, current_setting('jit') AS jit")
            seen.append((step, found[0]["plans"], found[0]["jit"]))
            await original(self, ctx, rows)

        return spying

    monkeypatch.setattr(kind, "check", spy("check"))
    monkeypatch.setattr(kind, "write", spy("write"))
    program, department = placement
    body = csv_text([STUDENT_HEADER, student_row(1, program, department)])
    import_id = (await upload(staff_client, body)).json()["id"]
    await settled(staff_client, import_id, run_jobs)
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    result = await settled(staff_client, import_id, run_jobs)
    assert result["committed_count"] == 1
    assert seen == [("check", "force_custom_plan", "off"), ("check", "force_custom_plan", "off"),
                    ("write", "auto", "off")]
    # Outside a batch the connection's settings are untouched.
    after = await connections.get("default").execute_query_dict("SELECT current_setting('plan_cache_mode') AS p")
    assert after[0]["p"] == "auto"


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_xlsx_formulas_are_read_as_text(staff_client, run_jobs, placement):
    program, department = placement
    row: list[Any] = student_row(1, program, department)
    row[4] = "=HYPERLINK(\"http://evil\",\"x\")"
    row[9] = 2026
    import_id = (await upload(staff_client, _xlsx([STUDENT_HEADER, row]), name="f.xlsx",
                              content_type=XLSX_TYPE)).json()["id"]
    preview = await settled(staff_client, import_id, run_jobs)
    assert preview["created_count"] == 1, preview["items"]
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    await run_jobs()
    user = await User.get(email="imp1@example.edu")
    assert user.first_name == "=HYPERLINK(\"http://evil\",\"x\")"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def _broken_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "body", "content_type", "status", "words"), [
    ("f.xlsx", _broken_workbook(), XLSX_TYPE, 400, "cannot be read as an XLSX workbook"),
    ("f.csv", b"\x7fELF\x02\x01\x01\x00binary", CSV_TYPE, 400, "does not match"),
    ("f.xlsx", b"student_code,email\r\n", XLSX_TYPE, 400, "does not match"),
    ("f.csv", "student_code,first_name\r\nA1,Zo\xeb\r\n".encode("latin-1"), CSV_TYPE, 400, "not UTF-8"),
    ("f.csv", b"student_code,colour\r\nA1,blue\r\n", CSV_TYPE, 400, "header row does not match"),
    ("f.xlsx", None, XLSX_TYPE, 400, "zip bomb"),
    ("f.txt", b"student_code\r\n", "text/plain", 400, "extension"),
])
async def test_hostile_files_are_refused_before_any_row_is_read(staff_client, name, body, content_type, status,
                                                                  words):
    response = await upload(staff_client, body if body is not None else _zip_bomb(), name=name,
                            content_type=content_type)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    rows = await connections.get("default").execute_query_dict("SELECT count(*) AS n FROM imports")
    assert rows[0]["n"] == 0


async def test_too_large_a_file_is_413(staff_client):
    body = b"student_code\r\n" + b"A" * (21 * 1024 * 1024)
    response = await upload(staff_client, body)
    assert response.status_code == 413


# --- grades ----------------------------------------------------------------------------------


async def _graded_class(size: int = 3) -> tuple[Any, Any, list[str]]:
    """An offering with `size` registered students, an assessment of 20 marks, and the
    students' codes."""
    offering, registrations = await factories.create_class(size)
    assessment = await factories.create_assessment(course_offering=offering, max_marks=20)
    rows = await connections.get("default").execute_query_dict(
        "SELECT s.student_code FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id "
        "JOIN students s ON s.id = e.student_id WHERE r.id = ANY($1::int[]) ORDER BY r.id",
        [[r.id for r in registrations]])
    return offering, assessment, [r["student_code"] for r in rows]


async def test_grades_for_an_assessment_preview_and_commit(staff_client, run_jobs):
    _offering, assessment, codes = await _graded_class(3)
    outsider = await factories.create_student()
    body = csv_text([["student_code", "marks_obtained", "remarks"], [codes[0], "17.5", ""], [codes[1], "25", ""],
                     ["NOBODY", "3", ""], [codes[2], "abc", ""], [codes[0], "4", ""],
                     [outsider.student_code.lower(), "4", ""]])
    import_id = (await upload(staff_client, body, kind="grades", assessment_id=assessment.id)).json()["id"]
    preview = await settled(staff_client, import_id, run_jobs)
    errors = {r["row_number"]: r["errors"] for r in preview["items"]}
    assert errors[2] == []
    assert errors[3] == [{"column": "marks_obtained", "message": "Marks obtained cannot exceed max marks (20.00)"}]
    assert errors[4] == [{"column": "student_code", "message": "Student not found"}]
    assert errors[5][0]["column"] == "marks_obtained"
    assert "Duplicate in this file" in errors[6][0]["message"]
    assert errors[7] == [{"column": "student_code", "message": "Student is not registered in this course offering"}]
    clean = csv_text([["student_code", "marks_obtained"], *[[c, "10"] for c in codes]])
    second = (await upload(staff_client, clean, kind="grades", assessment_id=assessment.id,
                           error_threshold=0)).json()["id"]
    assert (await settled(staff_client, second, run_jobs))["created_count"] == 3
    await staff_client.post(f"/api/v1/imports/{second}/commit")
    result = await settled(staff_client, second, run_jobs)
    assert result["committed_count"] == 3
    assert await Grade.filter(assessment_id=assessment.id).count() == 3
    # Upsert changes the marks only.
    body = csv_text([["student_code", "marks_obtained"], [codes[0], "12"]])
    third = (await upload(staff_client, body, kind="grades", mode="upsert", assessment_id=assessment.id)).json()["id"]
    assert (await settled(staff_client, third, run_jobs))["updated_count"] == 1
    await staff_client.post(f"/api/v1/imports/{third}/commit")
    await run_jobs()
    marks = sorted(float(m) for m in await Grade.filter(assessment_id=assessment.id).values_list(
        "marks_obtained", flat=True))
    assert marks == [10, 10, 12]


async def test_a_faculty_member_importing_grades_for_another_teachers_offering_gets_each_row_refused(
        login_as, run_jobs):
    _offering, assessment, codes = await _graded_class(2)
    faculty = await login_as("faculty")
    body = csv_text([["student_code", "marks_obtained"], *[[c, "5"] for c in codes]])
    response = await upload(faculty, body, kind="grades", assessment_id=assessment.id)
    assert response.status_code == 202, response.text
    preview = await settled(faculty, response.json()["id"], run_jobs)
    assert preview["error_count"] == 2
    assert all(r["errors"] == [{"column": "", "message": "You do not teach this course offering"}]
               for r in preview["items"])
    assert (await faculty.post(f"/api/v1/imports/{preview['id']}/commit")).status_code == 400
    assert await Grade.all().count() == 0


async def test_faculty_may_not_import_students(faculty_client, placement):
    program, department = placement
    response = await upload(faculty_client, csv_text([STUDENT_HEADER, student_row(1, program, department)]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["student", "parent"])
async def test_students_and_parents_may_not_import(login_as, role):
    client = await login_as(role)
    assert (await client.get("/api/v1/imports")).status_code == 403
    assert (await client.get("/api/v1/imports/kinds")).status_code == 403


async def test_faculty_see_only_their_own_imports(staff_client, login_as, placement, run_jobs):
    program, department = placement
    import_id = (await upload(staff_client, csv_text([STUDENT_HEADER, student_row(1, program, department)]))
                 ).json()["id"]
    faculty = await login_as("faculty")
    assert (await faculty.get(f"/api/v1/imports/{import_id}")).status_code == 404
    assert (await faculty.get("/api/v1/imports")).json()["total"] == 0
    assert (await staff_client.get("/api/v1/imports")).json()["items"][0]["created_by_name"]


# --- library books -----------------------------------------------------------------------------


async def test_books_create_then_upsert(staff_client, run_jobs):
    department = await factories.create_department()
    header = ["isbn", "title", "author", "copies_total", "department_code"]
    body = csv_text([header, ["978-0262046305", "Algorithms", "Cormen", "3", department.code],
                     ["978-0131103627", "The C Programming Language", "K&R", "2", ""]])
    import_id = (await upload(staff_client, body, kind="library_books")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 2
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    await run_jobs()
    assert await LibraryBook.all().count() == 2
    body = csv_text([["isbn", "copies_total"], ["978-0262046305", "5"]])
    second = (await upload(staff_client, body, kind="library_books", mode="upsert")).json()["id"]
    assert (await settled(staff_client, second, run_jobs))["updated_count"] == 1
    await staff_client.post(f"/api/v1/imports/{second}/commit")
    await run_jobs()
    book = await LibraryBook.get(isbn="978-0262046305")
    assert (book.copies_total, book.copies_available, book.title) == (5, 5, "Algorithms")
    body = csv_text([header, ["978-0262046305", "Again", "X", "1", "NOPE"]])
    third = (await upload(staff_client, body, kind="library_books")).json()["id"]
    errors = (await settled(staff_client, third, run_jobs))["items"][0]["errors"]
    assert {"column": "isbn", "message": "A book with this ISBN already exists"} in errors
    assert {"column": "department_code", "message": "Department not found"} in errors


async def test_templates_download_in_both_formats(staff_client):
    csv_file = await staff_client.get("/api/v1/imports/templates/students")
    assert csv_file.status_code == 200
    assert csv_file.content.decode("utf-8-sig").splitlines()[0].startswith("student_code,admission_number")
    xlsx = await staff_client.get("/api/v1/imports/templates/grades", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    kinds = (await staff_client.get("/api/v1/imports/kinds")).json()
    category = next(c for c in kinds[0]["columns"] if c["name"] == "category")
    assert "general" in category["choices"]


async def test_concurrent_commits_write_once(staff_client, run_jobs, placement):
    program, department = placement
    body = csv_text([STUDENT_HEADER, student_row(1, program, department)])
    import_id = (await upload(staff_client, body)).json()["id"]
    await settled(staff_client, import_id, run_jobs)
    answers = await asyncio.gather(*[staff_client.post(f"/api/v1/imports/{import_id}/commit") for _ in range(4)])
    assert {a.status_code for a in answers} == {202}
    await run_jobs()
    assert await Student.all().count() == 1


async def test_a_faculty_member_imports_grades_for_an_offering_they_teach(login_as, run_jobs):
    faculty = await login_as("faculty")
    offering, registrations = await factories.create_class(2, faculty=[faculty.profile])
    assessment = await factories.create_assessment(course_offering=offering, max_marks=20)
    codes = [r.student.student_code for r in registrations]
    body = csv_text([["student_code", "marks_obtained"], *[[c, "15"] for c in codes]])
    import_id = (await upload(faculty, body, kind="grades", assessment_id=assessment.id)).json()["id"]
    assert (await settled(faculty, import_id, run_jobs))["created_count"] == 2
    assert (await faculty.post(f"/api/v1/imports/{import_id}/commit")).status_code == 202
    result = await settled(faculty, import_id, run_jobs)
    assert result["committed_count"] == 2
    graded_by = set(await Grade.filter(assessment_id=assessment.id).values_list("graded_by_id", flat=True))
    assert graded_by == {faculty.user.id}
    audit = await AuditLog.filter(entity_type="grades").values_list("user_id", flat=True)
    assert set(audit) == {faculty.user.id}


async def test_the_error_file_of_an_xlsx_is_an_xlsx(staff_client, run_jobs, placement):
    from openpyxl import load_workbook

    program, department = placement
    rows: list[list[Any]] = [STUDENT_HEADER, student_row(1, program, department),
                             student_row(2, program, department, program_code="NOPE")]
    import_id = (await upload(staff_client, _xlsx(rows), name="f.xlsx", content_type=XLSX_TYPE)).json()["id"]
    await settled(staff_client, import_id, run_jobs)
    download = await staff_client.get(f"/api/v1/imports/{import_id}/errors")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][-1] == "errors" and values[1][-1] in (None, "")
    assert "Program not found" in values[2][-1]
