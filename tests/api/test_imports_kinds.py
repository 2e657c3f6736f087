"""Imports of faculty, parents, enrollments, registrations and fee structures: a clean
file commits exactly its rows, each rule is reported on its row and column, an upsert
changes only the columns present, a second commit does nothing more, and a change made
between preview and commit is refused."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.services.imports import csv_text
from models import AuditLog, CourseOffering, CourseRegistration, Enrollment, Faculty, FeeStructure, Parent, Student
from models.enums import OfferingStatus, PersonStatus
from tests import factories
from tests.api.test_imports import settled, upload

pytestmark = pytest.mark.usefixtures("app")


async def commit(client: Any, import_id: int, run_jobs: Any) -> dict[str, Any]:
    response = await client.post(f"/api/v1/imports/{import_id}/commit")
    assert response.status_code == 202, response.text
    result = await settled(client, import_id, run_jobs)
    assert result["status"] == "committed"
    again = await client.post(f"/api/v1/imports/{import_id}/commit")
    assert again.status_code == 202
    await run_jobs()
    return result


def errors_of(preview: dict[str, Any]) -> dict[int, list[dict[str, str]]]:
    return {r["row_number"]: r["errors"] for r in preview["items"]}


def has(errors: list[dict[str, str]], column: str, words: str) -> bool:
    return any(e["column"] == column and words in e["message"] for e in errors)


# --- faculty -------------------------------------------------------------------------------

FACULTY_HEADER = ["employee_id", "email", "user_name", "first_name", "last_name", "department_code", "designation",
                  "employment_type"]


async def test_faculty(staff_client, run_jobs):
    department = await factories.create_department()
    taken = await factories.create_faculty()
    rows = [["FAC1", "f1@example.edu", "f.one", "Meera", "Iyer", department.code, "Professor", "permanent"],
            ["FAC2", "f2@example.edu", "f.two", "Ravi", "Kumar", department.code, "Lecturer", "contract"]]
    import_id = (await upload(staff_client, csv_text([FACULTY_HEADER, *rows]), kind="faculty")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 2
    result = await commit(staff_client, import_id, run_jobs)
    assert result["committed_count"] == 2
    assert await Faculty.filter(employee_id__in=["FAC1", "FAC2"]).count() == 2
    assert await AuditLog.filter(entity_type="faculty").count() == 2

    bad = [["FAC3", "f3@example.edu", "f.three", "A", "B", "NOPE", "Professor", "permanent"],
           ["FAC4", "f4@example.edu", "f.four", "A", "B", department.code, "Professor", "forever"],
           [taken.employee_id, "f5@example.edu", "f.five", "A", "B", department.code, "Professor", "permanent"],
           ["FAC6", "f1@example.edu", "f.six", "A", "B", department.code, "Professor", "permanent"],
           ["FAC7", "f7@example.edu", "f.seven", "A", "B", department.code, "X", "permanent"]]
    second = (await upload(staff_client, csv_text([FACULTY_HEADER, *bad]), kind="faculty")).json()["id"]
    errors = errors_of(await settled(staff_client, second, run_jobs))
    assert has(errors[2], "department_code", "Department not found")
    assert has(errors[3], "employment_type", "Input should be")
    assert has(errors[4], "employee_id", "Employee ID already exists")
    assert has(errors[5], "email", "Email already registered")
    assert has(errors[6], "designation", "at least 2 characters")

    upsert = csv_text([["employee_id", "designation"], ["FAC1", "Dean"]])
    third = (await upload(staff_client, upsert, kind="faculty", mode="upsert")).json()["id"]
    assert (await settled(staff_client, third, run_jobs))["updated_count"] == 1
    await commit(staff_client, third, run_jobs)
    member = await Faculty.get(employee_id="FAC1")
    assert (member.designation, member.employment_type.value) == ("Dean", "permanent")


# --- parents -------------------------------------------------------------------------------

PARENT_HEADER = ["email", "user_name", "first_name", "last_name", "father_name", "mother_name", "student_codes"]


async def test_parents_are_linked_to_their_children(staff_client, run_jobs):
    one, two = await factories.create_student(), await factories.create_student()
    codes = f"{one.student_code};{two.student_code}"
    rows = [["p1@example.com", "p.one", "Ravi", "Rao", "Ravi Rao", "Lata Rao", codes]]
    import_id = (await upload(staff_client, csv_text([PARENT_HEADER, *rows]), kind="parents")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 1
    await commit(staff_client, import_id, run_jobs)
    parent = await Parent.get(user__email="p1@example.com")
    assert {s.parent_id for s in await Student.filter(id__in=[one.id, two.id])} == {parent.id}
    assert await AuditLog.filter(entity_type="students", action="update").count() == 2

    bad = [["p2@example.com", "p.two", "A", "B", "F", "M", "NOBODY"],
           ["p1@example.com", "p.three", "A", "B", "F", "M", one.student_code]]
    second = (await upload(staff_client, csv_text([PARENT_HEADER, *bad]), kind="parents")).json()["id"]
    errors = errors_of(await settled(staff_client, second, run_jobs))
    assert has(errors[2], "student_codes", "Student not found: NOBODY")
    assert has(errors[3], "email", "Email already registered")

    upsert = csv_text([["email", "mother_occupation"], ["p1@example.com", "Engineer"]])
    third = (await upload(staff_client, upsert, kind="parents", mode="upsert")).json()["id"]
    assert (await settled(staff_client, third, run_jobs))["updated_count"] == 1
    await commit(staff_client, third, run_jobs)
    await parent.refresh_from_db()
    assert (parent.mother_occupation, parent.father_name) == ("Engineer", "Ravi Rao")


# --- enrollments ---------------------------------------------------------------------------


async def test_enrollments(staff_client, run_jobs):
    program = await factories.create_program()
    student = await factories.create_student(program=program)
    other = await factories.create_student(program=program)
    inactive = await factories.create_student(status=PersonStatus.INACTIVE)
    header = ["student_code", "program_code", "enrollment_date", "remarks"]
    rows = [[student.student_code, program.code, "2026-08-01", ""], [other.student_code, program.code, "", "late"]]
    import_id = (await upload(staff_client, csv_text([header, *rows]), kind="enrollments")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 2
    await commit(staff_client, import_id, run_jobs)
    assert await Enrollment.filter(program_id=program.id).count() == 2

    bad = [[student.student_code, program.code, "", ""], ["NOBODY", program.code, "", ""],
           [other.student_code, "NOPE", "", ""], [inactive.student_code, program.code, "", ""],
           [other.student_code, "NOPE", "", ""]]
    second = (await upload(staff_client, csv_text([header, *bad]), kind="enrollments")).json()["id"]
    errors = errors_of(await settled(staff_client, second, run_jobs))
    assert has(errors[2], "student_code", "Student is already enrolled in this program")
    assert has(errors[3], "student_code", "Student not found")
    assert has(errors[4], "program_code", "Program not found")
    assert has(errors[5], "student_code", "Student is not in active status")
    assert has(errors[6], "program_code", "Duplicate in this file")

    upsert = csv_text([["student_code", "program_code", "remarks"], [student.student_code, program.code, "lateral"]])
    third = (await upload(staff_client, upsert, kind="enrollments", mode="upsert")).json()["id"]
    assert (await settled(staff_client, third, run_jobs))["updated_count"] == 1
    await commit(staff_client, third, run_jobs)
    enrollment = await Enrollment.get(student_id=student.id)
    assert enrollment.remarks == "lateral" and enrollment.enrollment_date.date().isoformat() == "2026-08-01"


# --- registrations -------------------------------------------------------------------------


async def test_registrations_keep_the_seat_counter(staff_client, run_jobs):
    offering = await factories.create_offering(max_capacity=2)
    course = await offering.course
    students = [await factories.create_student(program=await offering.program) for _ in range(3)]
    for student in students:
        await factories.create_enrollment(student=student)
    header = ["student_code", "course_code", "academic_year", "semester", "section"]

    def row(student: Any) -> list[str]:
        return [student.student_code, course.code, offering.academic_year, str(offering.semester), "A"]

    import_id = (await upload(staff_client, csv_text([header, row(students[0]), row(students[1]), row(students[2]),
                                                      ["NOBODY", course.code, "2025-26", "1", "A"],
                                                      [students[0].student_code, course.code, "2030-31", "1", "A"]]),
                              kind="registrations", error_threshold=1)).json()["id"]
    preview = await settled(staff_client, import_id, run_jobs)
    errors = errors_of(preview)
    assert errors[2] == [] and errors[3] == []
    assert has(errors[4], "course_code", "Offering is full")
    assert has(errors[5], "student_code", "Student not found")
    assert has(errors[6], "course_code", "Course offering not found")
    result = await commit(staff_client, import_id, run_jobs)
    assert result["committed_count"] == 2
    assert await CourseRegistration.filter(course_offering_id=offering.id).count() == 2
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 2
    # Again in create mode: already registered.
    again = (await upload(staff_client, csv_text([header, row(students[0])]), kind="registrations")).json()["id"]
    assert has(errors_of(await settled(staff_client, again, run_jobs))[2], "student_code", "Already registered")
    # In upsert mode: unchanged.
    same = (await upload(staff_client, csv_text([header, row(students[0])]), kind="registrations",
                         mode="upsert")).json()["id"]
    assert (await settled(staff_client, same, run_jobs))["unchanged_count"] == 1


async def test_a_registration_refused_at_commit_when_the_offering_closed_meanwhile(staff_client, run_jobs):
    offering = await factories.create_offering()
    course = await offering.course
    student = await factories.create_student(program=await offering.program)
    await factories.create_enrollment(student=student)
    header = ["student_code", "course_code", "academic_year", "semester", "section"]
    body = csv_text([header, [student.student_code, course.code, offering.academic_year, "1", "A"]])
    import_id = (await upload(staff_client, body, kind="registrations")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 1
    await CourseOffering.filter(id=offering.id).update(status=OfferingStatus.COMPLETED)
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    result = await settled(staff_client, import_id, run_jobs)
    assert result["items"][0]["commit_outcome"] == "refused"
    assert has(result["items"][0]["commit_errors"], "course_code", "Registration is closed")
    assert await CourseRegistration.all().count() == 0


# --- fee structures ------------------------------------------------------------------------


async def test_fee_structures(staff_client, run_jobs):
    student = await factories.create_student()
    header = ["student_code", "academic_year", "semester", "tuition_fee", "lab_fee", "due_date"]
    rows = [[student.student_code, "2026-27", "1", "45000.00", "5000", "2026-08-31"],
            [student.student_code, "2026-27", "2", "45000.00", "", "2027-01-31"]]
    import_id = (await upload(staff_client, csv_text([header, *rows]), kind="fee_structures")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 2
    await commit(staff_client, import_id, run_jobs)
    first = await FeeStructure.get(student_id=student.id, semester=1)
    assert (first.total_fee, first.program_id) == (50000, student.program_id)

    bad = [[student.student_code, "2026-27", "1", "1", "", "2026-08-31"],
           ["NOBODY", "2026-27", "1", "1", "", "2026-08-31"],
           [student.student_code, "2026-28", "3", "1", "", "2026-08-31"],
           [student.student_code, "2026-27", "4", "1.234", "", "2026-08-31"]]
    second = (await upload(staff_client, csv_text([header, *bad]), kind="fee_structures")).json()["id"]
    errors = errors_of(await settled(staff_client, second, run_jobs))
    assert has(errors[2], "student_code", "already exists")
    assert has(errors[3], "student_code", "Student not found")
    assert has(errors[4], "", "two consecutive years")
    assert has(errors[5], "tuition_fee", "decimal places")

    upsert = csv_text([["student_code", "academic_year", "semester", "lab_fee"],
                       [student.student_code, "2026-27", "1", "6000"]])
    third = (await upload(staff_client, upsert, kind="fee_structures", mode="upsert")).json()["id"]
    assert (await settled(staff_client, third, run_jobs))["updated_count"] == 1
    await commit(staff_client, third, run_jobs)
    await first.refresh_from_db()
    assert (first.lab_fee, first.tuition_fee, first.total_fee) == (6000, 45000, 51000)


async def test_a_fee_structure_changed_since_the_preview_is_refused(staff_client, run_jobs):
    student = await factories.create_student()
    structure = await factories.create_fee_structure(student=student, program_id=student.program_id,
                                                     academic_year="2026-27", semester=1)
    upsert = csv_text([["student_code", "academic_year", "semester", "lab_fee"],
                       [student.student_code, "2026-27", "1", "7000"]])
    import_id = (await upload(staff_client, upsert, kind="fee_structures", mode="upsert")).json()["id"]
    assert (await settled(staff_client, import_id, run_jobs))["updated_count"] == 1
    response = await staff_client.put(f"/api/v1/fee-structures/{structure.id}", json={"sports_fee": "10.00"})
    assert response.status_code == 200, response.text
    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    result = await settled(staff_client, import_id, run_jobs)
    assert result["items"][0]["commit_outcome"] == "refused"
    assert "changed since the preview" in result["items"][0]["commit_errors"][0]["message"]
    await structure.refresh_from_db()
    assert structure.lab_fee != 7000
