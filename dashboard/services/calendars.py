"""Calendar feeds: a student's or a faculty member's classes and exams as iCalendar
(RFC 5545), for a phone's or a desktop's calendar app to subscribe to.

Calendar apps cannot send a bearer token, so the feed URL carries a secret of its own:
`HMAC-SHA256(server key, "calendar-feed:<user id>:<nonce>")`, URL-safe. Only the
SHA-256 of it is stored (`calendar_feeds.token_hash`, looked up on each fetch) with the
random nonce, so the signed-in user can be shown their URL again while the table alone
gives no URL away. Rotating draws a new nonce: the old URL finds no row and is a 404 at
once. The secret appears in no log line (dashboard.web.middleware masks the path) and no
response but the feed-URL ones.

Classes are weekly recurring events (RRULE FREQ=WEEKLY) from the offering's start date to
its end date, at the slot's wall-clock times in `CALENDAR_TIMEZONE` (a VTIMEZONE is
included); exams are one event each, cancelled schedules marked STATUS:CANCELLED.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from tortoise import connections

from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.roles import Permission
from dashboard.settings import get_settings
from models import AuditLog, Faculty, Student

# The route serving a feed; `{token}` is the secret.
FEED_PATH = "/api/v1/calendars/feeds/{token}.ics"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
PRODUCT_ID = "-//University Dashboard//Timetable//EN"
UID_DOMAIN = "university-dashboard"


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    """The caller's feed: the path to append to the server's origin, and since when the
    current secret is valid."""

    path: str
    created_at: dt.datetime


def feed_token(user_id: int, nonce: str, *, key: str) -> str:
    """The secret of a feed; `key` is the server's (settings.secret_key())."""
    digest = hmac.new(key.encode(), f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token(user_id: int, nonce: str) -> str:
    return feed_token(user_id, nonce, key=get_settings().secret_key())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_hash = token_hash


def _db() -> Any:
    return connections.get("default")


async def _owner(actor: Actor) -> int:
    """The caller's user id; a feed needs a timetable, their student or faculty record."""
    user_id = actor.user_id
    if user_id is not None and (actor.student_id is not None or actor.faculty_id is not None
                                or await Student.filter(user_id=user_id).exists()
                                or await Faculty.filter(user_id=user_id).exists()):
        return user_id
    raise InvalidState("Calendar feeds are for students and faculty members (your account has no timetable)")


_CREATE_SQL = """
INSERT INTO calendar_feeds (user_id, nonce, token_hash) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO NOTHING
"""
_ROTATE_SQL = """
INSERT INTO calendar_feeds AS f (user_id, nonce, token_hash) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET nonce = EXCLUDED.nonce, token_hash = EXCLUDED.token_hash, created_at = now()
"""


async def _write(user_id: int, sql: str) -> None:
    nonce = secrets.token_hex(16)
    await _db().execute_query(sql, [user_id, nonce, _hash(_token(user_id, nonce))])


async def _feed_of(user_id: int) -> CalendarFeed:
    row = (await _db().execute_query_dict(
        "SELECT nonce, created_at FROM calendar_feeds WHERE user_id = $1", [user_id]))[0]
    return CalendarFeed(path=FEED_PATH.format(token=_token(user_id, row["nonce"])), created_at=row["created_at"])


async def get_feed(actor: Actor) -> CalendarFeed:
    """The caller's feed URL, made on first use; asking again gives the same URL."""
    authorize(actor, Permission.CALENDARS_FEED)
    user_id = await _owner(actor)
    await _write(user_id, _CREATE_SQL)
    return await _feed_of(user_id)


async def rotate_feed(actor: Actor) -> CalendarFeed:
    """A new secret for the caller's feed; the old URL stops working at once."""
    authorize(actor, Permission.CALENDARS_FEED)
    user_id = await _owner(actor)
    async with atomic():
        await _write(user_id, _ROTATE_SQL)
        await AuditLog.create(user_id=user_id, action="update", entity_name="calendar feed secret rotated",
                              entity_type="calendar_feeds", entity_id=user_id, old_value=None, new_value=None,
                              ip_address=actor.ip_address, user_agent=(actor.user_agent or "")[:500] or None)
    return await _feed_of(user_id)


# --- the feed itself ------------------------------------------------------------------

_OWNER_SQL = """
SELECT f.user_id, s.id AS student_id, fa.id AS faculty_id
FROM calendar_feeds f JOIN users u ON u.id = f.user_id AND u.is_active
LEFT JOIN students s ON s.user_id = f.user_id
LEFT JOIN faculty fa ON fa.user_id = f.user_id
WHERE f.token_hash = $1
"""

# The offerings of the feed: those the student is registered in, and those the faculty
# member teaches ($1 student id, $2 faculty id; either may be NULL).
_OFFERINGS_CTE = """
WITH mine AS (
    SELECT r.course_offering_id AS id FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id
    WHERE e.student_id = $1 AND r.status = 'registered'
    UNION
    SELECT offering_id FROM offering_faculty WHERE faculty_id = $2
)
"""

_CLASSES_SQL = _OFFERINGS_CTE + """
SELECT cs.id, cs.room_no, ts.day_of_week, ts.start_time, ts.end_time, o.start_date, o.end_date, o.section,
       c.code, c.name, coalesce(cs.updated_at, cs.created_at) AS changed_at
FROM mine JOIN class_schedules cs ON cs.course_offering_id = mine.id AND cs.is_active
JOIN timetable_slots ts ON ts.id = cs.slot_id
JOIN course_offerings o ON o.id = cs.course_offering_id
JOIN courses c ON c.id = o.course_id
ORDER BY ts.day_of_week, ts.start_time, cs.id
"""

_EXAMS_SQL = _OFFERINGS_CTE + """
SELECT et.id, et.start_time, et.end_time, et.venue, et.max_marks, es.exam_name, es.exam_type, es.status,
       c.code, c.name, coalesce(et.updated_at, et.created_at) AS changed_at
FROM mine JOIN exam_timetables et ON et.course_offering_id = mine.id
JOIN exam_schedules es ON es.id = et.exam_schedule_id
JOIN course_offerings o ON o.id = et.course_offering_id
JOIN courses c ON c.id = o.course_id
ORDER BY et.start_time, et.id
"""


def _first_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _class_event(row: dict[str, Any], zone: ZoneInfo, stamp: dt.datetime) -> Event | None:
    first = _first_on_or_after(row["start_date"], row["day_of_week"])
    if first > row["end_date"]:
        return None
    event = Event()
    event.add("uid", f"class-{row['id']}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", row["changed_at"])
    section = f" (section {row['section']})" if row["section"] else ""
    event.add("summary", f"{row['code']} {row['name']}{section}")
    event.add("location", row["room_no"])
    event.add("dtstart", dt.datetime.combine(first, row["start_time"], zone))
    event.add("dtend", dt.datetime.combine(first, row["end_time"], zone))
    # UNTIL in UTC, as RFC 5545 requires with a zoned DTSTART: the last class's start.
    until = dt.datetime.combine(row["end_date"], row["start_time"], zone).astimezone(dt.UTC)
    event.add("rrule", {"freq": "weekly", "until": until})
    event.add("categories", ["Class"])
    return event


def _exam_event(row: dict[str, Any], stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"exam-{row['id']}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", row["changed_at"])
    event.add("summary", f"Exam: {row['code']} {row['name']} ({row['exam_name']})")
    event.add("location", row["venue"])
    event.add("dtstart", row["start_time"])
    event.add("dtend", row["end_time"])
    event.add("description", f"{row['exam_type']} exam, maximum marks {row['max_marks']}")
    event.add("categories", ["Exam"])
    if row["status"] == "cancelled":
        event.add("status", "CANCELLED")
    return event


@lru_cache(maxsize=8)
def _vtimezone(key: str) -> bytes:
    """The zone's VTIMEZONE: working it out from the tz database takes tens of ms, and it
    never changes while the process runs."""
    return Timezone.from_tzid(key).to_ical()


@dataclass(frozen=True, slots=True)
class FeedBody:
    body: bytes
    # Changes whenever an event of the feed does: calendar apps send it back in
    # If-None-Match and get a 304 while nothing changed.
    etag: str


# Rendered feeds by the digest of what they show: a feed is fetched far more often than
# its classes or exams change, and rendering dominates the cost of a fetch.
_RENDERED: OrderedDict[str, bytes] = OrderedDict()
_RENDERED_MAX = 512


async def render_feed(*, token: str) -> FeedBody:
    """The iCalendar text of the feed whose secret this is; an unknown, rotated or
    malformed secret (or a deactivated user's) is a 404."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise NotFound("Calendar feed not found")
    owners = await _db().execute_query_dict(_OWNER_SQL, [_hash(token)])
    if not owners:
        raise NotFound("Calendar feed not found")
    owner = owners[0]
    params = [owner["student_id"], owner["faculty_id"]]
    classes = await _db().execute_query_dict(_CLASSES_SQL, params)
    exams = await _db().execute_query_dict(_EXAMS_SQL, params)

    zone = ZoneInfo(get_settings().calendar_timezone)
    digest = hashlib.sha256(repr((PRODUCT_ID, zone.key, classes, exams)).encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    if (cached := _RENDERED.get(digest)) is not None:
        _RENDERED.move_to_end(digest)
        return FeedBody(body=cached, etag=etag)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "University timetable")
    calendar.add("x-wr-timezone", zone.key)
    calendar.add_component(Timezone.from_ical(_vtimezone(zone.key)))
    for row in classes:
        event = _class_event(row, zone, stamp)
        if event is not None:
            calendar.add_component(event)
    for row in exams:
        calendar.add_component(_exam_event(row, stamp))
    body = calendar.to_ical()
    _RENDERED[digest] = body
    while len(_RENDERED) > _RENDERED_MAX:
        _RENDERED.popitem(last=False)
    return FeedBody(body=body, etag=etag)
