"""The demo university generator: every table filled, the domain's rules hold, the demo
logins work, and a seed always yields the same data.

Runs against the session's migrated test database (the `services` fixture); the tables
are emptied before and after, as the `app` fixture's tests expect.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import bcrypt
import pytest

from dashboard.core.db import asyncpg_dsn
from dashboard.demo.generate import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    GENERATED_TABLES,
    GenerationReport,
    UniversityNotEmpty,
    generate_university,
    university_is_empty,
)

STUDENTS = 200
SEED = 7



async def _connect(db_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(**asyncpg_dsn(db_url))


async def _empty_tables(db_url: str) -> None:
    conn = await _connect(db_url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('aerich', 'grading_scales')"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        # Not owned by a column, so RESTART IDENTITY leaves it alone.
        await conn.execute("SELECT setval('fee_receipt_number_seq', 1, false)")
    finally:
        await conn.close()


async def _fingerprint(db_url: str) -> dict[str, tuple[int, int]]:
    conn = await _connect(db_url)
    try:
        prints = {}
        for table in GENERATED_TABLES:
            row = await conn.fetchrow(
                f"SELECT count(*) AS n, coalesce(sum(hashtext(t::text)::bigint), 0) AS h "
                f"FROM {table} t"
            )
            prints[table] = (row["n"], row["h"])
        return prints
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def university(services: dict[str, str]) -> AsyncIterator[dict[str, Any]]:
    db_url = services["database_url"]
    await _empty_tables(db_url)
    try:
        report = await generate_university(db_url, students=STUDENTS, seed=SEED)
        yield {"db_url": db_url, "report": report}
    finally:
        await _empty_tables(db_url)


@pytest.fixture
async def db(university: dict[str, Any]) -> AsyncIterator[asyncpg.Connection]:
    conn = await _connect(university["db_url"])
    try:
        yield conn
    finally:
        await conn.close()


async def test_every_table_is_filled_and_reported(university: dict[str, Any],
                                                  db: asyncpg.Connection) -> None:
    report: GenerationReport = university["report"]
    assert [t.table for t in report.tables] == list(GENERATED_TABLES)
    for timing in report.tables:
        count = await db.fetchval(f"SELECT count(*) FROM {timing.table}")
        assert count > 0, timing.table
        assert count == timing.rows, timing.table
    text = report.as_text()
    assert f"{STUDENTS} students" in text
    assert "attendance" in text and "rows/s" in text
    assert await db.fetchval("SELECT count(*) FROM students") == STUDENTS


async def test_scale_per_student(db: asyncpg.Connection) -> None:
    registrations = await db.fetchval(
        "SELECT count(*) FROM course_registrations WHERE status = 'registered'")
    attendance = await db.fetchval("SELECT count(*) FROM attendance")
    grades = await db.fetchval(
        "SELECT count(*) FROM grades g JOIN course_offerings o ON o.id = g.course_offering_id "
        "WHERE o.status = 'ongoing'")
    assert 8 * STUDENTS <= registrations <= 10 * STUDENTS
    assert attendance >= 10 * registrations
    assert grades >= 3 * registrations
    # Earlier semesters: about nine courses each, two grades per course.
    semesters_done = await db.fetchval("SELECT sum(semester - 1) FROM students")
    completed = await db.fetchval(
        "SELECT count(*) FROM course_registrations WHERE status = 'completed'")
    assert 6 * semesters_done <= completed <= 10 * semesters_done


async def test_sequences_continue_after_the_generated_ids(db: asyncpg.Connection) -> None:
    for table in GENERATED_TABLES:
        last, top = await db.fetchrow(
            f"SELECT (SELECT last_value FROM {table}_id_seq), (SELECT max(id) FROM {table})"
        )
        assert last == top, table
    receipts = await db.fetchval("SELECT count(*) FROM fee_payments")
    assert await db.fetchval("SELECT last_value FROM fee_receipt_number_seq") == receipts


# Each query counts the rows that break a rule; all must count 0.
INVARIANTS = {
    "no room holds more students than beds at any time": """
        SELECT count(*) FROM hostel_allocations a JOIN hostel_rooms r ON r.id = a.room_id
        WHERE r.capacity < (SELECT count(*) FROM hostel_allocations b
                            WHERE b.room_id = a.room_id AND b.allocation_date <= a.allocation_date
                              AND coalesce(b.release_date, 'infinity') > a.allocation_date)""",
    "hostels of the student's kind (boys, girls; doctoral and others unisex)": """
        SELECT count(*) FROM hostel_allocations a JOIN hostels h ON h.id = a.hostel_id
        JOIN students s ON s.id = a.student_id JOIN users u ON u.id = s.user_id
        JOIN programs p ON p.id = s.program_id
        WHERE h.hostel_type <> CASE WHEN u.gender = 'other' OR p.degree_type = 'phd' THEN 'unisex'
                                    WHEN u.gender = 'male' THEN 'boys' ELSE 'girls' END""",
    "loans not before the borrower joined, returns before today": """
        SELECT count(*) FROM book_issues i JOIN users u ON u.id = i.user_id
        WHERE i.issue_date < u.created_at OR i.return_date >= DATE '2026-11-26'""",
    "offerings taught by faculty who had joined by then": """
        SELECT count(*) FROM offering_faculty x JOIN faculty f ON f.id = x.faculty_id
        JOIN course_offerings o ON o.id = x.offering_id
        WHERE f.date_of_joining > o.start_date""",
    "one enrolled enrollment per student, in their program": """
        SELECT count(*) FROM students s
        WHERE (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id
               AND e.status = 'enrolled') <> 1
           OR NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.student_id = s.id
               AND e.status = 'enrolled' AND e.program_id = s.program_id)""",
    "student department is the program's": """
        SELECT count(*) FROM students s JOIN programs p ON p.id = s.program_id
        WHERE p.department_id <> s.department_id""",
    "HOD is a faculty member of the department": """
        SELECT count(*) FROM departments d LEFT JOIN faculty f ON f.id = d.hod_id
        WHERE f.id IS NULL OR f.department_id <> d.id OR NOT f.is_hod""",
    "is_hod only for HODs": """
        SELECT count(*) FROM faculty f
        WHERE f.is_hod AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.hod_id = f.id)""",
    "copies_available = copies_total - open loans": """
        SELECT count(*) FROM library_books b
        WHERE b.copies_available <> b.copies_total - (SELECT count(*) FROM book_issues i
              WHERE i.book_id = b.id AND i.status = 'issued')""",
    "reference books are never loaned": """
        SELECT count(*) FROM book_issues i JOIN library_books b ON b.id = i.book_id
        WHERE b.is_reference""",
    "returned loans have a return date, open ones none": """
        SELECT count(*) FROM book_issues WHERE (status = 'returned') <> (return_date IS NOT NULL)""",
    "occupied_beds = active allocations, occupied when full": """
        SELECT count(*) FROM hostel_rooms r
        WHERE r.occupied_beds <> (SELECT count(*) FROM hostel_allocations a
              WHERE a.room_id = r.id AND a.status = 'active')
           OR (r.status = 'occupied') <> (r.occupied_beds = r.capacity AND r.status <> 'maintenance')""",
    "hostel occupied_capacity = active allocations": """
        SELECT count(*) FROM hostels h
        WHERE h.occupied_capacity <> (SELECT count(*) FROM hostel_allocations a
              WHERE a.hostel_id = h.id AND a.status = 'active')""",
    "students.hostel_id = the active allocation's hostel": """
        SELECT count(*) FROM students s
        LEFT JOIN hostel_allocations a ON a.student_id = s.id AND a.status = 'active'
        WHERE s.hostel_id IS DISTINCT FROM a.hostel_id""",
    "allocated room belongs to the hostel": """
        SELECT count(*) FROM hostel_allocations a JOIN hostel_rooms r ON r.id = a.room_id
        WHERE r.hostel_id <> a.hostel_id""",
    "enrolled_students = registrations <= max_capacity": """
        SELECT count(*) FROM course_offerings o
        WHERE o.enrolled_students <> (SELECT count(*) FROM course_registrations r
              WHERE r.course_offering_id = o.id AND r.status = 'registered')
           OR o.enrolled_students > o.max_capacity""",
    "registrations are in the student's program: this term's, or completed earlier ones": """
        SELECT count(*) FROM course_registrations r
        JOIN enrollments e ON e.id = r.enrollment_id
        JOIN students s ON s.id = e.student_id
        JOIN course_offerings o ON o.id = r.course_offering_id
        WHERE o.program_id <> e.program_id OR e.status <> 'enrolled'
           OR NOT ((r.status = 'registered' AND o.status = 'ongoing' AND o.semester = s.semester
                    AND o.academic_year = '2026-27')
                OR (r.status = 'completed' AND o.status = 'completed' AND o.semester < s.semester
                    AND o.end_date < DATE '2026-11-26'))""",
    "attendance only for registered students": """
        SELECT count(*) FROM attendance a WHERE NOT EXISTS (
            SELECT 1 FROM course_registrations r
            WHERE r.enrollment_id = a.enrollment_id AND r.course_offering_id = a.course_offering_id)""",
    "attendance student is the enrollment's": """
        SELECT count(*) FROM attendance a JOIN enrollments e ON e.id = a.enrollment_id
        WHERE e.student_id <> a.student_id""",
    "attendance marked by a teacher of the offering, on a past weekday": """
        SELECT count(*) FROM attendance a
        WHERE extract(isodow FROM a.date) > 5 OR a.date >= DATE '2026-11-26'
           OR NOT EXISTS (SELECT 1 FROM offering_faculty x JOIN faculty f ON f.id = x.faculty_id
                          WHERE x.offering_id = a.course_offering_id AND f.user_id = a.marked_by_id)""",
    "attendance summary matches the marks": """
        SELECT count(*) FROM attendance_summary s
        FULL JOIN (SELECT enrollment_id, date_trunc('month', date)::date AS month,
                          count(*) AS total,
                          count(*) FILTER (WHERE status IN ('present', 'late')) AS attended
                   FROM attendance GROUP BY 1, 2) x
          ON x.enrollment_id = s.enrollment_id AND x.month = s.month
        WHERE x.total IS DISTINCT FROM s.total_classes
           OR x.attended IS DISTINCT FROM s.attended_classes
           OR s.attendance_percentage <> round(100.0 * s.attended_classes / s.total_classes, 2)""",
    "0 <= marks <= max_marks, offering and course from the assessment": """
        SELECT count(*) FROM grades g
        JOIN assessments a ON a.id = g.assessment_id
        JOIN course_offerings o ON o.id = a.course_offering_id
        WHERE g.marks_obtained > a.max_marks OR g.marks_obtained < 0
           OR g.course_offering_id <> a.course_offering_id OR g.course_id <> o.course_id""",
    "every registration graded on every assessment of its offering": """
        SELECT count(*) FROM course_registrations r
        JOIN assessments a ON a.course_offering_id = r.course_offering_id
        LEFT JOIN grades g ON g.enrollment_id = r.enrollment_id AND g.assessment_id = a.id
        WHERE g.id IS NULL""",
    "grades only for registered students, by a teacher of the offering": """
        SELECT count(*) FROM grades g
        WHERE NOT EXISTS (SELECT 1 FROM course_registrations r WHERE
                          r.enrollment_id = g.enrollment_id AND r.course_offering_id = g.course_offering_id)
           OR NOT EXISTS (SELECT 1 FROM offering_faculty x JOIN faculty f ON f.id = x.faculty_id
                          WHERE x.offering_id = g.course_offering_id AND f.user_id = g.graded_by_id)""",
    "weightages of an offering sum to 100": """
        SELECT count(*) FROM course_offerings o
        WHERE (SELECT coalesce(sum(weightage), 0) FROM assessments a
               WHERE a.course_offering_id = o.id) <> 100""",
    "1-2 active teachers from the course's department": """
        SELECT count(*) FROM course_offerings o JOIN courses c ON c.id = o.course_id
        WHERE (SELECT count(*) FROM offering_faculty x WHERE x.offering_id = o.id) NOT BETWEEN 1 AND 2
           OR EXISTS (SELECT 1 FROM offering_faculty x JOIN faculty f ON f.id = x.faculty_id
                      WHERE x.offering_id = o.id
                        AND (f.department_id <> c.department_id OR f.status <> 'active'))""",
    "no teacher or student in two classes at once, no class in a break": """
        SELECT (SELECT count(*) FROM (
                    SELECT x.faculty_id, cs.slot_id FROM class_schedules cs
                    JOIN offering_faculty x ON x.offering_id = cs.course_offering_id
                    WHERE cs.is_active GROUP BY 1, 2 HAVING count(*) > 1) f)
             + (SELECT count(*) FROM (
                    SELECT r.enrollment_id, cs.slot_id FROM course_registrations r
                    JOIN class_schedules cs ON cs.course_offering_id = r.course_offering_id
                    WHERE cs.is_active GROUP BY 1, 2 HAVING count(*) > 1) s)
             + (SELECT count(*) FROM class_schedules cs JOIN timetable_slots t ON t.id = cs.slot_id
                WHERE t.slot_type = 'break')""",
    "prerequisites come from earlier semesters": """
        SELECT count(*) FROM course_prerequisites cp
        JOIN program_courses a ON a.course_id = cp.course_id
        JOIN program_courses b ON b.course_id = cp.prerequisite_id AND b.program_id = a.program_id
        WHERE b.semester >= a.semester""",
    "students.cgpa is the latest result's, credit-weighted": """
        SELECT count(*) FROM students s
        LEFT JOIN LATERAL (SELECT r.cgpa FROM semester_results r WHERE r.student_id = s.id
                           ORDER BY r.semester DESC LIMIT 1) last ON true
        LEFT JOIN (SELECT student_id,
                          round(sum(gpa * total_credits_attempted) / sum(total_credits_attempted), 2) AS c
                   FROM semester_results GROUP BY 1) w ON w.student_id = s.id
        WHERE s.cgpa IS DISTINCT FROM last.cgpa OR abs(w.c - s.cgpa) > 0.011""",
    "results only for completed semesters": """
        SELECT count(*) FROM semester_results r JOIN students s ON s.id = r.student_id
        WHERE r.semester >= s.semester""",
    "fees: total is the sum, never overpaid, the student's program": """
        SELECT count(*) FROM fee_structures f JOIN students s ON s.id = f.student_id
        WHERE f.program_id <> s.program_id
           OR f.total_fee < (SELECT coalesce(sum(p.amount_paid), 0) FROM fee_payments p
                             WHERE p.fee_structure_id = f.id
                               AND p.payment_status IN ('completed', 'pending'))
           OR EXISTS (SELECT 1 FROM fee_payments p WHERE p.fee_structure_id = f.id
                      AND p.student_id <> f.student_id)""",
    "payments before today, not before the student's admission, with RCP receipts": """
        SELECT count(*) FROM fee_payments p JOIN students s ON s.id = p.student_id
        WHERE p.payment_date >= DATE '2026-11-26' OR p.payment_date < s.admission_date
           OR p.receipt_number !~ '^RCP-[0-9A-F]{10}$'""",
    "profile rows match the user type": """
        SELECT (SELECT count(*) FROM students x JOIN users u ON u.id = x.user_id
                WHERE u.user_type <> 'student')
             + (SELECT count(*) FROM faculty x JOIN users u ON u.id = x.user_id
                WHERE u.user_type <> 'faculty')
             + (SELECT count(*) FROM parents x JOIN users u ON u.id = x.user_id
                WHERE u.user_type <> 'parent')
             + (SELECT count(*) FROM admin_staff x JOIN users u ON u.id = x.user_id
                WHERE u.user_type NOT IN ('admin', 'staff'))
             + (SELECT count(*) FROM users u WHERE u.user_type IN ('admin', 'staff')
                AND NOT EXISTS (SELECT 1 FROM admin_staff x WHERE x.user_id = u.id))""",
    "emails lowercase, user names 3-50 characters": """
        SELECT count(*) FROM users
        WHERE email <> lower(email) OR char_length(user_name) NOT BETWEEN 3 AND 50""",
    "every parent has a child, siblings share a family name": """
        SELECT (SELECT count(*) FROM parents p
                WHERE NOT EXISTS (SELECT 1 FROM students s WHERE s.parent_id = p.id))
             + (SELECT count(*) FROM students s JOIN students t ON t.parent_id = s.parent_id
                AND t.id > s.id JOIN users a ON a.id = s.user_id JOIN users b ON b.id = t.user_id
                WHERE a.last_name <> b.last_name)""",
    "exam sittings inside their schedule, midterm on the assessment's date": """
        SELECT count(*) FROM exam_timetables t
        JOIN exam_schedules s ON s.id = t.exam_schedule_id
        JOIN course_offerings o ON o.id = t.course_offering_id
        LEFT JOIN assessments a ON a.course_offering_id = o.id AND a.assessment_type = 'midterm'
        WHERE o.course_id <> s.course_id OR t.start_time < s.start_time OR t.end_time > s.end_time
           OR (s.exam_type = 'midterm' AND a.date <> t.exam_date)""",
}


@pytest.mark.parametrize("rule", list(INVARIANTS))
async def test_invariant(rule: str, db: asyncpg.Connection) -> None:
    assert await db.fetchval(INVARIANTS[rule]) == 0


async def test_demo_logins(db: asyncpg.Connection) -> None:
    users = {
        row["user_type"]: row
        for row in await db.fetch(
            "SELECT id, user_type, email, hashed_password, is_active FROM users "
            "WHERE email = ANY($1::text[])", list(DEMO_LOGINS.values()))
    }
    assert {role: users[role]["email"] for role in users} == DEMO_LOGINS
    for row in users.values():
        assert row["is_active"]
        assert bcrypt.checkpw(DEMO_PASSWORD.encode(), row["hashed_password"].encode())
    for role in ("admin", "staff"):
        assert await db.fetchval("SELECT count(*) FROM admin_staff WHERE user_id = $1",
                                 users[role]["id"]) == 1

    student = await db.fetchrow("SELECT * FROM students WHERE user_id = $1", users["student"]["id"])
    sid = student["id"]
    assert student["semester"] > 1 and student["cgpa"] is not None
    assert student["hostel_id"] is not None
    counts = await db.fetchrow(
        """
        SELECT
          (SELECT count(*) FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id
           WHERE e.student_id = $1) AS registrations,
          (SELECT count(*) FROM grades g JOIN enrollments e ON e.id = g.enrollment_id
           WHERE e.student_id = $1) AS grades,
          (SELECT count(*) FROM attendance WHERE student_id = $1) AS attendance,
          (SELECT count(*) FROM fee_structures WHERE student_id = $1) AS fee_structures,
          (SELECT count(*) FROM fee_payments WHERE student_id = $1) AS fee_payments,
          (SELECT count(*) FROM semester_results WHERE student_id = $1) AS results,
          (SELECT count(*) FROM book_issues WHERE user_id = $2 AND status = 'issued') AS open_loans,
          (SELECT count(*) FROM user_notifications WHERE user_id = $2) AS inbox
        """,
        sid, users["student"]["id"],
    )
    assert all(value > 0 for value in counts.values()), dict(counts)

    parent = await db.fetchrow("SELECT id FROM parents WHERE user_id = $1", users["parent"]["id"])
    assert student["parent_id"] == parent["id"]
    assert await db.fetchval("SELECT count(*) FROM students WHERE parent_id = $1", parent["id"]) >= 2

    teaches = await db.fetchval(
        """
        SELECT count(*) FROM offering_faculty x JOIN faculty f ON f.id = x.faculty_id
        WHERE f.user_id = $1
          AND x.offering_id IN (SELECT r.course_offering_id FROM course_registrations r
                                JOIN enrollments e ON e.id = r.enrollment_id
                                WHERE e.student_id = $2)
        """,
        users["faculty"]["id"], sid,
    )
    assert teaches >= 1


async def test_refuses_a_database_that_holds_a_university(university: dict[str, Any]) -> None:
    assert not await university_is_empty(university["db_url"])
    with pytest.raises(UniversityNotEmpty):
        await generate_university(university["db_url"], students=STUDENTS, seed=SEED)


async def test_same_seed_same_data(university: dict[str, Any]) -> None:
    db_url = university["db_url"]
    first = await _fingerprint(db_url)
    await _empty_tables(db_url)
    assert await university_is_empty(db_url)
    await generate_university(db_url, students=STUDENTS, seed=SEED)
    assert await _fingerprint(db_url) == first


async def test_another_seed_other_data(university: dict[str, Any]) -> None:
    db_url = university["db_url"]
    first = await _fingerprint(db_url)
    await _empty_tables(db_url)
    try:
        await generate_university(db_url, students=STUDENTS, seed=SEED + 1)
        other = await _fingerprint(db_url)
        assert other["users"] != first["users"]
        assert other["attendance"] != first["attendance"]
    finally:
        await _empty_tables(db_url)
        await generate_university(db_url, students=STUDENTS, seed=SEED)


# --- demo data that tells the truth ------------------------------------------------------

# The academic year of a date: July to June.
ACADEMIC_YEAR_OF = ("to_char({d} - interval '6 months', 'YYYY') || '-' || "
                    "to_char({d} + interval '6 months', 'YY')")


@pytest.mark.parametrize(("table", "label", "day"), [
    ("course_offerings", "academic_year", "start_date"),
    ("course_offerings", "academic_year", "end_date"),
    ("fee_structures", "academic_year", "due_date"),
    ("hostel_allocations", "academic_year", "allocation_date"),
    ("exam_schedules", "academic_year", "start_time"),
    ("semester_results", "academic_year", "published_at - interval '1 month'"),
])
async def test_academic_years_agree_with_dates(db: asyncpg.Connection, table: str, label: str,
                                               day: str) -> None:
    wrong = await db.fetch(
        f"SELECT id, {label}, {day} AS day FROM {table} "
        f"WHERE {label} <> {ACADEMIC_YEAR_OF.format(d=day)} LIMIT 5")
    assert [dict(r) for r in wrong] == []
    assert await db.fetchval(f"SELECT count(*) FROM {table}") > 0


async def test_this_term_is_2026_27(db: asyncpg.Connection) -> None:
    years = await db.fetch(
        "SELECT DISTINCT academic_year, start_date, end_date FROM course_offerings "
        "WHERE status = 'ongoing'")
    assert [tuple(r) for r in years] == [("2026-27", dt.date(2026, 8, 17), dt.date(2026, 12, 18))]


async def test_a_results_year_is_the_year_its_courses_were_taken(db: asyncpg.Connection) -> None:
    assert await db.fetchval("""
        SELECT count(*) FROM semester_results sr
        WHERE EXISTS (SELECT 1 FROM course_registrations r JOIN course_offerings o
                      ON o.id = r.course_offering_id
                      WHERE r.enrollment_id = sr.enrollment_id AND o.semester = sr.semester
                        AND o.academic_year <> sr.academic_year)""") == 0


async def test_every_earlier_semester_has_a_published_result(db: asyncpg.Connection) -> None:
    missing = await db.fetch("""
        SELECT s.id, k AS semester FROM students s, generate_series(1, s.semester - 1) k
        WHERE NOT EXISTS (SELECT 1 FROM semester_results r WHERE r.student_id = s.id
                          AND r.semester = k AND r.published_at IS NOT NULL
                          AND r.published_at < DATE '2026-11-26')
        LIMIT 5""")
    assert [dict(r) for r in missing] == []
    seniors = await db.fetchval("SELECT count(*) FROM students WHERE semester > 1")
    assert seniors > STUDENTS / 3


# SGPA per domain.md §3.9 and notes §3.2: per course, the sum of marks / max x weightage; the
# letter and grade point from grading_scales; SGPA = sum(credits x points) / sum(credits), 2 decimals.
SGPA_FROM_GRADES = """
    WITH course_pct AS (
        SELECT e.student_id, o.semester, c.id AS course_id, c.credits,
               sum(g.marks_obtained / a.max_marks * a.weightage) AS pct
        FROM grades g
        JOIN assessments a ON a.id = g.assessment_id
        JOIN course_offerings o ON o.id = a.course_offering_id
        JOIN courses c ON c.id = g.course_id
        JOIN enrollments e ON e.id = g.enrollment_id
        WHERE o.status = 'completed'
        GROUP BY 1, 2, 3, 4),
    points AS (
        SELECT p.*, (SELECT gs.grade_point FROM grading_scales gs
                     WHERE gs.min_percentage <= p.pct
                     ORDER BY gs.min_percentage DESC LIMIT 1) AS gp
        FROM course_pct p)
    SELECT student_id, semester, round(sum(credits * gp) / sum(credits), 2) AS sgpa,
           sum(credits) AS attempted, sum(credits) FILTER (WHERE gp > 0) AS earned
    FROM points GROUP BY 1, 2
