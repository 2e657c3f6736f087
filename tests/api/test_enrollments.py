"""/api/v1/enrollments: eligibility, create, bulk, update transitions, drop (domain.md §3.6)."""

from __future__ import annotations

import asyncio

import pytest

from models import AuditLog, CourseOffering, CourseRegistration, Enrollment
from models.enums import EnrollmentStatus, PersonStatus, RegistrationStatus
from tests import factories

URL = "/api/v1/enrollments"


async def _rows() -> list[tuple]:
    return await Enrollment.all().order_by("id").values_list("id", "student_id", "program_id", "status", "grade",
                                                             "grade_point", "credits_earned", "remarks")


# --- eligibility ---------------------------------------------------------------------------


async def test_eligibility_reasons(staff_client):
    student = await factories.create_student()
    program = await factories.create_program()
    url = f"{URL}/verify-eligibility"
    ok = (await staff_client.get(url, params={"student_id": student.id, "program_id": program.id})).json()
    assert ok == {"student_id": student.id, "program_id": program.id, "is_eligible": True,
                  "reasons": ["Student is eligible for enrollment"]}
    missing = (await staff_client.get(url, params={"student_id": 999999, "program_id": program.id})).json()
    assert missing["reasons"] == ["Student not found"] and not missing["is_eligible"]
    assert (await staff_client.get(url, params={"student_id": student.id, "program_id": 999999})).json()[
        "reasons"] == ["Program not found"]
    program.is_active = False
    await program.save()
    student.status = PersonStatus.SUSPENDED
    await student.save()
    await factories.create_enrollment(student=student, program_id=program.id)
    body = (await staff_client.get(url, params={"student_id": student.id, "program_id": program.id})).json()
    assert body["reasons"] == ["Program is not active", "Student is not in active status",
                               "Student is already enrolled in this program"]
    assert (await staff_client.get(url, params={"student_id": "x", "program_id": 1})).status_code == 422


async def test_a_student_checks_only_their_own_eligibility(login_as):
    me = await login_as("student")
    other = await factories.create_student()
    program = await factories.create_program()
    url = f"{URL}/verify-eligibility"
    assert (await me.get(url, params={"student_id": me.profile.id, "program_id": program.id})).json()["is_eligible"]
    assert (await me.get(url, params={"student_id": other.id, "program_id": program.id})).json()[
        "reasons"] == ["Student not found"]


# --- create ---------------------------------------------------------------------------------


