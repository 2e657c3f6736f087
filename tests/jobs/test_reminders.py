"""The reminder rules on constructed data: each notifies the people concerned and their
parents once, however often it runs that day, and each can be switched off."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from dashboard.core.actor import Actor
from dashboard.services import reminders
from dashboard.settings import get_settings
from jobs.reminders import run_daily_reminders, run_exam_change_reminders
from models import ExamTimetable, Notification, UserNotification
from models.enums import AttendanceStatus, NotificationStatus, TargetAudience
from tests import factories
from tests.api.test_grades import MARKS, YEAR, Term

pytestmark = pytest.mark.usefixtures("app")

SYSTEM = Actor.system()
TODAY = dt.date(2026, 3, 10)


async def _inbox(user_id: int) -> list[str]:
    rows = await UserNotification.filter(user_id=user_id).order_by("id").values("notification__title")
    return [r["notification__title"] for r in rows]


async def _family_student():
    """A student with a parent and a separate guardian, each with an account."""
    parent = await factories.create_parent()
    guardian = await factories.create_parent()
    student = await factories.create_student(parent=parent, guardian=guardian)
    return student, parent, guardian


# --- fee due ---------------------------------------------------------------------------


async def test_a_fee_due_in_3_days_notifies_once_even_when_the_job_runs_twice(run_jobs, smtp_sink):
    student, parent, guardian = await _family_student()
    await factories.create_fee_structure(student=student, due_date=TODAY + dt.timedelta(days=3))
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 1
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 0

    (notice,) = await Notification.all()
    assert notice.sent_by_id is None, "sent by the university, not a person"
    assert notice.status is NotificationStatus.SENT and notice.sent_at is not None
    assert notice.target_audience is TargetAudience.SPECIFIC
    assert notice.title == "Fee due in 3 days: semester 1 (2025-26)"
    assert "Friday 13 March 2026" in notice.message
    for user_id in (student.user_id, parent.user_id, guardian.user_id):
        assert await _inbox(user_id) == [notice.title]
    await run_jobs()
    assert len(smtp_sink.messages) == 3


async def test_fee_reminders_at_each_threshold_only_for_open_balances(monkeypatch):
    paid_up = await factories.create_student()
    structure = await factories.create_fee_structure(student=paid_up, due_date=TODAY + dt.timedelta(days=7))
    await factories.create_fee_payment(fee_structure=structure, amount_paid=structure.total_fee)
    owing = await factories.create_student()
    await factories.create_fee_structure(student=owing, due_date=TODAY + dt.timedelta(days=7))
    # 20 days: not a threshold.
    await factories.create_fee_structure(student=owing, semester=2, due_date=TODAY + dt.timedelta(days=20))

    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 1
    assert await _inbox(paid_up.user_id) == []
    assert await _inbox(owing.user_id) == ["Fee due in 7 days: semester 1 (2025-26)"]
    # Four days later the same fee is 3 days away: a second reminder, once.
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY + dt.timedelta(days=4)) == 1
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY + dt.timedelta(days=4)) == 0
    # The day before: "tomorrow", urgent-looking.
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY + dt.timedelta(days=6)) == 1
    assert (await _inbox(owing.user_id))[-1] == "Fee due tomorrow: semester 1 (2025-26)"

    monkeypatch.setattr(get_settings(), "reminder_fee_due_days", "20")
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 1
    monkeypatch.setattr(get_settings(), "reminder_fee_due_enabled", False)
    await factories.create_fee_structure(student=await factories.create_student(), due_date=TODAY + dt.timedelta(5))
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 0


async def test_many_students_due_the_same_day_get_one_notice():
    students = [await factories.create_student() for _ in range(4)]
    for student in students:
        await factories.create_fee_structure(student=student, due_date=TODAY + dt.timedelta(days=1))
    assert await reminders.remind_fees_due(SYSTEM, on=TODAY) == 1
    (notice,) = await Notification.all()
    assert sorted(await UserNotification.filter(notification_id=notice.id).values_list("user_id", flat=True)) == \
        sorted(s.user_id for s in students)


async def test_two_concurrent_runs_notify_once():
    student = await factories.create_student()
    await factories.create_fee_structure(student=student, due_date=TODAY + dt.timedelta(days=3))
    results = await asyncio.gather(*(reminders.remind_fees_due(SYSTEM, on=TODAY) for _ in range(3)))
    assert sorted(results) == [0, 0, 1]
    assert await _inbox(student.user_id) == ["Fee due in 3 days: semester 1 (2025-26)"]


# --- overdue books -----------------------------------------------------------------------


async def test_an_overdue_book_notifies_its_borrower_and_parents_once(monkeypatch):
    student, parent, _ = await _family_student()
    now = dt.datetime.now(dt.UTC)
    book = await factories.create_book(title="Linear Algebra")
    await factories.create_loan(book=book, user_id=student.user_id, due_date=now - dt.timedelta(days=2))
    await factories.create_loan(user_id=student.user_id, due_date=now + dt.timedelta(days=2))  # not yet due
    assert await reminders.remind_books_overdue(SYSTEM) == 1
    assert await reminders.remind_books_overdue(SYSTEM) == 0
    assert await _inbox(student.user_id) == ["Overdue: Linear Algebra"]
    assert await _inbox(parent.user_id) == ["Overdue: Linear Algebra"]

    monkeypatch.setattr(get_settings(), "reminder_book_overdue_enabled", False)
    await factories.create_loan(user_id=student.user_id, due_date=now - dt.timedelta(days=1))
    assert await reminders.remind_books_overdue(SYSTEM) == 0


async def test_a_returned_book_is_not_reminded():
    student = await factories.create_student()
    loan = await factories.create_loan(user_id=student.user_id, due_date=dt.datetime.now(dt.UTC) - dt.timedelta(1))
    loan.status = "returned"
    loan.return_date = dt.datetime.now(dt.UTC)
    await loan.save()
    assert await reminders.remind_books_overdue(SYSTEM) == 0


# --- low attendance ----------------------------------------------------------------------


async def _marks(enrollment, offering, statuses: str) -> None:
    """One class a day from 1 Sep 2025: P present, A absent, L late."""
    codes = {"P": AttendanceStatus.PRESENT, "A": AttendanceStatus.ABSENT, "L": AttendanceStatus.LATE}
    start = dt.date(2025, 9, 1) + dt.timedelta(days=await _count(enrollment, offering))
    for n, code in enumerate(statuses):
        await factories.create_attendance(enrollment=enrollment, course_offering=offering, status=codes[code],
                                          date=start + dt.timedelta(days=n))


async def _count(enrollment, offering) -> int:
    from models import Attendance

    return await Attendance.filter(enrollment_id=enrollment.id, course_offering_id=offering.id).count()


async def test_attendance_falling_below_the_threshold_notifies_once_each_time_it_falls():
    offering, (low, good) = await factories.create_class(size=2)
    parent = await factories.create_parent()
    low.student.parent_id = parent.id
    await low.student.save()
    await _marks(low.enrollment, offering, "PPAAA")  # 40%
    await _marks(good.enrollment, offering, "PPPLA")  # 80%
    course = await offering.course

    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 1
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 0
    title = f"Attendance below 75% in {course.code}"
    assert await _inbox(low.student.user_id) == [title]
    assert await _inbox(parent.user_id) == [title]
    assert await _inbox(good.student.user_id) == []

    # Back above (11 of 15 = 73%: still below; 14 of 18 = 78%: above) re-arms the rule ...
    await _marks(low.enrollment, offering, "PPPPPPPPP")
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 0
    # ... and falling below again tells them again.
    await _marks(low.enrollment, offering, "AAAAAA")
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 1
    assert await _inbox(low.student.user_id) == [title, title]


async def test_attendance_needs_enough_classes_and_follows_the_settings(monkeypatch):
    offering, (registration,) = await factories.create_class(size=1)
    await _marks(registration.enrollment, offering, "PAAA")  # 4 classes, 25%
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 0
    monkeypatch.setattr(get_settings(), "reminder_attendance_min_classes", 4)
    monkeypatch.setattr(get_settings(), "reminder_attendance_threshold", Decimal("20"))
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 0
    monkeypatch.setattr(get_settings(), "reminder_attendance_threshold", Decimal("30"))
    monkeypatch.setattr(get_settings(), "reminder_attendance_enabled", False)
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 0
    monkeypatch.setattr(get_settings(), "reminder_attendance_enabled", True)
    assert await reminders.remind_low_attendance(SYSTEM, on=TODAY) == 1


# --- results published ---------------------------------------------------------------------


async def test_publishing_results_tells_the_students_and_their_parents_once(staff_client, login_as, run_jobs):
    term = await Term().build(await login_as("faculty"))
    parent = await factories.create_parent()
    term.students[0].parent_id = parent.id
    await term.students[0].save()
    await term.grade(MARKS)
    response = await staff_client.post("/api/v1/grades/publish", json={"semester": 1, "academic_year": YEAR})
    assert response.status_code == 200
    await run_jobs()
    title = f"Results published: semester 1 ({YEAR})"
    for user_id in (term.students[0].user_id, term.students[1].user_id, parent.user_id):
        assert await _inbox(user_id) == [title]
    # Publishing again with nothing changed, and the daily sweep: nobody is told twice.
    await staff_client.post("/api/v1/grades/publish", json={"semester": 1, "academic_year": YEAR})
    await run_jobs()
    assert (await run_daily_reminders({}))[reminders.RESULTS_PUBLISHED] == 0
    assert await _inbox(term.students[0].user_id) == [title]
    assert await Notification.filter(title=title).count() == 1


async def test_results_can_be_switched_off(staff_client, login_as, run_jobs, monkeypatch):
    monkeypatch.setattr(get_settings(), "reminder_results_enabled", False)
    term = await Term().build(await login_as("faculty"))
    await term.grade(MARKS)
    await staff_client.post("/api/v1/grades/publish", json={"semester": 1, "academic_year": YEAR})
    await run_jobs()
    assert await Notification.all().count() == 0


# --- exam timetable changes ----------------------------------------------------------------


async def test_an_exam_entry_created_then_moved_tells_its_students_each_time(run_jobs):
    offering, registrations = await factories.create_class(size=2)
    future = dt.date.today() + dt.timedelta(days=20)
    schedule = await factories.create_exam_schedule(
        course=await offering.course, start_time=dt.datetime.combine(future, dt.time(0), tzinfo=dt.UTC),
        end_time=dt.datetime.combine(future + dt.timedelta(days=5), dt.time(0), tzinfo=dt.UTC))
    entry = await factories.create_exam_entry(exam_schedule=schedule, course_offering=offering, day=future,
                                              venue="Hall A")
    _, (outsider,) = await factories.create_class(size=1)
    course = await offering.course

    assert await run_exam_change_reminders({}) == 1
    assert await run_exam_change_reminders({}) == 0
    scheduled = f"Exam scheduled: {course.code} {schedule.exam_name}"
    for registration in registrations:
        assert await _inbox(registration.student.user_id) == [scheduled]
    assert await _inbox(outsider.student.user_id) == []

    # A change that does not move it (the marks) tells nobody.
    await ExamTimetable.filter(id=entry.id).update(max_marks=Decimal("80"), updated_at=dt.datetime.now(dt.UTC))
    assert await run_exam_change_reminders({}) == 0
    # Moved to another hall and an hour later: told once more, as a move.
    await ExamTimetable.filter(id=entry.id).update(
        venue="Hall B", start_time=entry.start_time + dt.timedelta(hours=1),
        end_time=entry.end_time + dt.timedelta(hours=1), updated_at=dt.datetime.now(dt.UTC))
    assert await run_exam_change_reminders({}) == 1
    assert await run_exam_change_reminders({}) == 0
    moved = f"Exam moved: {course.code} {schedule.exam_name}"
    (latest,) = await Notification.filter(title=moved)
    assert "Hall B" in latest.message
    assert await _inbox(registrations[0].student.user_id) == [scheduled, moved]


async def test_past_or_untouched_entries_are_not_announced(monkeypatch):
    offering, _ = await factories.create_class(size=1)
    await factories.create_exam_entry(course_offering=offering,
                                      exam_schedule=await factories.create_exam_schedule(course=await offering.course))
    # The factory's sitting is in December 2025: over.
    assert await reminders.notify_exam_changes(SYSTEM) == 0
    monkeypatch.setattr(get_settings(), "reminder_exam_changes_enabled", False)
    assert await reminders.notify_exam_changes(SYSTEM) == 0


@pytest.mark.parametrize("rule", [reminders.FEE_DUE, reminders.BOOK_OVERDUE, reminders.ATTENDANCE_LOW,
                                  reminders.RESULTS_PUBLISHED])
async def test_the_daily_job_runs_every_rule(rule):
    assert rule in await run_daily_reminders({})


async def test_entries_made_and_moved_through_the_api_are_announced(staff_client):
    offering, (registration,) = await factories.create_class(size=1)
    future = dt.date.today() + dt.timedelta(days=30)
    schedule = await factories.create_exam_schedule(
        course=await offering.course, start_time=dt.datetime.combine(future, dt.time(0), tzinfo=dt.UTC),
        end_time=dt.datetime.combine(future + dt.timedelta(days=3), dt.time(0), tzinfo=dt.UTC))
    created = await staff_client.post("/api/v1/exam-timetable", json={
        "exam_schedule_id": schedule.id, "course_offering_id": offering.id, "exam_date": future.isoformat(),
        "start_time": f"{future}T09:00:00Z", "end_time": f"{future}T12:00:00Z", "duration_minutes": 180,
        "venue": "Exam hall A", "max_marks": 100})
    assert created.status_code == 201, created.text
    assert await run_exam_change_reminders({}) == 1
    moved = await staff_client.put(f"/api/v1/exam-timetable/{created.json()['id']}", json={"venue": "Exam hall B"})
    assert moved.status_code == 200, moved.text
    assert await run_exam_change_reminders({}) == 1
    assert await run_exam_change_reminders({}) == 0
    titles = await _inbox(registration.student.user_id)
    assert [t.split(":")[0] for t in titles] == ["Exam scheduled", "Exam moved"]