"""


async def test_results_are_computed_from_the_grades(db: asyncpg.Connection) -> None:
    wrong = await db.fetch(f"""
        SELECT r.student_id, r.semester, r.gpa, x.sgpa, r.total_credits_attempted, x.attempted,
               r.total_credits_earned, x.earned, r.status
        FROM semester_results r
        FULL JOIN ({SGPA_FROM_GRADES}) x ON x.student_id = r.student_id AND x.semester = r.semester
        WHERE r.gpa IS DISTINCT FROM x.sgpa
           OR r.total_credits_attempted IS DISTINCT FROM x.attempted
           OR r.total_credits_earned IS DISTINCT FROM coalesce(x.earned, 0)
           OR (r.status = 'pass') <> (x.earned IS NOT DISTINCT FROM x.attempted)
        LIMIT 5""")
    assert [dict(r) for r in wrong] == []
    # CGPA so far, credit-weighted over the published semesters (the calculate-cgpa rule).
    assert await db.fetchval("""
        SELECT count(*) FROM semester_results r
        WHERE r.cgpa <> (SELECT round(sum(p.gpa * p.total_credits_attempted)
                                      / sum(p.total_credits_attempted), 2)
                         FROM semester_results p
                         WHERE p.student_id = r.student_id AND p.semester <= r.semester)""") == 0
    # Some fail a course: the transcript is not uniformly perfect.
    assert await db.fetchval("SELECT count(*) FROM semester_results WHERE status = 'fail'") > 0
    assert await db.fetchval(
        "SELECT count(DISTINCT gpa) FROM semester_results") > 20


async def test_enrollment_credits_earned_are_the_results(db: asyncpg.Connection) -> None:
    assert await db.fetchval("""
        SELECT count(*) FROM enrollments e
        WHERE e.status = 'enrolled' AND e.credits_earned <>
              (SELECT coalesce(sum(r.total_credits_earned), 0) FROM semester_results r
               WHERE r.enrollment_id = e.id)""") == 0


async def test_a_transcript_lists_every_course_of_every_earlier_semester(
        db: asyncpg.Connection) -> None:
    """Each completed semester's registrations are the program's mandatory courses of that
    semester plus the required number of electives, graded."""
    assert await db.fetchval("""
        SELECT count(*) FROM students s, generate_series(1, s.semester - 1) k
        WHERE (SELECT count(*) FROM course_registrations r
               JOIN enrollments e ON e.id = r.enrollment_id
               JOIN course_offerings o ON o.id = r.course_offering_id
               JOIN program_courses pc ON pc.program_id = o.program_id
                    AND pc.course_id = o.course_id AND pc.semester = k AND pc.is_mandatory
               WHERE e.student_id = s.id AND o.semester = k AND r.status = 'completed')
            <> (SELECT count(*) FROM program_courses pc
                WHERE pc.program_id = s.program_id AND pc.semester = k AND pc.is_mandatory)
    """) == 0


async def test_fee_structures_span_every_semester_enrolled(db: asyncpg.Connection) -> None:
    assert await db.fetchval("""
        SELECT count(*) FROM students s, generate_series(1, s.semester) k
        WHERE NOT EXISTS (SELECT 1 FROM fee_structures f WHERE f.student_id = s.id
                          AND f.semester = k)""") == 0
    # Nothing is charged for semesters after the next one.
    assert await db.fetchval("""
        SELECT count(*) FROM fee_structures f JOIN students s ON s.id = f.student_id
        WHERE f.semester > s.semester + 1""") == 0


FEE_STANDING = """
    SELECT s.batch_year, f.id, f.total_fee, f.due_date,
           coalesce((SELECT sum(p.amount_paid) FROM fee_payments p
                     WHERE p.fee_structure_id = f.id AND p.payment_status = 'completed'), 0) AS paid
    FROM fee_structures f JOIN students s ON s.id = f.student_id