async def test_staff_enrolls_a_student(staff_client):
    student = await factories.create_student()
    program = await factories.create_program()
    response = await staff_client.post(URL, json={"student_id": student.id, "program_id": program.id,
                                                  "enrollment_date": "2025-08-01", "remarks": "Lateral entry"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "enrolled" and body["enrollment_date"].startswith("2025-08-01T00:00:00")
    assert body["program_code"] == program.code and body["credits_earned"] == 0
    assert await AuditLog.exists(entity_type="enrollments", entity_id=body["id"], action="create")
    again = await staff_client.post(URL, json={"student_id": student.id, "program_id": program.id})
    assert again.status_code == 409


@pytest.mark.parametrize(("case", "status"), [("no_student", 404), ("no_program", 404), ("inactive_program", 400),
                                              ("inactive_student", 400)])
async def test_create_refusals_change_nothing(staff_client, case, status):
    student = await factories.create_student(status=PersonStatus.INACTIVE if case == "inactive_student"
                                             else PersonStatus.ACTIVE)
    program = await factories.create_program(is_active=case != "inactive_program")
    payload = {"student_id": 999999 if case == "no_student" else student.id,
               "program_id": 999999 if case == "no_program" else program.id}
    before = await _rows()
    response = await staff_client.post(URL, json=payload)
    assert response.status_code == status, response.text
    assert await _rows() == before


@pytest.mark.parametrize("payload", [
    {"student_id": "abc", "program_id": 1}, {"student_id": 1}, {"student_id": 1, "program_id": 1, "status": "x"},
    {"student_id": 1, "program_id": 1, "enrollment_date": "yesterday"},
    {"student_id": 1, "program_id": 1, "enrollment_date": "1900-01-01"},
    {"student_id": 0, "program_id": 1}, {"student_id": 2**31, "program_id": 1},
    {"student_id": 1, "program_id": 1, "remarks": "a\x00b"},
])
async def test_bad_create_bodies_are_422(staff_client, payload):
    response = await staff_client.post(URL, json=payload)
    assert response.status_code == 422, response.text
    assert await _rows() == []


async def test_concurrent_creates_of_one_pair_make_one_enrollment(staff_client):
    student = await factories.create_student()
    program = await factories.create_program()
    payload = {"student_id": student.id, "program_id": program.id}
    responses = await asyncio.gather(*(staff_client.post(URL, json=payload) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert await Enrollment.filter(student_id=student.id).count() == 1


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    caller = await login_as(role)
    student = await factories.create_student()
    body = {"student_id": student.id, "program_id": student.program_id}  # type: ignore[attr-defined]
    assert (await caller.post(URL, json=body)).status_code == 403
    enrollment = await factories.create_enrollment(student=student)
    assert (await caller.delete(f"{URL}/{enrollment.id}")).status_code == 403
    assert (await caller.put(f"{URL}/{enrollment.id}", json={"remarks": "x"})).status_code == 403
    assert (await Enrollment.get(id=enrollment.id)).status is EnrollmentStatus.ENROLLED


# --- bulk -----------------------------------------------------------------------------------


async def test_bulk_reports_each_item(staff_client):
    program = await factories.create_program()
    fresh = [await factories.create_student() for _ in range(2)]
    enrolled = await factories.create_student()
    await factories.create_enrollment(student=enrolled, program_id=program.id)
    inactive = await factories.create_student(status=PersonStatus.GRADUATED)
    items = [{"student_id": fresh[0].id, "program_id": program.id},
             {"student_id": fresh[0].id, "program_id": program.id},
             {"student_id": enrolled.id, "program_id": program.id},
             {"student_id": inactive.id, "program_id": program.id},
             {"student_id": 999999, "program_id": program.id},
             {"student_id": fresh[1].id, "program_id": 999999},
             {"student_id": fresh[1].id, "program_id": program.id, "remarks": "Transfer"}]
    response = await staff_client.post(f"{URL}/bulk", json={"enrollments": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["successful"], body["failed"]) == (7, 2, 5)
    assert [r["message"] for r in body["results"]] == [
        "Enrolled successfully", "Student is already enrolled in this program",
        "Student is already enrolled in this program", "Student is not in active status", "Student not found",
        "Program not found", "Enrolled successfully"]
    ids = [r["enrollment_id"] for r in body["results"] if r["success"]]
    assert await Enrollment.filter(id__in=ids, status="enrolled").count() == 2


@pytest.mark.parametrize("body", [{"enrollments": []}, {"enrollments": [{"student_id": 1, "program_id": 1}] * 501},
                                  {"enrollments": [{"student_id": "x", "program_id": 1}]}, {}])
async def test_bulk_bad_bodies_are_422(staff_client, body):
    assert (await staff_client.post(f"{URL}/bulk", json=body)).status_code == 422
    assert await _rows() == []


async def test_concurrent_bulks_enroll_each_pair_once(staff_client):
    program = await factories.create_program()
    students = [await factories.create_student() for _ in range(5)]
    body = {"enrollments": [{"student_id": s.id, "program_id": program.id} for s in students]}
    responses = await asyncio.gather(*(staff_client.post(f"{URL}/bulk", json=body) for _ in range(3)))
    assert sum(r.json()["successful"] for r in responses) == 5
    assert await Enrollment.filter(program_id=program.id).count() == 5


# --- reading --------------------------------------------------------------------------------


async def test_list_filters_and_scopes(login_as, staff_client):
    me = await login_as("student")
    mine = await factories.create_enrollment(student=me.profile)
    other = await factories.create_enrollment()
    dropped = await factories.create_enrollment(student=other.student, program_id=other.program_id,  # type: ignore[attr-defined]
                                                status=EnrollmentStatus.DROPPED)
    everyone = (await staff_client.get(URL)).json()
    assert [i["id"] for i in everyone["items"]] == [mine.id, other.id, dropped.id]
    assert everyone["total_pages"] == 1
    by_status = (await staff_client.get(URL, params={"enrollment_status": "dropped"})).json()
    assert [i["id"] for i in by_status["items"]] == [dropped.id]
    by_student = (await staff_client.get(URL, params={"student_id": other.student_id})).json()  # type: ignore[attr-defined]
    assert {i["id"] for i in by_student["items"]} == {other.id, dropped.id}
    assert [i["id"] for i in (await staff_client.get(URL, params={"program_id": mine.program_id})).json()["items"]] == [
        mine.id]  # type: ignore[attr-defined]
    own = (await me.get(URL)).json()
    assert [i["id"] for i in own["items"]] == [mine.id]
    assert (await me.get(URL, params={"student_id": other.student_id})).json()["total"] == 0  # type: ignore[attr-defined]
    assert (await me.get(f"{URL}/{other.id}")).status_code == 404
    assert (await me.get(f"{URL}/{mine.id}")).status_code == 200
    assert (await staff_client.get(URL, params={"enrollment_status": "nope"})).status_code == 422
    assert (await staff_client.get(URL, params={"student": 1})).status_code == 422


async def test_faculty_see_enrollments_of_students_they_teach(login_as):
    teacher = await login_as("faculty")
    offering = await factories.create_offering(faculty=[teacher.profile])
    taught = await factories.create_registration(course_offering=offering)
    other = await factories.create_enrollment()
    listed = (await teacher.get(URL)).json()
    assert [i["id"] for i in listed["items"]] == [taught.enrollment_id]  # type: ignore[attr-defined]
    assert (await teacher.get(f"{URL}/{other.id}")).status_code == 404


async def test_a_parent_sees_their_childrens_enrollments(login_as):
    parent = await login_as("parent")
    child = await factories.create_student(parent=parent.profile)
    theirs = await factories.create_enrollment(student=child)
    await factories.create_enrollment()
    assert [i["id"] for i in (await parent.get(URL)).json()["items"]] == [theirs.id]


# --- update and drop ------------------------------------------------------------------------


async def test_update_allows_only_the_documented_transitions(staff_client):
    enrollment = await factories.create_enrollment()
    url = f"{URL}/{enrollment.id}"
    response = await staff_client.put(url, json={"grade": "A", "grade_point": 8.5, "credits_earned": 20})
    assert response.status_code == 200, response.text
    assert response.json()["grade_point"] == 8.5
    assert (await staff_client.put(url, json={"status": "completed"})).json()["status"] == "completed"
    before = await _rows()
    for body, status in (({"status": "enrolled"}, 400), ({"status": "failed"}, 400), ({}, 400),
                         ({"grade_point": 10.5}, 422), ({"credits_earned": -1}, 422), ({"student_id": 3}, 422),
                         ({"status": None}, 400)):
        assert (await staff_client.put(url, json=body)).status_code == status, body
    assert await _rows() == before
    assert (await staff_client.put(f"{URL}/999999", json={"remarks": "x"})).status_code == 404


async def test_drop_drops_the_open_registrations_in_one_go(staff_client):
    offering = await factories.create_offering()
    elsewhere = await factories.create_offering()
    registration = await factories.create_registration(course_offering=offering)
    enrollment = await Enrollment.get(id=registration.enrollment_id)  # type: ignore[attr-defined]
    # An offering of another program keeps the student (a registration there is another program's business).
    foreign = await CourseRegistration.create(enrollment=enrollment, course_offering=elsewhere)
    await factories.create_registration(course_offering=offering)
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 2
    response = await staff_client.delete(f"{URL}/{enrollment.id}")
    assert response.status_code == 204, response.text
    assert (await Enrollment.get(id=enrollment.id)).status is EnrollmentStatus.DROPPED
    assert (await CourseRegistration.get(id=registration.id)).status is RegistrationStatus.DROPPED
    assert (await CourseRegistration.get(id=foreign.id)).status is RegistrationStatus.REGISTERED
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 1
    assert (await staff_client.delete(f"{URL}/{enrollment.id}")).status_code == 204
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 1
    assert (await staff_client.delete(f"{URL}/999999")).status_code == 404
    # The pair may be enrolled again once dropped.
    again = await staff_client.post(URL, json={"student_id": enrollment.student_id,  # type: ignore[attr-defined]
                                               "program_id": enrollment.program_id})  # type: ignore[attr-defined]
    assert again.status_code == 201


async def test_a_completed_enrollment_cannot_be_dropped(staff_client):
    enrollment = await factories.create_enrollment(status=EnrollmentStatus.COMPLETED)
    assert (await staff_client.delete(f"{URL}/{enrollment.id}")).status_code == 400
    assert (await Enrollment.get(id=enrollment.id)).status is EnrollmentStatus.COMPLETED


async def test_put_dropped_also_drops_registrations(staff_client):
    registration = await factories.create_registration()
    response = await staff_client.put(f"{URL}/{registration.enrollment_id}", json={"status": "dropped"})  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert (await CourseRegistration.get(id=registration.id)).status is RegistrationStatus.DROPPED
    assert (await CourseOffering.get(id=registration.course_offering_id)).enrolled_students == 0  # type: ignore[attr-defined]


async def test_concurrent_drop_and_registration_do_not_deadlock(staff_client):
    offering = await factories.create_offering()
    registration = await factories.create_registration(course_offering=offering)
    second = await factories.create_enrollment(
        student=await factories.create_student(program=offering.program))  # type: ignore[arg-type]
    drop, add = await asyncio.gather(
        staff_client.delete(f"{URL}/{registration.enrollment_id}"),  # type: ignore[attr-defined]
        staff_client.post(f"/api/v1/course-offerings/{offering.id}/students", json={"enrollment_ids": [second.id]}),
    )
    assert (drop.status_code, add.status_code) == (204, 200)
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == await CourseRegistration.filter(
        course_offering_id=offering.id, status="registered").count() == 1
