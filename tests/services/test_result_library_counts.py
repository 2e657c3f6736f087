"""The count tables of migration 9 (semester results, students' CGPAs, book loans) equal a
recount of the rows after every kind of write, and the exam results, student performance
and library reports that read them answer exactly what their SQL over the detail rows
(as it was before migration 9, kept here) answers, for every combination of filters,
after a mixed sequence of inserts, updates and deletes: results published (a real publish
and an upsert statement like it), changed and deleted; students changing CGPA, status,
department and program; loans issued, returned, fined, lost and deleted; books changing
department and category. A result or loan written while its student or book moves is
counted where the student or book ends up."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.db import asyncpg_dsn
from dashboard.schemas.grades import PublishRequest
from dashboard.schemas.reports import ExamResultsFilters, LibraryStatsFilters, StudentPerformanceFilters
from dashboard.services import grades, reports
from models import BookIssue, LibraryBook, SemesterResult, Student
from models.enums import UserType
from tests import factories
from tests.counts import assert_kept_counts_match

pytestmark = pytest.mark.usefixtures("app")

# Each pair: the maintained table, and the same figures counted from the rows.
RECOUNTS = {
    "semester_result_counts": """
        SELECT r.academic_year, r.semester, s.department_id, s.program_id, r.status, count(*) AS n,
               sum(r.gpa) AS gpa_sum
        FROM semester_results r JOIN students s ON s.id = r.student_id GROUP BY 1, 2, 3, 4, 5""",
    "student_cgpa_counts": """
        SELECT department_id, program_id, status, count(*) AS students, coalesce(sum(cgpa), 0) AS cgpa_sum,
               count(cgpa) AS cgpa_n
        FROM students GROUP BY 1, 2, 3""",
    "library_loan_counts": """
        SELECT b.department_id, b.category, i.status, count(*) AS n, sum(i.fine_amount) AS fines
        FROM book_issues i JOIN library_books b ON b.id = i.book_id GROUP BY 1, 2, 3""",
}
# Rows whose counts have all gone back to zero are left in place; they count as absent.
EMPTY = {
    "semester_result_counts": "n = 0 AND gpa_sum = 0",
    "student_cgpa_counts": "students = 0 AND cgpa_sum = 0 AND cgpa_n = 0",
    "library_loan_counts": "n = 0 AND fines = 0",
}


async def assert_counts_match() -> None:
    await assert_kept_counts_match(RECOUNTS, EMPTY)


# --- the reports' SQL over the detail rows, as before migration 9 ----------------------------

DETAIL_STUDENT_PERFORMANCE = """
WITH g AS MATERIALIZED (
    SELECT st.department_id, st.status, count(*) AS n, sum(st.cgpa) AS cgpa_sum, count(st.cgpa) AS cgpa_n
    FROM students st {student_where}
    GROUP BY 1, 2
), r AS MATERIALIZED (
    SELECT r.semester, count(*) AS n, sum(r.gpa) AS gpa_sum
    FROM semester_results r {result_join} {result_where}
    GROUP BY 1
), by_department AS (
    SELECT department_id, sum(n) AS n FROM g GROUP BY department_id
)
SELECT
    (SELECT json_build_object('n', coalesce(sum(n), 0), 'cgpa_sum', coalesce(sum(cgpa_sum), 0),
                              'cgpa_n', coalesce(sum(cgpa_n), 0)) FROM g) AS totals,
    (SELECT coalesce(json_object_agg(status, n), '{{}}') FROM (SELECT status, sum(n) AS n FROM g GROUP BY 1) x)
        AS status_breakdown,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name,
                                                'student_count', coalesce(c.n, 0)) ORDER BY d.name), '[]')
     FROM departments d LEFT JOIN by_department c ON c.department_id = d.id {department_where}) AS department_wise,
    (SELECT coalesce(json_agg(json_build_object('semester', semester, 'gpa_sum', gpa_sum, 'student_count', n)
                              ORDER BY semester), '[]') FROM r) AS semester_wise_gpa
