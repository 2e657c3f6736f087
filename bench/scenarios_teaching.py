"""Benchmark scenarios for the teaching records (attendance, grades, results), wired into
bench/runner.py: `parameters` picks real rows from the generated university, `scenarios`
are measured under wrk like the others, and `one_shots` times the writes that cannot be
repeated under wrk without changing what they measure (each bulk of a class is a new day;
publishing a semester is timed once, as it runs in the panel)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

import asyncpg
import httpx

from dashboard.core.db import asyncpg_dsn

ROSTER_SIZE = 500
BULK_SAMPLES = 30
# The timed writes of `one_shots`, which `--only` selects by these names.
ONE_SHOTS = {"bulk_attendance_class", "publish_one_semester"}
# Class days for the bulk samples: long past, and on an offering made for the benchmark,
# so none is marked yet.
FIRST_BULK_DAY = dt.date(2024, 1, 1)


async def parameters(db_url: str) -> dict[str, Any]:
    """Real ids from the dataset, and a benchmark offering with a roster of up to 500 of
    its program's enrolled students (the clone the run uses is dropped afterwards)."""
    from dashboard.demo.generate import DEMO_LOGINS

    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        graded = await connection.fetchrow(
            "SELECT e.student_id, o.semester FROM grades g JOIN enrollments e ON e.id = g.enrollment_id "
            "JOIN course_offerings o ON o.id = g.course_offering_id "
            "WHERE e.student_id >= (SELECT (min(id) + max(id)) / 2 FROM students) ORDER BY e.student_id LIMIT 1")
        published = await connection.fetchval(
            "SELECT student_id FROM semester_results WHERE published_at IS NOT NULL "
            "AND student_id >= $1 ORDER BY student_id LIMIT 1", graded["student_id"])
        term = await connection.fetchrow(
            "SELECT o.semester, o.academic_year FROM grades g JOIN course_offerings o ON o.id = g.course_offering_id "
            "GROUP BY 1, 2 ORDER BY count(*) DESC, 2 DESC, 1 LIMIT 1")
        program = await connection.fetchval(
            "SELECT program_id FROM enrollments WHERE status = 'enrolled' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        template = await connection.fetchrow(
            "SELECT id, course_id, academic_year, semester FROM course_offerings WHERE program_id = $1 "
            "ORDER BY id LIMIT 1", program)
        offering = await connection.fetchval(
            "INSERT INTO course_offerings (program_id, course_id, semester, academic_year, section, status, "
            "start_date, end_date, enrolled_students, created_at) "
            "VALUES ($1, $2, $3, $4, 'BENCH', 'ongoing', $5, $6, 0, now()) RETURNING id",
            program, template["course_id"], template["semester"], template["academic_year"],
            FIRST_BULK_DAY - dt.timedelta(days=1), FIRST_BULK_DAY + dt.timedelta(days=365))
        roster = await connection.fetch(
            "INSERT INTO course_registrations (enrollment_id, course_offering_id, status, registered_at, created_at) "
            "SELECT id, $2, 'registered', now(), now() FROM enrollments WHERE program_id = $1 AND status = 'enrolled' "
            "ORDER BY id LIMIT $3 RETURNING enrollment_id", program, offering, ROSTER_SIZE)
        await connection.execute("UPDATE course_offerings SET enrolled_students = $2 WHERE id = $1",
                                 offering, len(roster))
        demo_student = await connection.fetchval(
            "SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.email = $1", DEMO_LOGINS["student"])
    finally:
        await connection.close()
    return {
        "sgpa_student_id": graded["student_id"], "sgpa_semester": graded["semester"],
        "cgpa_student_id": published or graded["student_id"],
        "publish_semester": term["semester"], "publish_year": term["academic_year"],
        "bulk_offering_id": offering, "bulk_enrollment_ids": [r["enrollment_id"] for r in roster],
        "demo_student_id": demo_student,
    }


def scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario

    return [
        Scenario("sgpa_one_student", f"/api/v1/grades/calculate-sgpa?student_id={params['sgpa_student_id']}"
                 f"&semester={params['sgpa_semester']}"),
        Scenario("cgpa_one_student", f"/api/v1/grades/calculate-cgpa?student_id={params['cgpa_student_id']}"),
        Scenario("defaulters_university", "/api/v1/attendance/defaulters"),
        Scenario("student_grades_list", "/api/v1/grades", role="student"),
        Scenario("student_attendance_list", "/api/v1/attendance", role="student"),
    ]


def _result(name: str, samples_ms: list[float], failures: int) -> Any:
    from bench.runner import Result

    ordered = sorted(samples_ms)

    def pick(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else 0.0

    seconds = sum(samples_ms) / 1000
    return Result(scenario=name, target="app", requests=len(samples_ms), seconds=round(seconds, 2),
                  rps=round(len(samples_ms) / seconds, 1) if seconds else 0.0,
                  p50_ms=round(statistics.median(ordered), 1) if ordered else 0.0, p95_ms=pick(0.95),
                  p99_ms=pick(0.99), max_ms=round(max(ordered), 1) if ordered else 0.0, non_2xx=failures,
                  socket_errors=0)


def one_shots(base: str, tokens: dict[str, str], params: dict[str, Any]) -> list[Any]:
    """Timed writes, one request at a time: a 500-student class marked on BULK_SAMPLES
    new days, then one semester published for every student in it."""
    headers = {"Authorization": f"Bearer {tokens['admin']}", "Content-Type": "application/json"}
    results = []
    samples, failures = [], 0
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        for n in range(BULK_SAMPLES):
            statuses = ("present", "present", "present", "late", "absent", "excused")
            body = json.dumps({
                "course_offering_id": params["bulk_offering_id"],
                "date": (FIRST_BULK_DAY + dt.timedelta(days=n)).isoformat(),
                "items": [{"enrollment_id": e, "status": statuses[(e + n) % len(statuses)]}
                          for e in params["bulk_enrollment_ids"]],
            })
            started = time.perf_counter()
            response = client.post("/api/v1/attendance/bulk", content=body)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or response.json()["failed"]:
                failures += 1
        results.append(_result("bulk_attendance_class", samples, failures))
        started = time.perf_counter()
        response = client.post("/api/v1/grades/publish", json={"semester": params["publish_semester"],
                                                               "academic_year": params["publish_year"]})
        elapsed = (time.perf_counter() - started) * 1000
        published = response.json().get("published", 0) if response.status_code == 200 else 0
        results.append(_result("publish_one_semester", [elapsed], int(response.status_code != 200 or not published)))
    from bench.runner import log

    log(f"app   bulk_attendance_class    {len(params['bulk_enrollment_ids'])} students x {BULK_SAMPLES} days: "
        f"p50 {results[0].p50_ms} ms, p95 {results[0].p95_ms} ms")
    log(f"app   publish_one_semester     semester {params['publish_semester']} {params['publish_year']}, "
        f"{published} students: {elapsed / 1000:.2f} s")
    return results
