"""Benchmark scenarios for the admin panel's pages beyond the home page, wired into
bench/runner.py and served with the panel's session cookie like `admin_home`."""

from __future__ import annotations

from typing import Any

import asyncpg

from dashboard.core.db import asyncpg_dsn

# A student past the middle of the ids with something in every section of the record
# (registrations, attendance, marks, fee payments, a loan, a hostel room), so the page
# does its whole work; any student when the dataset has no such one.
_RECORD_STUDENT = """
SELECT s.id FROM students s
WHERE s.id >= (SELECT (min(id) + max(id)) / 2 FROM students)
  AND EXISTS (SELECT 1 FROM hostel_allocations h WHERE h.student_id = s.id)
  AND EXISTS (SELECT 1 FROM fee_payments p WHERE p.student_id = s.id)
  AND EXISTS (SELECT 1 FROM book_issues i WHERE i.user_id = s.user_id)
  AND EXISTS (SELECT 1 FROM attendance a WHERE a.student_id = s.id)
  AND EXISTS (SELECT 1 FROM enrollments e JOIN grades g ON g.enrollment_id = e.id WHERE e.student_id = s.id)
ORDER BY s.id LIMIT 1
"""


async def parameters(db_url: str) -> dict[str, Any]:
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        student = await connection.fetchval(_RECORD_STUDENT)
        if student is None:
            student = await connection.fetchval(
                "SELECT id FROM students ORDER BY id OFFSET (SELECT count(*) / 2 FROM students) LIMIT 1")
    finally:
        await connection.close()
    return {"record_student_id": student}


def scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario

    return [
        Scenario("admin_student_record", f"/admin/student_record/{params['record_student_id']}", admin_session=True),
    ]
