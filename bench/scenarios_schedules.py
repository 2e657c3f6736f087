"""Benchmark scenarios of the schedules and communication (issue 13), wired into
bench/runner.py:

- `student_timetable`, `student_exams`: a student's week and exams. The student is one
  registered in the most offerings with classes booked, from the middle of the id range, so
  both reads join real rows (an empty dataset still gives a valid student).
- `student_inbox`, `student_unread`: the demo student's inbox page and unread count, over an
  inbox table holding NOTICES notices to every student (`prepare` writes them into the run's
  clone, set-based, before the app starts: the generated university has no notifications).
- `documents_search`: a student's search of DOCUMENTS documents at every access level
  (written by `prepare` too), on a word a tenth of the titles carry.
- `calendar_feed`: the iCalendar feed of the timetabled student, fetched as a calendar app
  does (no token; the feed row is written by `prepare` with the bench's server key).

One-shot timings (`one_shots`, after the scenarios):
- `notify_all_students`: POST a notice to every student; the request's time, and the time
  until every recipient row exists (polled in the database until the count reaches the
  audience's), with the fan-out done by the separate worker process, from an idle worker
  (the one-shots before it queue work of their own).
- `timetable_generate_200`: POST /timetable/generate of 200 classes with every clash check,
  into 200 Sunday slots and 200 rooms made for it (nothing clashes, so every item is booked).
"""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

import asyncpg
import httpx

from dashboard.core.db import asyncpg_dsn

NOTICES = 20
DOCUMENTS = 20_000
SEARCH_WORD = "transcript"
GENERATE_ITEMS = 200
# Every scenario `prepare` writes data for.
NEEDS_DATA = {"student_inbox", "student_unread", "documents_search", "calendar_feed"}
# Names that select the one-shot timings with --only.
ONE_SHOTS = {"notify_all_students", "timetable_generate_200"}


async def parameters(db_url: str) -> dict[str, Any]:
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        student = await connection.fetchval(
            "SELECT e.student_id FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id "
            "JOIN class_schedules cs ON cs.course_offering_id = r.course_offering_id AND cs.is_active "
            "WHERE r.status = 'registered' GROUP BY e.student_id ORDER BY count(*) DESC, e.student_id LIMIT 1")
        if student is None:
            student = await connection.fetchval(
                "SELECT id FROM students ORDER BY id OFFSET (SELECT count(*) / 2 FROM students) LIMIT 1")
        user_id = await connection.fetchval("SELECT user_id FROM students WHERE id = $1", student)
    finally:
        await connection.close()
    # The feed's secret, fixed per run: `prepare` stores its hash under the bench's key.
    nonce = secrets.token_hex(16)
    from bench.runner import BENCH_SECRET
    from dashboard.services.calendars import feed_token

    token = feed_token(user_id, nonce, key=BENCH_SECRET) if user_id else "none"
    return {"schedules_student_id": student, "schedules_feed_user_id": user_id, "schedules_feed_nonce": nonce,
            "schedules_feed_token": token}


_SEED_NOTICES = """
WITH sender AS (SELECT id FROM users WHERE user_type = 'admin' ORDER BY id LIMIT 1),
made AS (
    INSERT INTO notifications (created_at, updated_at, title, message, notification_type, target_audience,
                               priority, status, sent_by_id, sent_at)
    SELECT now() - make_interval(days => n), now() - make_interval(days => n), 'Notice ' || n,
           'A notice to every student, number ' || n || '.', 'announcement', 'students', 'medium', 'sent',
           (SELECT id FROM sender), now() - make_interval(days => n)
    FROM generate_series(1, $1) AS n
    RETURNING id, created_at
)
INSERT INTO user_notifications (created_at, user_id, notification_id, is_read)
SELECT made.created_at, u.id, made.id, (u.id + made.id) % 3 = 0
FROM made CROSS JOIN users u WHERE u.user_type = 'student' AND u.is_active
"""

_SEED_DOCUMENTS = """
WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM users)
INSERT INTO documents (created_at, uploaded_at, updated_at, title, description, document_type, file_path,
                       file_name, file_size, mime_type, user_id, uploaded_by_id, is_public, access_level)
SELECT now() - make_interval(mins => n), now() - make_interval(mins => n), now(),
       CASE WHEN n % 10 = 0 THEN 'Semester transcript ' || n ELSE 'Certificate ' || n END,
       'Seeded for the document search benchmark', 'certificate', 'documents/bench_' || n || '.pdf',
       'file_' || n || '.pdf', 1024, 'application/pdf', owner, owner, lvl = 'public', lvl
FROM people, generate_series(1, $1) AS n
CROSS JOIN LATERAL (SELECT (ARRAY['private', 'internal', 'public'])[1 + n % 3] AS lvl,
                           people.ids[1 + (n * 7) % array_length(people.ids, 1)] AS owner) l
"""


