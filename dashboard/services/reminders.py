"""Reminder rules: notices the university sends on its own (issue 13, item 4).

Each rule finds who should be told about what today, keeps one `reminder_notices` row per
(rule, subject, person) and notifies only those whose row it has just inserted, in the same
transaction as the notice: a rule that runs twice in a day (or in two workers at once)
tells each person once. Each is switched and tuned in the settings (README, configuration):

- `fee_due`: a fee structure with a balance left falls due in 7, 3 or 1 days
  (`REMINDER_FEE_DUE_DAYS`); subject = structure, due date and days before.
- `book_overdue`: an open loan past its due date; subject = loan and due date (a renewal
  that is overdue again is told again).
- `attendance_low`: a student's attendance in an offering below the threshold, after
  enough classes; told once each time it falls below (the row is removed once it is back
  at or above the threshold, which re-arms the rule).
- `results_published`: a semester result published (queued by the grades publish, and a
  daily sweep of the last week's); subject = result and its publication time, so a result
  published again after a change is told again.
- `exam_changes`: an exam timetable entry of a student's offering created or moved (date,
  time or venue); subject = entry and its place in time, so each move is told once.

Every notice goes to the students concerned and their parents and guardians, as one
notification per group (per fee due date, per offering, per exam entry, ...), so that
50,000 students falling due on one day are one notice and a handful of email batches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections

from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.queue import BULK_QUEUE, Job
from dashboard.core.roles import Permission
from dashboard.services import notifications
from dashboard.settings import get_settings
from models.enums import NotificationType, PriorityLevel

FEE_DUE = "fee_due"
BOOK_OVERDUE = "book_overdue"
ATTENDANCE_LOW = "attendance_low"
RESULTS_PUBLISHED = "results_published"
EXAM_CHANGES = "exam_changes"
# How far back the daily sweep of published results looks.
RESULTS_LOOKBACK = dt.timedelta(days=7)
# Entries changed this recently are checked (the rule runs every few minutes).
EXAM_CHANGES_LOOKBACK = dt.timedelta(days=2)


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotifyResultsPublished(Job):
    """Tell the students of a published semester (jobs.reminders.notify_results_published)."""

    queue = BULK_QUEUE

    semester: int
    academic_year: str

    def job_id(self) -> str | None:
        return f"notify-results:{self.academic_year}:{self.semester}"


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """One person to tell about one subject; `group` gathers candidates into one notice."""

    subject: str
    user_id: int
    group: tuple[Any, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    title: str
    message: str
    notification_type: NotificationType = NotificationType.INFO
    priority: PriorityLevel = PriorityLevel.MEDIUM


def today() -> dt.date:
    """The university's date (the timetable's time zone), not the server's."""
    return dt.datetime.now(ZoneInfo(get_settings().calendar_timezone)).date()


def _db() -> Any:
    return connections.get("default")


_CLAIM_SQL = """
INSERT INTO reminder_notices (rule, subject, user_id, notified_on)
SELECT $1, s, u, $4 FROM unnest($2::text[], $3::int[]) AS c(s, u)
ON CONFLICT (rule, subject, user_id) DO NOTHING
RETURNING subject, user_id
"""

# The parents and guardians of students, by the students' user ids.
_FAMILY_SQL = """
SELECT DISTINCT pu.id AS user_id
FROM students s JOIN parents p ON p.id IN (s.parent_id, s.guardian_id) JOIN users pu ON pu.id = p.user_id
WHERE s.user_id = ANY($1::int[]) AND pu.is_active
"""


async def _family(user_ids: Sequence[int]) -> list[int]:
    rows = await _db().execute_query_dict(_FAMILY_SQL, [list(user_ids)])
    return [row["user_id"] for row in rows]


