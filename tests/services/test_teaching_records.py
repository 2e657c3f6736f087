"""The teaching-record rules through the services, as the admin panel calls them (no
HTTP): the register's one submit under racing savers, the summary rebuild agreeing with
the maintained rows, publishing twice, and faculty limited to what they teach."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.errors import Forbidden, NotFound
from dashboard.schemas.attendance import RegisterMark
from dashboard.schemas.grades import PublishRequest
from dashboard.services import attendance, grades
from dashboard.services.auth import load_actor
from models import Attendance, AttendanceSummary, Grade, SemesterResult
from models.enums import AttendanceStatus, UserType
from tests import factories

pytestmark = pytest.mark.usefixtures("app")
DAY = dt.date(2025, 9, 1)


async def _staff() -> Actor:
    user = await factories.create_user(user_type=UserType.STAFF)
    await factories.create_admin_staff(user=user)
    return await load_actor(user.id)


async def _teacher() -> tuple[Actor, object]:
    user = await factories.create_user(user_type=UserType.FACULTY)
    profile = await factories.create_faculty(user=user)
    return await load_actor(user.id), profile


async def _summaries() -> list[tuple]:
    return await AttendanceSummary.all().order_by("enrollment_id", "month").values_list(
        "enrollment_id", "month", "total_classes", "attended_classes", "attendance_percentage")


async def test_racing_register_saves_leave_one_mark_each_and_exact_summaries():
    staff = await _staff()
    offering, regs = await factories.create_class(6)
    statuses = list(AttendanceStatus)
    saves = [attendance.save_register(staff, offering_id=offering.id, day=DAY, marks=[
        RegisterMark(enrollment_id=r.enrollment_id, status=statuses[(n + i) % 4]) for i, r in enumerate(regs)])
        for n in range(4)]
    results = await asyncio.gather(*saves)
    assert all(r["failed"] == 0 for r in results)
    assert await Attendance.filter(course_offering_id=offering.id).count() == 6
    maintained = await _summaries()
    await attendance.rebuild_summaries(Actor.system())
    assert await _summaries() == maintained


async def test_reopening_a_register_shows_the_marks_and_edits_them():
    teacher, profile = await _teacher()
    offering, regs = await factories.create_class(2, faculty=[profile])
    await attendance.save_register(teacher, offering_id=offering.id, day=DAY, marks=[
        RegisterMark(enrollment_id=regs[0].enrollment_id, status=AttendanceStatus.ABSENT),
        RegisterMark(enrollment_id=regs[1].enrollment_id, status=AttendanceStatus.PRESENT)])
    rows = await attendance.class_register(teacher, offering_id=offering.id, day=DAY)
    assert [r["status"] for r in rows] == ["absent", "present"]
    result = await attendance.save_register(teacher, offering_id=offering.id, day=DAY, marks=[
        RegisterMark(enrollment_id=regs[0].enrollment_id, status=AttendanceStatus.LATE),
        RegisterMark(enrollment_id=regs[1].enrollment_id, status=AttendanceStatus.PRESENT)])
    assert [r["message"] for r in result["results"]] == ["Updated", "Unchanged"]
    summary = await AttendanceSummary.get(enrollment_id=regs[0].enrollment_id)
    assert (summary.total_classes, summary.attended_classes) == (1, 1)


async def test_faculty_are_limited_to_what_they_teach():
    teacher, _ = await _teacher()
    other, regs = await factories.create_class(1)
    with pytest.raises(Forbidden):
        await attendance.class_register(teacher, offering_id=other.id, day=DAY)
    paper = await factories.create_assessment(course_offering=other)
    with pytest.raises(Forbidden):
        await grades.marks_sheet(teacher, assessment_id=paper.id)
    with pytest.raises(NotFound):
        await grades.calculate_sgpa(teacher, student_id=regs[0].student.id, semester=1)
    assert await Attendance.all().count() == 0


async def test_publishing_twice_changes_nothing_and_one_statement_does_the_semester():
    staff = await _staff()
    offering, regs = await factories.create_class(3)
    paper = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100),
                                              weightage=Decimal(100))
    for registration, marks in zip(regs, ("91", "55", "12"), strict=True):
        await factories.create_grade(enrollment=registration.enrollment, assessment=paper,
                                     marks_obtained=Decimal(marks))
    request = PublishRequest(semester=1, academic_year="2025-26")
    first = await grades.publish_results(staff, data=request)
    rows = await SemesterResult.all().order_by("student_id").values_list(
        "student_id", "gpa", "cgpa", "status", "published_at", "published_by_id")
    second = await grades.publish_results(Actor.system(), data=request)
    assert first == second and first["published"] == 3
    assert await SemesterResult.all().order_by("student_id").values_list(
        "student_id", "gpa", "cgpa", "status", "published_at", "published_by_id") == rows
    preview = await grades.preview_publish(staff, semester=1, academic_year="2025-26")
    assert [p["failures"] for p in preview] == [1, 0, 0]
    # The per-student results come from grades, not a loop: one INSERT ... SELECT wrote them.
    counts = await connections.get("default").execute_query_dict(
        "SELECT count(DISTINCT published_at) AS n FROM semester_results")
    assert counts[0]["n"] == 1
    assert await Grade.all().count() == 3