"""

DETAIL_EXAM_RESULTS = """
WITH g AS MATERIALIZED (
    SELECT r.semester, st.department_id, r.status, count(*) AS n, sum(r.gpa) AS gpa_sum
    FROM semester_results r JOIN students st ON st.id = r.student_id
    {where}
    GROUP BY 1, 2, 3
)
SELECT
    (SELECT json_build_object('n', coalesce(sum(n), 0), 'gpa_sum', coalesce(sum(gpa_sum), 0)) FROM g) AS totals,
    (SELECT coalesce(json_object_agg(status, n), '{{}}') FROM (SELECT status, sum(n) AS n FROM g GROUP BY 1) x)
        AS status_breakdown,
    (SELECT coalesce(json_agg(json_build_object('semester', semester, 'n', n, 'gpa_sum', gpa_sum, 'passed', passed)
                              ORDER BY semester), '[]')
     FROM (SELECT semester, sum(n) AS n, sum(gpa_sum) AS gpa_sum,
                  coalesce(sum(n) FILTER (WHERE status IN ('pass', 'promoted')), 0) AS passed
           FROM g GROUP BY 1) x) AS semester_wise,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name, 'n', x.n,
                                                'gpa_sum', x.gpa_sum) ORDER BY d.name), '[]')
     FROM (SELECT department_id, sum(n) AS n, sum(gpa_sum) AS gpa_sum FROM g GROUP BY 1) x
     JOIN departments d ON d.id = x.department_id) AS department_wise
"""

DETAIL_LIBRARY_STATS = """
WITH books AS (
    SELECT coalesce(b.category, '') AS category, count(*) AS titles, sum(b.copies_total) AS copies,
           sum(b.copies_available) AS available
    FROM library_books b {where}
    GROUP BY 1
), loans AS (
    SELECT coalesce(b.category, '') AS category,
           count(*) FILTER (WHERE i.status IN ('issued', 'overdue')) AS issued,
           count(*) FILTER (WHERE i.status IN ('issued', 'overdue') AND i.due_date < now()) AS overdue,
           count(*) FILTER (WHERE i.status = 'lost') AS lost,
           coalesce(sum(i.fine_amount), 0) AS fines
    FROM book_issues i JOIN library_books b ON b.id = i.book_id {where}
    GROUP BY 1
)
SELECT coalesce(json_agg(json_build_object(
           'category', nullif(books.category, ''), 'titles', books.titles, 'copies', books.copies,
           'available', books.available, 'issued', coalesce(loans.issued, 0),
           'overdue', coalesce(loans.overdue, 0), 'lost', coalesce(loans.lost, 0),
           'fines', coalesce(loans.fines, 0)) ORDER BY books.category = '', books.category), '[]') AS categories
FROM books LEFT JOIN loans ON loans.category = books.category
"""


def _detail_performance(f: StudentPerformanceFilters) -> tuple[str, list[Any]]:
    bind = reports._Binds()
    students, results = reports._student_clauses(f, bind)
    by_student = [c for c in students if not c.startswith("EXISTS")]
    department_where = reports._where([f"d.id = {bind(f.department_id)}"] if f.department_id else [])
    return DETAIL_STUDENT_PERFORMANCE.format(
        student_where=reports._where(students),
        result_join="JOIN students st ON st.id = r.student_id" if by_student else "",
        result_where=reports._where([*results, *by_student]), department_where=department_where), bind.values


def _detail_exams(f: ExamResultsFilters) -> tuple[str, list[Any]]:
    bind = reports._Binds()
    return DETAIL_EXAM_RESULTS.format(where=reports._where(reports._result_clauses(f, bind))), bind.values


def _detail_library(f: LibraryStatsFilters) -> tuple[str, list[Any]]:
    bind = reports._Binds()
    clauses = []
    if f.department_id is not None:
        clauses.append(f"b.department_id = {bind(f.department_id)}")
    if f.category is not None:
        clauses.append(f"lower(b.category) = lower({bind(f.category)})")
    return DETAIL_LIBRARY_STATS.format(where=reports._where(clauses)), bind.values


DETAIL = {reports.student_performance_report: _detail_performance, reports.exam_results_report: _detail_exams,
          reports.library_stats_report: _detail_library}


async def _from_details(monkeypatch: pytest.MonkeyPatch, report: Any, filters: Any) -> dict[str, Any]:
    """The report's answer with its statement replaced by the detail SQL (same columns, so
    the same code turns it into the report)."""
    sql, values = DETAIL[report](filters)

    class Detail:
        async def execute_query_dict(self, _sql: str, _values: list[Any]) -> list[dict[str, Any]]:
            return await connections.get("default").execute_query_dict(sql, values)

    with monkeypatch.context() as patch:
        patch.setattr(reports, "_db", Detail)
        out = await report(Actor.system(), filters=filters)
    return out.model_dump(mode="json")


async def assert_reports_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every combination of the filters' values in use (and one matching nothing) gives
    the same report from the counts as from the detail rows."""
    db = connections.get("default")
    departments = [r["id"] for r in await db.execute_query_dict("SELECT id FROM departments ORDER BY id")]
    programs = [r["id"] for r in await db.execute_query_dict("SELECT id FROM programs ORDER BY id")]
    years = [r["y"] for r in await db.execute_query_dict(
        "SELECT DISTINCT academic_year AS y FROM semester_results ORDER BY 1")]
    checks: list[tuple[Any, Any]] = []
    for year, semester, department, program in itertools.product(
            [None, *years, "2030-31"], [None, 1, 2], [None, *departments], [None, *programs]):
        for report, model in ((reports.exam_results_report, ExamResultsFilters),
                              (reports.student_performance_report, StudentPerformanceFilters)):
            checks.append((report, model(academic_year=year, semester=semester, department_id=department,
                                         program_id=program)))
    for department, category in itertools.product([None, *departments], [None, "science", "Arts", "Nothing"]):
        checks.append((reports.library_stats_report, LibraryStatsFilters(department_id=department,
                                                                         category=category)))
    for report, filters in checks:
        counted = (await report(Actor.system(), filters=filters)).model_dump(mode="json")
        assert counted == await _from_details(monkeypatch, report, filters), (report.__name__, filters)