"""


async def test_every_batch_has_paid_partly_paid_and_overdue_structures(
        db: asyncpg.Connection) -> None:
    rows = await db.fetch(f"""
        SELECT batch_year,
               count(*) FILTER (WHERE paid = total_fee) AS paid,
               count(*) FILTER (WHERE paid > 0 AND paid < total_fee) AS partly_paid,
               count(*) FILTER (WHERE due_date < DATE '2026-11-26' AND paid < total_fee) AS overdue
        FROM ({FEE_STANDING}) x GROUP BY 1 ORDER BY 1""")
    assert len(rows) >= 4
    for row in rows:
        assert row["paid"] >= 1 and row["partly_paid"] >= 1 and row["overdue"] >= 1, dict(row)
    # Most fees are paid: arrears are the exception, not the rule.
    paid_share = await db.fetchval(
        f"SELECT avg((paid = total_fee)::int) FROM ({FEE_STANDING}) x "
        "WHERE due_date < DATE '2026-11-26'")
    assert 0.7 < paid_share < 0.97


async def test_hostel_fees_only_for_the_years_lived_in(db: asyncpg.Connection) -> None:
    assert await db.fetchval("""
        SELECT count(*) FROM fee_structures f
        WHERE (f.hostel_fee IS NOT NULL) <> EXISTS (
            SELECT 1 FROM hostel_allocations a WHERE a.student_id = f.student_id
              AND a.academic_year = f.academic_year AND a.status IN ('active', 'vacated'))""") == 0


async def test_notifications_reach_exactly_their_audience(db: asyncpg.Connection) -> None:
    rows = await db.fetch("""
        SELECT n.id, n.title, n.status, n.target_audience, n.target_user_ids,
               array(SELECT un.user_id FROM user_notifications un WHERE un.notification_id = n.id
                     ORDER BY un.user_id) AS recipients,
               array(SELECT u.id FROM users u
                     WHERE u.is_active AND u.created_at <= n.sent_at
                       AND (n.target_audience = 'all'
                            OR (n.target_audience = 'students' AND u.user_type = 'student')
                            OR (n.target_audience = 'faculty' AND u.user_type = 'faculty')
                            OR (n.target_audience = 'staff' AND u.user_type IN ('admin', 'staff')))
                     ORDER BY u.id) AS audience
        FROM notifications n""")
    assert rows
    for row in rows:
        if row["status"] != "sent":
            assert row["recipients"] == [] and row["title"], dict(row)
        elif row["target_audience"] == "specific":
            listed = json.loads(row["target_user_ids"])
            assert sorted(listed) == row["recipients"] and len(set(listed)) == len(listed)
        else:
            assert row["recipients"] == row["audience"], row["title"]
    # Nobody is told of anything before their account existed, nor reads it before it came.
    assert await db.fetchval("""
        SELECT count(*) FROM user_notifications un JOIN notifications n ON n.id = un.notification_id
        JOIN users u ON u.id = un.user_id
        WHERE u.created_at > n.sent_at OR un.read_at < n.sent_at OR un.is_read <> (un.read_at IS NOT NULL)
    """) == 0


async def test_attendance_warnings_go_to_the_students_below_75_percent(
        db: asyncpg.Connection) -> None:
    warned = {r["user_id"] for r in await db.fetch("""
        SELECT un.user_id FROM user_notifications un JOIN notifications n ON n.id = un.notification_id
        WHERE n.title LIKE 'Attendance below 75%%'""")}
    short = {r["user_id"] for r in await db.fetch("""
        SELECT s.user_id FROM attendance_summary a JOIN enrollments e ON e.id = a.enrollment_id
        JOIN students s ON s.id = e.student_id
        GROUP BY 1 HAVING 100 * sum(a.attended_classes) < 75 * sum(a.total_classes)""")}
    assert warned == short and short


async def test_the_demo_students_loan_is_due_as_the_reminder_says(db: asyncpg.Connection) -> None:
    row = await db.fetchrow("""
        SELECT i.due_date, n.message FROM users u
        JOIN book_issues i ON i.user_id = u.id AND i.status = 'issued'
        JOIN user_notifications un ON un.user_id = u.id
        JOIN notifications n ON n.id = un.notification_id AND n.title = 'Library book due soon'
        WHERE u.email = $1 ORDER BY i.issue_date DESC LIMIT 1""", DEMO_LOGINS["student"])
    due = row["due_date"].astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).date()
    assert f"{due:%d %B %Y}" in row["message"]
    assert dt.date(2026, 11, 26) < due <= dt.date(2026, 12, 3)


@pytest.mark.parametrize("table", GENERATED_TABLES)
async def test_nothing_is_stamped_after_today(db: asyncpg.Connection, table: str) -> None:
    """The demo university is seen at the start of 26 November 2026 (IST): every record was
    made before it (scheduled notifications and future exams are plans, not stamps)."""
    columns = [r["column_name"] for r in await db.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
        "AND column_name IN ('created_at', 'updated_at', 'marked_at', 'graded_at', "
        "'published_at', 'registered_at', 'read_at', 'sent_at', 'issue_date', 'return_date', "
        "'payment_date', 'release_date', 'allocation_date', 'enrollment_date', 'last_login')",
        table)]
    for column in columns:
        late = await db.fetchval(
            f"SELECT count(*) FROM {table} WHERE {column} >= TIMESTAMPTZ '2026-11-26 00:00+05:30'")
        assert late == 0, f"{table}.{column}"
