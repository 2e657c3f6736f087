"""Transcripts (beyond the spec): a student's published semesters with their courses,
credits, letters and SGPA, and the CGPA over them. The figures are the grades service's
(the same course percentages, letters and credit weighting as SGPA, CGPA and publish)."""

from __future__ import annotations

from typing import Any

from tortoise import connections

from dashboard.core.actor import Actor, authorize
from dashboard.core.roles import Permission
from dashboard.services.grades import (
    COURSE_RESULTS,
    PUBLISHED_RESULTS,
    cgpa_of,
    course_result,
    visible_student,
)


async def student_transcript(actor: Actor, *, student_id: int) -> dict[str, Any]:
    """Every published semester with its courses, credits, letters and SGPA, and the
    CGPA over them; in the usual scopes (another student's id is a 404)."""
    authorize(actor, Permission.GRADES_READ)
    await visible_student(actor, student_id)
    connection = connections.get("default")
    people = await connection.execute_query_dict(
        "SELECT s.id, s.student_code, u.first_name, u.last_name, s.program_id, p.name AS program_name "
        "FROM students s JOIN users u ON u.id = s.user_id JOIN programs p ON p.id = s.program_id WHERE s.id = $1",
        [student_id])
    results = await connection.execute_query_dict(PUBLISHED_RESULTS, [student_id])
    courses = await connection.execute_query_dict(
        COURSE_RESULTS.format(where="e.student_id = $1") + " ORDER BY p.semester, c.code", [student_id])
    by_term: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in courses:
        by_term.setdefault((row["semester"], row["academic_year"]), []).append(course_result(row))
    credits, cgpa = cgpa_of(results)
    person = people[0]
    return {
        "student_id": student_id, "student_code": person["student_code"], "first_name": person["first_name"],
        "last_name": person["last_name"], "program_id": person["program_id"], "program_name": person["program_name"],
        "total_credits": credits, "cgpa": cgpa,
        "semesters": [{
            "semester": r["semester"], "academic_year": r["academic_year"],
            "courses": by_term.get((r["semester"], r["academic_year"]), []),
            "credits_attempted": r["credits"] or 0, "credits_earned": r["earned"] or 0, "sgpa": r["gpa"],
            "status": r["status"], "published_at": r["published_at"],
        } for r in results],
    }