# --- the university the writes work on -------------------------------------------------------


async def _world() -> dict[str, Any]:
    alpha = await factories.create_department(name="Alpha", code="ALP")
    beta = await factories.create_department(name="Beta", code="BET")
    a1 = await factories.create_program(department=alpha, name="Alpha BSc", code="ABSC")
    a2 = await factories.create_program(department=alpha, name="Alpha MSc", code="AMSC")
    b1 = await factories.create_program(department=beta, name="Beta BA", code="BBA")
    people = [(a1, Decimal("8.00"), "active"), (a1, None, "active"), (a2, Decimal("6.25"), "graduated"),
              (b1, Decimal("7.10"), "active"), (b1, Decimal("9.90"), "suspended")]
    students, enrollments = [], []
    for program, cgpa, status in people:
        student = await factories.create_student(program=program, department_id=program.department_id, cgpa=cgpa,
                                                 status=status)
        students.append(student)
        enrollments.append(await factories.create_enrollment(student=student))
    rows = [(0, "2024-25", 1, "8.00", "pass"), (0, "2025-26", 2, "9.00", "pass"), (2, "2024-25", 1, "6.25", "pass"),
            (3, "2025-26", 1, "3.10", "fail")]
    for s, year, semester, gpa, status in rows:
        await SemesterResult.create(enrollment=enrollments[s], student=students[s], academic_year=year,
                                    semester=semester, gpa=Decimal(gpa), cgpa=Decimal(gpa), status=status,
                                    total_credits_attempted=20, total_credits_earned=20)
    # One statement for several results, as a publish is.
    await SemesterResult.bulk_create([
        SemesterResult(enrollment_id=enrollments[s].id, student_id=students[s].id, academic_year="2025-26",
                       semester=1, gpa=Decimal(gpa), cgpa=Decimal(gpa), status=status, total_credits_attempted=20,
                       total_credits_earned=15)
        for s, gpa, status in ((1, "5.50", "promoted"), (4, "9.95", "pass"))])

    now = dt.datetime.now(dt.UTC)
    books = [await factories.create_book(department=alpha, category="Science", copies=4),
             await factories.create_book(department=alpha, category="science", copies=2),
             await factories.create_book(department=beta, category="Arts", copies=3),
             await factories.create_book(department=None, category=None, copies=2),
             await factories.create_book(department=beta, category=None, copies=1)]
    loans = []
    for book, status, due, fine in ((0, "issued", now - dt.timedelta(days=3), "0"),
                                    (0, "issued", now + dt.timedelta(days=5), "0"),
                                    (1, "overdue", now - dt.timedelta(days=9), "0"),
                                    (2, "lost", now - dt.timedelta(days=30), "200.00"),
                                    (3, "returned", now - dt.timedelta(days=20), "15.00"),
                                    (3, "issued", now - dt.timedelta(days=1), "0"),
                                    (4, "issued", now + dt.timedelta(days=2), "0")):
        reader = await factories.create_user(user_type=UserType.STUDENT)
        loans.append(await factories.create_loan(book=books[book], user=reader, status=status, due_date=due,
                                                 fine_amount=Decimal(fine), issue_date=due - dt.timedelta(days=14),
                                                 return_date=due if status == "returned" else None))
    return {"departments": (alpha, beta), "programs": (a1, a2, b1), "students": students,
            "enrollments": enrollments, "books": books, "loans": loans}


# --- the tests ---------------------------------------------------------------------------------