async def _notify(rule: str, candidates: Sequence[Candidate], compose: Callable[[tuple[Any, ...], list[str]], Notice],
                  *, on: dt.date) -> int:
    """Claim the candidates not told yet and send one notice per group to them and their
    families; returns the number of notices sent."""
    if not candidates:
        return 0
    sent = 0
    async with atomic():
        claimed = await _db().execute_query_dict(
            _CLAIM_SQL, [rule, [c.subject for c in candidates], [c.user_id for c in candidates], on])
        fresh = {(row["subject"], row["user_id"]) for row in claimed}
        groups: dict[tuple[Any, ...], list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            if (candidate.subject, candidate.user_id) in fresh:
                groups[candidate.group].append(candidate)
        for group, members in groups.items():
            users = list(dict.fromkeys(c.user_id for c in members))
            notice = compose(group, sorted({c.subject for c in members}))
            notification = await notifications.send_system_notice(
                Actor.system(), title=notice.title, message=notice.message,
                user_ids=users + [u for u in await _family(users) if u not in users],
                notification_type=notice.notification_type, priority=notice.priority)
            await _db().execute_query(
                "UPDATE reminder_notices SET notification_id = $1 "
                "WHERE rule = $2 AND subject = ANY($3::text[]) AND user_id = ANY($4::int[])",
                [notification.id, rule, sorted({c.subject for c in members}), users])
            sent += 1
    return sent


def _money(value: Decimal) -> str:
    return f"{get_settings().currency} {Decimal(value):,.2f}"


def _date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- fee due ---------------------------------------------------------------------------

_FEES_DUE_SQL = """
SELECT fs.id, fs.due_date, fs.academic_year, fs.semester, fs.late_fee_per_day, s.user_id,
       fs.total_fee - COALESCE(p.paid, 0) AS balance
FROM fee_structures fs
JOIN students s ON s.id = fs.student_id
JOIN users u ON u.id = s.user_id AND u.is_active
LEFT JOIN LATERAL (
    SELECT SUM(amount_paid) AS paid FROM fee_payments
    WHERE fee_structure_id = fs.id AND payment_status = 'completed'
) p ON true
WHERE fs.due_date = ANY($1::date[]) AND fs.total_fee - COALESCE(p.paid, 0) > 0
ORDER BY fs.id
"""


async def remind_fees_due(actor: Actor, *, on: dt.date | None = None) -> int:
    """Students (and their families) with a balance on a fee due in one of the configured
    numbers of days; returns the notices sent."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    settings = get_settings()
    if not settings.reminder_fee_due_enabled:
        return 0
    day = on or today()
    days_by_date = {day + dt.timedelta(days=n): n for n in settings.fee_reminder_days}
    rows = await _db().execute_query_dict(_FEES_DUE_SQL, [list(days_by_date)])
    candidates = []
    for row in rows:
        days = days_by_date[row["due_date"]]
        candidates.append(Candidate(
            subject=f"fee:{row['id']}:{row['due_date']}:{days}d", user_id=row["user_id"],
            group=(days, row["due_date"], row["academic_year"], row["semester"], row["late_fee_per_day"])))

    def compose(group: tuple[Any, ...], _: list[str]) -> Notice:
        days, due, year, semester, late_fee = group
        when = "tomorrow" if days == 1 else f"in {days} days"
        late = f" After that a late fee of {_money(late_fee)} a day is added." if late_fee else ""
        return Notice(
            title=f"Fee due {when}: semester {semester} ({year})",
            message=f"The semester {semester} fee for {year} is due on {_date(due)}, and a balance is still open."
                    f"{late} See Fees for the amount and the ways to pay.",
            notification_type=NotificationType.WARNING if days <= 1 else NotificationType.INFO,
            priority=PriorityLevel.HIGH if days <= 1 else PriorityLevel.MEDIUM)

    return await _notify(FEE_DUE, candidates, compose, on=day)


# --- overdue books -----------------------------------------------------------------------

_OVERDUE_SQL = """
SELECT bi.id, bi.due_date, bi.user_id, b.title
FROM book_issues bi JOIN library_books b ON b.id = bi.book_id JOIN users u ON u.id = bi.user_id AND u.is_active
WHERE bi.status IN ('issued', 'overdue') AND bi.return_date IS NULL AND bi.due_date < $1
ORDER BY bi.id
"""


async def remind_books_overdue(actor: Actor, *, now: dt.datetime | None = None) -> int:
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    if not get_settings().reminder_book_overdue_enabled:
        return 0
    moment = now or dt.datetime.now(dt.UTC)
    rows = await _db().execute_query_dict(_OVERDUE_SQL, [moment])
    candidates = [Candidate(subject=f"loan:{r['id']}:{r['due_date']:%Y-%m-%d}", user_id=r["user_id"],
                            group=(r["id"], r["title"], r["due_date"])) for r in rows]
    fine = get_settings().library_fine_per_day

    def compose(group: tuple[Any, ...], _: list[str]) -> Notice:
        _loan, title, due = group
        return Notice(title=f"Overdue: {title}"[:255],
                      message=f"“{title}” was due back at the library on {_date(due.date())}. Please return or "
                              f"renew it: a fine of {_money(fine)} a day is charged while it is overdue.",
                      notification_type=NotificationType.WARNING, priority=PriorityLevel.HIGH)

    return await _notify(BOOK_OVERDUE, candidates, compose, on=moment.date())


# --- low attendance ----------------------------------------------------------------------

_ATTENDANCE_SQL = """
SELECT a.course_offering_id, s.user_id, c.code, c.name,
       round(100.0 * count(*) FILTER (WHERE a.status IN ('present', 'late')) / count(*), 2) AS percentage
FROM attendance a
JOIN students s ON s.id = a.student_id
JOIN users u ON u.id = s.user_id AND u.is_active
JOIN course_offerings o ON o.id = a.course_offering_id
JOIN courses c ON c.id = o.course_id
WHERE o.status IN ('open', 'ongoing')
GROUP BY a.course_offering_id, s.user_id, c.code, c.name
HAVING count(*) >= $1
"""

_REARM_SQL = """
DELETE FROM reminder_notices WHERE rule = $1 AND (subject, user_id) IN (
    SELECT s, u FROM unnest($2::text[], $3::int[]) AS c(s, u))
"""


async def remind_low_attendance(actor: Actor, *, on: dt.date | None = None) -> int:
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    settings = get_settings()
    if not settings.reminder_attendance_enabled:
        return 0
    threshold = settings.reminder_attendance_threshold
    rows = await _db().execute_query_dict(_ATTENDANCE_SQL, [settings.reminder_attendance_min_classes])
    below = [r for r in rows if Decimal(r["percentage"]) < threshold]
    recovered = [r for r in rows if Decimal(r["percentage"]) >= threshold]
    if recovered:
        await _db().execute_query(_REARM_SQL, [
            ATTENDANCE_LOW, [f"attendance:{r['course_offering_id']}" for r in recovered],
            [r["user_id"] for r in recovered]])
    candidates = [Candidate(subject=f"attendance:{r['course_offering_id']}", user_id=r["user_id"],
                            group=(r["course_offering_id"], r["code"], r["name"])) for r in below]

    def compose(group: tuple[Any, ...], _: list[str]) -> Notice:
        _offering, code, name = group
        return Notice(title=f"Attendance below {threshold:g}% in {code}"[:255],
                      message=f"Attendance in {code} {name} has fallen below {threshold:g}%. See Attendance for "
                              "the classes recorded, and speak to the course's teacher if a mark is wrong.",
                      notification_type=NotificationType.WARNING, priority=PriorityLevel.HIGH)

    return await _notify(ATTENDANCE_LOW, candidates, compose, on=on or today())


# --- results published -------------------------------------------------------------------

_RESULTS_SQL = """
SELECT sr.id, sr.academic_year, sr.semester, sr.published_at, s.user_id
FROM semester_results sr JOIN students s ON s.id = sr.student_id JOIN users u ON u.id = s.user_id AND u.is_active
WHERE sr.published_at IS NOT NULL AND sr.published_at >= $1
  AND ($2::int IS NULL OR sr.semester = $2) AND ($3::text IS NULL OR sr.academic_year = $3)
ORDER BY sr.id
"""


async def notify_results_published(actor: Actor, *, semester: int | None = None, academic_year: str | None = None,
                                   now: dt.datetime | None = None) -> int:
    """Students whose semester result was published in the last week (of one semester
    when given) and who have not been told of that publication."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    if not get_settings().reminder_results_enabled:
        return 0
    moment = now or dt.datetime.now(dt.UTC)
    rows = await _db().execute_query_dict(_RESULTS_SQL, [moment - RESULTS_LOOKBACK, semester, academic_year])
    candidates = [Candidate(subject=f"result:{r['id']}:{r['published_at'].timestamp():.0f}", user_id=r["user_id"],
                            group=(r["academic_year"], r["semester"])) for r in rows]

    def compose(group: tuple[Any, ...], _: list[str]) -> Notice:
        year, sem = group
        return Notice(title=f"Results published: semester {sem} ({year})",
                      message=f"The results of semester {sem} ({year}) are published. See Results for the grades, "
                              "the GPA and the CGPA.",
                      notification_type=NotificationType.ANNOUNCEMENT)

    return await _notify(RESULTS_PUBLISHED, candidates, compose, on=moment.date())


# --- exam timetable changes --------------------------------------------------------------

_EXAM_CHANGES_SQL = """
SELECT et.id, et.start_time, et.end_time, et.venue, es.exam_name, c.code, c.name, s.user_id
FROM exam_timetables et
JOIN exam_schedules es ON es.id = et.exam_schedule_id AND es.status <> 'cancelled'
JOIN course_offerings o ON o.id = et.course_offering_id
JOIN courses c ON c.id = o.course_id
JOIN course_registrations r ON r.course_offering_id = et.course_offering_id AND r.status = 'registered'
JOIN enrollments e ON e.id = r.enrollment_id
JOIN students s ON s.id = e.student_id
JOIN users u ON u.id = s.user_id AND u.is_active
WHERE et.end_time >= $1 AND coalesce(et.updated_at, et.created_at) >= $2
ORDER BY et.id, s.user_id
"""
# What was told about these entries so far: an entry told at another place in time moved.
_TOLD_BEFORE_SQL = """
SELECT DISTINCT split_part(subject, ':', 2)::int AS entry_id, subject FROM reminder_notices
WHERE rule = $1 AND split_part(subject, ':', 2) = ANY($2::text[])
"""


def _exam_subject(row: dict[str, Any]) -> str:
    return f"exam:{row['id']}:{row['start_time']:%Y%m%dT%H%M%SZ}:{row['end_time']:%H%M%S}:{row['venue']}"[:200]


async def notify_exam_changes(actor: Actor, *, now: dt.datetime | None = None) -> int:
    """Students registered in an offering whose exam entry was created or moved (date, time
    or venue) lately, for exams not over yet."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    if not get_settings().reminder_exam_changes_enabled:
        return 0
    moment = now or dt.datetime.now(dt.UTC)
    rows = await _db().execute_query_dict(_EXAM_CHANGES_SQL, [moment, moment - EXAM_CHANGES_LOOKBACK])
    if not rows:
        return 0
    told: dict[int, set[str]] = defaultdict(set)
    for row in await _db().execute_query_dict(_TOLD_BEFORE_SQL, [EXAM_CHANGES, sorted({str(r["id"]) for r in rows})]):
        told[row["entry_id"]].add(row["subject"])
    zone = ZoneInfo(get_settings().calendar_timezone)
    candidates = []
    for r in rows:
        subject = _exam_subject(r)
        moved = bool(told[r["id"]] - {subject})
        candidates.append(Candidate(subject=subject, user_id=r["user_id"], group=(
            r["id"], moved, r["code"], r["name"], r["exam_name"], r["start_time"], r["end_time"], r["venue"])))

    def compose(group: tuple[Any, ...], _: list[str]) -> Notice:
        _entry, moved, code, name, exam_name, start, end, venue = group
        start, end = start.astimezone(zone), end.astimezone(zone)
        when = f"{_date(start.date())}, {start:%H:%M}-{end:%H:%M}, {venue}"
        if moved:
            return Notice(title=f"Exam moved: {code} {exam_name}"[:255],
                          message=f"The {exam_name} exam of {code} {name} has moved: it is now on {when}.",
                          notification_type=NotificationType.WARNING, priority=PriorityLevel.HIGH)
        return Notice(title=f"Exam scheduled: {code} {exam_name}"[:255],
                      message=f"The {exam_name} exam of {code} {name} is on {when}.")

    return await _notify(EXAM_CHANGES, candidates, compose, on=moment.date())
