"""Benchmark scenarios of the schedules (issue 13): a student's weekly timetable and a
student's exams, wired into bench/runner.py. The student is one registered in the most
offerings with classes booked, from the middle of the id range, so both reads join real
rows (an empty dataset still gives a valid student, whose lists are empty)."""

from __future__ import annotations

from typing import Any

import asyncpg

from dashboard.core.db import asyncpg_dsn


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
    finally:
        await connection.close()
    return {"schedules_student_id": student}


def scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario  # the runner imports this module

    student = params["schedules_student_id"]
    return [
        Scenario("student_timetable", f"/api/v1/timetable/student/{student}"),
        Scenario("student_exams", f"/api/v1/exam-timetable/student/{student}"),
    ]