async def test_results_students_and_loans_kept_counted(monkeypatch):
    w = await _world()
    (alpha, beta), (a1, a2, b1) = w["departments"], w["programs"]
    students, enrollments, books, loans = w["students"], w["enrollments"], w["books"], w["loans"]
    await assert_counts_match()
    await assert_reports_match(monkeypatch)

    # An upsert of a semester's results, as publishing does: two new, two changed, one the same.
    db = connections.get("default")
    await db.execute_query(
        "INSERT INTO semester_results AS r (enrollment_id, student_id, academic_year, semester, gpa, cgpa, "
        "total_credits_attempted, total_credits_earned, status, created_at) "
        "SELECT e, s, '2025-26', 1, g, g, 20, 20, st, now() FROM unnest($1::int[], $2::int[], $3::numeric[], "
        "$4::text[]) AS x(e, s, g, st) "
        "ON CONFLICT (student_id, semester) DO UPDATE SET gpa = EXCLUDED.gpa, status = EXCLUDED.status, "
        "academic_year = EXCLUDED.academic_year, updated_at = now()",
        [[enrollments[i].id for i in (0, 2, 3, 1, 4)], [students[i].id for i in (0, 2, 3, 1, 4)],
         [Decimal("7.00"), Decimal("6.00"), Decimal("4.20"), Decimal("5.50"), Decimal("9.95")],
         ["pass", "fail", "pass", "promoted", "pass"]])
    await assert_counts_match()
    # Results changed one by one and in bulk, moved to another year, deleted.
    await SemesterResult.filter(student_id=students[0].id, semester=2).update(gpa=Decimal("8.40"), status="fail")
    await SemesterResult.filter(semester=1).update(remarks="checked")
    await SemesterResult.filter(student_id=students[2].id, semester=1).update(academic_year="2024-25")
    await SemesterResult.filter(student_id=students[3].id).delete()
    await assert_counts_match()
    await assert_reports_match(monkeypatch)

    # Students: CGPAs and statuses changed in one statement, a student moving department and
    # program, another only program, a new student and one removed.
    await Student.filter(id__in=[students[0].id, students[1].id]).update(cgpa=Decimal("7.75"))
    await Student.filter(id=students[4].id).update(status="graduated", cgpa=None)
    await Student.filter(id=students[0].id).update(department_id=beta.id, program_id=b1.id)
    await Student.filter(id=students[2].id).update(program_id=a1.id)
    newcomer = await factories.create_student(program=a2, department_id=alpha.id, cgpa=Decimal("5.00"))
    leaver = await factories.create_student(program=b1, department_id=beta.id)
    await assert_counts_match()
    await Student.filter(id=leaver.id).delete()
    await Student.filter(id=newcomer.id).update(semester=3)
    await assert_counts_match()
    await assert_reports_match(monkeypatch)

    # Loans returned with a fine, lost, deleted, and new ones in one statement; books moving
    # department and category (to none, to another case of a category).
    await BookIssue.filter(id=loans[0].id).update(status="returned", fine_amount=Decimal("30.00"),
                                                  return_date=dt.datetime.now(dt.UTC))
    await BookIssue.filter(id=loans[6].id).update(status="lost", fine_amount=Decimal("450.00"))
    await BookIssue.filter(id=loans[4].id).delete()
    staff = await factories.create_admin_staff()
    readers = [await factories.create_user(user_type=UserType.STUDENT) for _ in range(2)]
    now = dt.datetime.now(dt.UTC)
    await BookIssue.bulk_create([
        BookIssue(book_id=books[2].id, user_id=reader.id, issued_by_id=staff.id, status="issued",
                  issue_date=now - dt.timedelta(days=20), due_date=now - dt.timedelta(days=6), fine_amount=0,
                  renewal_count=0) for reader in readers])
    await assert_counts_match()
    await LibraryBook.filter(id=books[0].id).update(category="Arts")
    await LibraryBook.filter(id=books[2].id).update(department_id=None)
    await LibraryBook.filter(id=books[3].id).update(category="SCIENCE", department_id=alpha.id)
    await LibraryBook.filter(id=books[1].id).update(copies_available=0)
    await assert_counts_match()
    await assert_reports_match(monkeypatch)


