"""/api/v1/calendars: the feed URL of the signed-in student or faculty member, rotating
it, and the iCalendar feed itself, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from tortoise import connections

from models import AuditLog
from models.enums import ExamStatus
from tests import factories
from tests.teaching import teach

BASE = "/api/v1/calendars"
ZONE = ZoneInfo("Asia/Kolkata")


def _path(url: str) -> str:
    return url.removeprefix("http://test")


async def _timetabled(student, member):
    """An offering (1 Aug - 15 Dec 2025) taught by `member` with `student` registered:
    a Monday 09:00-10:00 class and a Wednesday 14:00-15:30 lab, and one exam sitting."""
    offering = await teach(member, student)
    monday = await factories.create_slot(day_of_week=0, start_time=dt.time(9), end_time=dt.time(10))
    wednesday = await factories.create_slot(day_of_week=2, start_time=dt.time(14), end_time=dt.time(15, 30))
    await factories.create_class_schedule(course_offering=offering, slot=monday, room_no="LH-1")
    await factories.create_class_schedule(course_offering=offering, slot=wednesday, room_no="LAB-2")
    # Inactive: not in the feed.
    friday = await factories.create_slot(day_of_week=4)
    await factories.create_class_schedule(course_offering=offering, slot=friday, room_no="OLD", is_active=False)
    schedule = await factories.create_exam_schedule(course=await offering.course)
    entry = await factories.create_exam_entry(exam_schedule=schedule, course_offering=offering, venue="Exam Hall A")
    return offering, entry


def _events(body: bytes) -> list:
    calendar = Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    return list(calendar.walk("VEVENT"))


async def test_a_students_feed_has_weekly_classes_over_the_term_and_each_exam(login_as, client):
    student_client = await login_as("student")
    member = await factories.create_faculty()
    offering, entry = await _timetabled(student_client.profile, member)
    course = await offering.course

    feed = await student_client.get(f"{BASE}/feed")
    assert feed.status_code == 200, feed.text
    url = feed.json()["url"]
    assert url.startswith("http://test/api/v1/calendars/feeds/") and url.endswith(".ics")

    response = await client.get(_path(url))  # no bearer token: the calendar app's request
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = _events(response.content)
    classes = sorted((e for e in events if str(e["uid"]).startswith("class-")), key=lambda e: e.decoded("dtstart"))
    exams = [e for e in events if str(e["uid"]).startswith("exam-")]
    assert len(classes) == 2 and len(exams) == 1

    monday, wednesday = classes
    # The term starts on Friday 1 August 2025: the first Monday is the 4th, the first Wednesday the 6th.
    assert monday.decoded("dtstart") == dt.datetime(2025, 8, 4, 9, 0, tzinfo=ZONE)
    assert monday.decoded("dtend") == dt.datetime(2025, 8, 4, 10, 0, tzinfo=ZONE)
    assert str(monday["location"]) == "LH-1"
    assert str(monday["summary"]).startswith(course.code)
    assert wednesday.decoded("dtstart") == dt.datetime(2025, 8, 6, 14, 0, tzinfo=ZONE)
    assert wednesday.decoded("dtend") == dt.datetime(2025, 8, 6, 15, 30, tzinfo=ZONE)
    rule = monday["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    # The last Monday of the term (15 Dec 2025) at 09:00 in Kolkata, in UTC.
    assert rule["UNTIL"] == [dt.datetime(2025, 12, 15, 3, 30, tzinfo=dt.UTC)]
    # Every Monday from 4 Aug to 15 Dec inclusive.
    assert len(_occurrences(monday)) == 20

    (exam,) = exams
    assert exam.decoded("dtstart") == entry.start_time and exam.decoded("dtend") == entry.end_time
    assert str(exam["location"]) == "Exam Hall A"
    assert "STATUS" not in exam
    # The calendar carries the time zone its classes are in.
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Kolkata"]


def _occurrences(event) -> list[dt.datetime]:
    start = event.decoded("dtstart")
    until = event["rrule"]["UNTIL"][0]
    days = []
    while start <= until:
        days.append(start)
        start += dt.timedelta(days=7)
    return days


async def test_a_faculty_members_feed_has_the_classes_and_exams_they_teach(login_as, client):
    member_client = await login_as("faculty")
    student = await factories.create_student()
    await _timetabled(student, member_client.profile)
    other_offering = await factories.create_offering()
    await factories.create_class_schedule(course_offering=other_offering)  # not theirs

    url = (await member_client.get(f"{BASE}/feed")).json()["url"]
    events = _events((await client.get(_path(url))).content)
    assert sorted(str(e["location"]) for e in events) == ["Exam Hall A", "LAB-2", "LH-1"]


async def test_a_cancelled_exam_is_marked_cancelled(login_as, client):
    student_client = await login_as("student")
    _, entry = await _timetabled(student_client.profile, await factories.create_faculty())
    schedule = await entry.exam_schedule
    schedule.status = ExamStatus.CANCELLED
    await schedule.save()
    url = (await student_client.get(f"{BASE}/feed")).json()["url"]
    (exam,) = [e for e in _events((await client.get(_path(url))).content) if str(e["uid"]).startswith("exam-")]
    assert str(exam["status"]) == "CANCELLED"


async def test_the_url_is_stable_until_rotated_and_the_old_one_then_answers_404(login_as, client):
    student_client = await login_as("student")
    await _timetabled(student_client.profile, await factories.create_faculty())
    first = (await student_client.get(f"{BASE}/feed")).json()
    assert (await student_client.get(f"{BASE}/feed")).json()["url"] == first["url"]

    rotated = await student_client.post(f"{BASE}/feed/rotate")
    assert rotated.status_code == 200
    new_url = rotated.json()["url"]
    assert new_url != first["url"]
    old = await client.get(_path(first["url"]))
    assert old.status_code == 404 and old.json()["error"]["code"] == "NOT_FOUND"
    assert (await client.get(_path(new_url))).status_code == 200
    assert (await student_client.get(f"{BASE}/feed")).json()["url"] == new_url
    assert await AuditLog.filter(entity_type="calendar_feeds", user_id=student_client.user.id).count() == 1


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_the_secret_is_stored_only_as_its_hash_and_never_logged(login_as, client):
    student_client = await login_as("student")
    url = (await student_client.get(f"{BASE}/feed")).json()["url"]
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    rows = await connections.get("default").execute_query_dict("SELECT * FROM calendar_feeds")
    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(rows)

    capture, root = _Records(), logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        assert (await client.get(_path(url))).status_code == 200
        assert (await client.get(_path(url.replace(secret, secret[:-1] + "A")))).status_code in (200, 404)
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    # The test's own HTTP client logs the URLs it fetches: the client is not the product.
    records = [r for r in capture.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any(r.name == "dashboard.access" for r in records), "the access log records the request"
    logged = "\n".join(f"{r.getMessage()} {getattr(r, 'fields', '')} {r.args!r}" for r in records)
    assert "/api/v1/calendars/feeds/<secret>" in logged
    assert secret not in logged


@pytest.mark.parametrize("token", ["nope.ics", "A" * 43 + ".ics", "../feed.ics", "x" * 99 + ".ics", "a%0Ab.ics",
                                   "a%0Db.ics"])
async def test_an_unknown_or_malformed_secret_is_404(client, token):
    response = await client.get(httpx.URL(f"{BASE}/feeds/{token}"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_a_deactivated_users_feed_stops(login_as, client):
    student_client = await login_as("student")
    url = (await student_client.get(f"{BASE}/feed")).json()["url"]
    user = student_client.user
    user.is_active = False
    await user.save()
    assert (await client.get(_path(url))).status_code == 404


async def test_an_account_without_a_timetable_gets_400(admin_client):
    response = await admin_client.get(f"{BASE}/feed")
    assert response.status_code == 400
    assert "students and faculty" in response.json()["error"]["message"]


@pytest.mark.parametrize("role", ["parent"])
async def test_roles_without_a_timetable_are_refused(login_as, role):
    other = await login_as(role)
    assert (await other.get(f"{BASE}/feed")).status_code == 403
    assert (await other.post(f"{BASE}/feed/rotate")).status_code == 403


async def test_feed_urls_need_a_signed_in_user(client):
    assert (await client.get(f"{BASE}/feed")).status_code == 401
    assert (await client.post(f"{BASE}/feed/rotate")).status_code == 401


async def test_two_users_get_different_feeds(login_as, client):
    first = await login_as("student")
    second = await login_as("student")
    await _timetabled(first.profile, await factories.create_faculty())
    one = (await first.get(f"{BASE}/feed")).json()["url"]
    two = (await second.get(f"{BASE}/feed")).json()["url"]
    assert one != two
    assert len(_events((await client.get(_path(one))).content)) == 3
    assert _events((await client.get(_path(two))).content) == []


async def test_an_unchanged_feed_is_a_304_and_a_change_shows_at_once(login_as, client):
    student_client = await login_as("student")
    _, entry = await _timetabled(student_client.profile, await factories.create_faculty())
    url = _path((await student_client.get(f"{BASE}/feed")).json()["url"])
    first = await client.get(url)
    etag = first.headers["etag"]
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert (await client.get(url, headers={"If-None-Match": '"something-else"'})).status_code == 200

    entry.venue = "Exam Hall Z"
    await entry.save()
    changed = await client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    (exam,) = [e for e in _events(changed.content) if str(e["uid"]).startswith("exam-")]
    assert str(exam["location"]) == "Exam Hall Z"