async def prepare(db_url: str, params: dict[str, Any], chosen: list[str]) -> None:
    """Write what the inbox, document search and calendar feed scenarios read into the
    run's clone; nothing when none of them runs."""
    if not NEEDS_DATA & set(chosen):
        return
    from bench.runner import log
    from dashboard.services.calendars import token_hash

    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        started = time.perf_counter()
        await connection.execute(_SEED_NOTICES, NOTICES)
        await connection.execute(_SEED_DOCUMENTS, DOCUMENTS)
        if params["schedules_feed_user_id"]:
            await connection.execute(
                "INSERT INTO calendar_feeds (user_id, nonce, token_hash) VALUES ($1, $2, $3) "
                "ON CONFLICT (user_id) DO UPDATE SET nonce = EXCLUDED.nonce, token_hash = EXCLUDED.token_hash",
                params["schedules_feed_user_id"], params["schedules_feed_nonce"],
                token_hash(params["schedules_feed_token"]))
        # VACUUM as well: an insert-driven autovacuum of the new inbox rows would otherwise
        # take a core during the first scenarios.
        for table in ("notifications", "user_notifications", "documents"):
            await connection.execute(f"VACUUM (ANALYZE) {table}")
        rows = await connection.fetchval("SELECT count(*) FROM user_notifications")
        log(f"prepared {NOTICES} notices ({rows} inbox rows) and {DOCUMENTS} documents "
            f"in {time.perf_counter() - started:.1f} s")
    finally:
        await connection.close()


def scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario  # the runner imports this module

    student = params["schedules_student_id"]
    return [
        Scenario("student_timetable", f"/api/v1/timetable/student/{student}"),
        Scenario("student_exams", f"/api/v1/exam-timetable/student/{student}"),
        Scenario("student_inbox", "/api/v1/notifications?page_size=20", role="student"),
        Scenario("student_unread", "/api/v1/notifications/unread", role="student"),
        Scenario("documents_search", f"/api/v1/documents/search?q={SEARCH_WORD}", role="student"),
        Scenario("calendar_feed", f"/api/v1/calendars/feeds/{params['schedules_feed_token']}.ics", role=None),
    ]


# --- one-shot timings ---------------------------------------------------------------------

_SLOTS = """
INSERT INTO timetable_slots (created_at, updated_at, slot_type, day_of_week, start_time, end_time)
SELECT now(), now(), 'lecture', 6, time '00:00' + make_interval(mins => 7 * n),
       time '00:00' + make_interval(mins => 7 * n + 6)
FROM generate_series(0, $1 - 1) AS n
RETURNING id
"""


def one_shots(base: str, tokens: dict[str, str], params: dict[str, Any], db_url: str) -> list[Any]:
    import asyncio

    from bench.runner import DEFAULT_REDIS_URL, log, wait_for_idle_worker
    from bench.scenarios_teaching import _result

    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    results = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        audience = client.get("/api/v1/notifications/audience", params={"target_audience": "students"}).json()
        # The one-shots before this one leave the worker busy (publishing a semester queues
        # its results notice to every student in it and their parents): the notice's time
        # is measured from an idle worker, as the first scenario is.
        asyncio.run(wait_for_idle_worker(os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL))
        started = time.perf_counter()
        response = client.post("/api/v1/notifications", json={
            "title": "Campus closed tomorrow", "message": "The campus is closed tomorrow for maintenance.",
            "notification_type": "announcement", "target_audience": "students"})
        request_ms = (time.perf_counter() - started) * 1000
        ok = response.status_code == 201
        written_ms = asyncio.run(_until_written(db_url, response.json()["id"], audience["recipients"], started)) \
            if ok else 0.0
        results.append(_result("notify_all_students_request", [request_ms], int(not ok)))
        results.append(_result("notify_all_students_written", [written_ms], int(not ok or written_ms < 0)))
        log(f"app   notify_all_students      {audience['recipients']} recipients: request {request_ms:.0f} ms, "
            f"every row written after {written_ms / 1000:.2f} s")

        items = asyncio.run(_generate_items(db_url))
        started = time.perf_counter()
        response = client.post("/api/v1/timetable/generate", json={"items": items})
        elapsed = (time.perf_counter() - started) * 1000
        booked = response.status_code == 201
        results.append(_result("timetable_generate_200", [elapsed], int(not booked)))
        log(f"app   timetable_generate_200   {len(items)} items: {elapsed:.0f} ms "
            f"({response.status_code}{'' if booked else ' ' + response.text[:200]})")
    return results


async def _until_written(db_url: str, notification_id: int, audience: int, started: float) -> float:
    """Milliseconds from the request until the notice has `audience` recipient rows (-1
    after a minute)."""
    import asyncio

    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        while time.perf_counter() - started < 60:
            count = await connection.fetchval(
                "SELECT count(*) FROM user_notifications WHERE notification_id = $1", notification_id)
            if count >= audience:
                return (time.perf_counter() - started) * 1000
            await asyncio.sleep(0.02)
        return -1.0
    finally:
        await connection.close()


async def _generate_items(db_url: str) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        slots = [row["id"] for row in await connection.fetch(_SLOTS, GENERATE_ITEMS)]
        offerings = [row["id"] for row in await connection.fetch(
            "SELECT id FROM course_offerings ORDER BY id LIMIT $1", GENERATE_ITEMS)]
    finally:
        await connection.close()
    return [{"course_offering_id": offering, "slot_id": slot, "room_no": f"BENCH-{n:03d}"}
            for n, (offering, slot) in enumerate(zip(offerings, slots, strict=False), start=1)]