async def test_publishing_a_semester_keeps_the_counts():
    """A real publish (one upsert of every result and one update of the CGPAs), then a
    publish again after a grade changed (the upsert's update path)."""
    program = await factories.create_program()
    course = await factories.create_course(department_id=program.department_id, credits=4)
    offering = await factories.create_offering(program=program, course=course)
    paper = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100),
                                              weightage=Decimal(100))
    marks = []
    for value in ("85", "35", "62"):
        student = await factories.create_student(program=program)
        enrollment = await factories.create_enrollment(student=student)
        await factories.create_registration(course_offering=offering, enrollment=enrollment)
        marks.append(await factories.create_grade(enrollment=enrollment, assessment=paper,
                                                  marks_obtained=Decimal(value)))
    request = PublishRequest(semester=1, academic_year="2025-26")
    assert (await grades.publish_results(Actor.system(), data=request))["published"] == 3
    await assert_counts_match()
    counts = await connections.get("default").execute_query_dict(
        "SELECT status, n FROM semester_result_counts WHERE n > 0 ORDER BY status")
    assert [(r["status"], r["n"]) for r in counts] == [("fail", 1), ("pass", 2)]
    marks[1].marks_obtained = Decimal("90")
    await marks[1].save(update_fields=["marks_obtained"])
    assert (await grades.publish_results(Actor.system(), data=request))["published"] == 3
    await assert_counts_match()


async def _connect(services: dict[str, str]) -> asyncpg.Connection:
    return await asyncpg.connect(**asyncpg_dsn(services["database_url"]))


@pytest.mark.parametrize("mover_first", [True, False], ids=["move-then-result", "result-then-move"])
async def test_a_result_written_while_its_student_moves_is_counted_where_they_end_up(services, mover_first):
    w = await _world()
    beta, b1 = w["departments"][1], w["programs"][2]
    student, enrollment = w["students"][1], w["enrollments"][1]
    insert = ("INSERT INTO semester_results (enrollment_id, student_id, academic_year, semester, gpa, cgpa, "
              "total_credits_attempted, total_credits_earned, status, created_at) "
              "VALUES ($1, $2, '2025-26', 4, 7.25, 7.25, 20, 20, 'pass', now())")
    move = "UPDATE students SET department_id = $1, program_id = $2 WHERE id = $3"
    first, second = await _connect(services), await _connect(services)
    try:
        held = first.transaction()
        await held.start()
        if mover_first:
            await first.execute(move, beta.id, b1.id, student.id)
            waiting = asyncio.ensure_future(second.execute(insert, enrollment.id, student.id))
        else:
            await first.execute(insert, enrollment.id, student.id)
            waiting = asyncio.ensure_future(second.execute(move, beta.id, b1.id, student.id))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await held.commit()
        await waiting
    finally:
        await first.close()
        await second.close()
    await assert_counts_match()


async def test_a_loan_written_while_its_book_moves_is_counted_where_it_ends_up(services):
    w = await _world()
    book = w["books"][0]
    staff = await factories.create_admin_staff()
    reader = await factories.create_user(user_type=UserType.STUDENT)
    first, second = await _connect(services), await _connect(services)
    try:
        held = first.transaction()
        await held.start()
        await first.execute("UPDATE library_books SET category = 'History', department_id = NULL WHERE id = $1",
                            book.id)
        waiting = asyncio.ensure_future(second.execute(
            "INSERT INTO book_issues (book_id, user_id, issued_by_id, status, issue_date, due_date, fine_amount, "
            "renewal_count, created_at) VALUES ($1, $2, $3, 'issued', now(), now() + interval '7 days', 0, 0, now())",
            book.id, reader.id, staff.id))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await held.commit()
        await waiting
    finally:
        await first.close()
        await second.close()
    await assert_counts_match()


async def test_migration_9_reverts_and_applies_again():
    """The downgrade removes every object and the upgrade brings them back, with the counts
    filled from the rows present."""
    import importlib.util

    from dashboard.core.db import MIGRATIONS_DIR

    path = next((MIGRATIONS_DIR / "models").glob("9_*_result_library_counts.py"))
    spec = importlib.util.spec_from_file_location("result_library_counts", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    await _world()
    connection = connections.get("default")

    async def present() -> tuple[int, int, int]:
        rows = await connection.execute_query_dict(
            "SELECT (SELECT count(*) FROM pg_tables WHERE tablename = ANY($1::text[])) AS tables, "
            "(SELECT count(*) FROM pg_trigger t WHERE (t.tgrelid::regclass::text, t.tgname) IN "
            " (SELECT * FROM unnest($2::text[], $3::text[]))) AS triggers, "
            "(SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_book_issues_open_due') AS indexes",
            [list(migration.TABLES), [t for t, _ in migration.TRIGGERS], [n for _, n in migration.TRIGGERS]])
        return rows[0]["tables"], rows[0]["triggers"], rows[0]["indexes"]

    assert await present() == (3, len(migration.TRIGGERS), 1)
    await connection.execute_script(await migration.downgrade(connection))
    assert await present() == (0, 0, 0)
    await connection.execute_script(await migration.upgrade(connection))
    assert await present() == (3, len(migration.TRIGGERS), 1)
    await assert_counts_match()
