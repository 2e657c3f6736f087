"""/api/v1/students/{id}/transcript: a student's published semesters and CGPA."""

from __future__ import annotations

from tests import factories
from tests.api.test_grades import MARKS, URL, YEAR, Term


async def test_transcript(staff_client, login_as):
    term = await Term().build()
    await term.grade(MARKS)
    await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    url = f"/api/v1/students/{term.students[0].id}/transcript"
    body = (await staff_client.get(url)).json()
    assert body["student_code"] == term.students[0].student_code and body["cgpa"] == 9.14
    assert body["total_credits"] == 7
    [semester] = body["semesters"]
    assert (semester["semester"], semester["academic_year"], semester["sgpa"], semester["status"]) == (1, YEAR, 9.14,
                                                                                                     "pass")
    assert sorted(c["grade_letter"] for c in semester["courses"]) == ["A", "O"]
    student = await login_as("student", user=await term.students[0].user, profile=term.students[0])
    assert (await student.get(url)).status_code == 200
    assert (await student.get(f"/api/v1/students/{term.students[1].id}/transcript")).status_code == 404
    assert (await staff_client.get("/api/v1/students/999999/transcript")).status_code == 404
    fresh = await factories.create_student()
    unpublished = (await staff_client.get(f"/api/v1/students/{fresh.id}/transcript")).json()
    assert unpublished["semesters"] == [] and unpublished["cgpa"] is None
