"""/api/v1/course-offerings: CRUD with the teaching team, and the rosters (notes §3.1)."""

from __future__ import annotations

import asyncio

import pytest

from models import (
    AuditLog,
    CourseOffering,
    CourseRegistration,
    OfferingFaculty,
)
from models.enums import EnrollmentStatus, OfferingStatus, PersonStatus, RegistrationStatus
from tests import factories

URL = "/api/v1/course-offerings"


async def _snapshot() -> tuple[list[tuple], list[tuple], list[tuple]]:
    offerings = await CourseOffering.all().order_by("id").values_list(
        "id", "semester", "section", "max_capacity", "enrolled_students", "status", "start_date", "end_date",
        "updated_at")
    teaching = await OfferingFaculty.all().order_by("offering_id", "faculty_id").values_list("offering_id",
                                                                                             "faculty_id")
    registrations = await CourseRegistration.all().order_by("id").values_list("id", "enrollment_id",
                                                                              "course_offering_id", "status")
    return offerings, teaching, registrations


async def _payload(**overrides) -> dict:
    program = overrides.pop("program", None) or await factories.create_program()
    course = overrides.pop("course", None) or await factories.create_course(department_id=program.department_id)
    payload = {"program_id": program.id, "course_id": course.id, "semester": 3, "academic_year": "2025-26",
               "section": "A", "room_number": "LH-2", "max_capacity": 60, "status": "open",
               "start_date": "2025-08-01", "end_date": "2025-12-15"}
    payload.update(overrides)
    return payload


# --- CRUD ---------------------------------------------------------------------------------


async def test_staff_creates_an_offering_with_its_teachers(staff_client):
    teachers = [await factories.create_faculty() for _ in range(2)]
    payload = await _payload(faculty_ids=[teachers[1].id, teachers[0].id])
    response = await staff_client.post(URL, json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["enrolled_students"] == 0 and body["status"] == "open"
    assert body["faculty_ids"] == sorted(t.id for t in teachers)
    assert body["schedule"] == [] and body["course_code"]
    assert await AuditLog.exists(entity_type="course_offerings", entity_id=body["id"], action="create")
    assert (await staff_client.get(f"/api/v1/faculty/{teachers[0].id}/courses")).json()[0]["offering_id"] == body["id"]


async def test_defaults_to_draft_without_section(admin_client):
    payload = await _payload()
    del payload["status"], payload["section"], payload["max_capacity"]
    body = (await admin_client.post(URL, json=payload)).json()
    assert body["status"] == "draft" and body["section"] is None and body["max_capacity"] is None


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"program_id": 999999}, 404, "Program not found"),
        ({"course_id": 999999}, 404, "Course not found"),
        ({"faculty_ids": [999998, "MISSING"]}, 404, None),
        ({"start_date": "2025-12-15", "end_date": "2025-12-15"}, 400, "start_date must be before end_date"),
        ({"semester": 9}, 400, "semester must be between 1 and the program's 8 semesters"),
        (
            {"section": "TAKEN"},
            409,
            "This course is already offered for the program in that year, semester and section",
        ),
    ],
)
async def test_create_errors_change_nothing(staff_client, overrides, status, message):
    program = await factories.create_program()
    course = await factories.create_course()
    await factories.create_offering(program=program, course=course, semester=3, section="TAKEN")
    teacher = await factories.create_faculty()
    if overrides.get("faculty_ids"):
        overrides["faculty_ids"] = [999998, teacher.id]
    before = await _snapshot()
    response = await staff_client.post(URL, json=await _payload(program=program, course=course, **overrides))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == (message or "Faculty member not found: 999998")
    assert await _snapshot() == before


async def test_two_offerings_without_section_clash(staff_client):
    payload = await _payload(section=None)
    assert (await staff_client.post(URL, json=payload)).status_code == 201
    assert (await staff_client.post(URL, json=payload)).status_code == 409


@pytest.mark.parametrize("overrides", [{"academic_year": "2025"}, {"academic_year": "2025-27"},
                                       {"status": "planned"}, {"max_capacity": 0}, {"semester": 0},
                                       {"faculty_ids": [0]}, {"enrolled_students": 5}])
async def test_invalid_create_is_422(staff_client, overrides):
    payload = await _payload(**overrides)
    before = await _snapshot()
    assert (await staff_client.post(URL, json=payload)).status_code == 422
    assert await _snapshot() == before


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    client = await login_as(role)
    offering = await factories.create_offering()
    enrollment = await factories.create_enrollment(
        student=await factories.create_student(program=await offering.program))
    before = await _snapshot()
    assert (await client.post(URL, json=await _payload())).status_code == 403
    assert (await client.put(f"{URL}/{offering.id}", json={"room_number": "X"})).status_code == 403
    assert (await client.delete(f"{URL}/{offering.id}")).status_code == 403
    assert (await client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": [enrollment.id]})
            ).status_code == 403
    assert await _snapshot() == before
    assert (await client.get(f"{URL}/{offering.id}")).status_code == 200


async def test_list_filters_and_the_misspelt_year_alias(student_client):
    p1 = await factories.create_program()
    p2 = await factories.create_program()
    teacher = await factories.create_faculty()
    a = await factories.create_offering(program=p1, semester=1, academic_year="2024-25", faculty=[teacher])
    b = await factories.create_offering(program=p1, semester=2, status=OfferingStatus.ONGOING)
    c = await factories.create_offering(program=p2, semester=1, status=OfferingStatus.CANCELLED)

    def ids(response):
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    body = (await student_client.get(URL)).json()
    assert [o["id"] for o in body["items"]] == [a.id, b.id, c.id]
    assert body["items"][0]["faculty_ids"] == [teacher.id] and body["items"][1]["faculty_ids"] == []
    assert ids(await student_client.get(URL, params={"program_id": p1.id})) == [a.id, b.id]
    assert ids(await student_client.get(URL, params={"course_id": b.course_id})) == [b.id]
    assert ids(await student_client.get(URL, params={"semester": 1})) == [a.id, c.id]
    assert ids(await student_client.get(URL, params={"offering_status": "cancelled"})) == [c.id]
    assert ids(await student_client.get(URL, params={"academic_year": "2024-25"})) == [a.id]
    assert ids(await student_client.get(URL, params={"acedemic_year": "2024-25"})) == [a.id]
    assert ids(await student_client.get(URL, params={"acedemic_year": "2025-26", "program_id": p1.id})) == [b.id]
    assert (await student_client.get(URL, params={"offering_status": "x"})).status_code == 422


async def test_get_and_missing(parent_client):
    offering = await factories.create_offering()
    assert (await parent_client.get(f"{URL}/{offering.id}")).json()["id"] == offering.id
    assert (await parent_client.get(f"{URL}/999999")).status_code == 404


async def test_update_replaces_teachers_and_fields(staff_client):
    t1, t2, t3 = (await factories.create_faculty(), await factories.create_faculty(), await factories.create_faculty())
    offering = await factories.create_offering(faculty=[t1, t2])
    body = (await staff_client.put(f"{URL}/{offering.id}", json={
        "faculty_ids": [t3.id, t2.id], "room_number": "LH-9", "status": "ongoing", "max_capacity": 80})).json()
    assert body["faculty_ids"] == sorted([t2.id, t3.id])
    assert (body["room_number"], body["status"], body["max_capacity"]) == ("LH-9", "ongoing", 80)
    audit = await AuditLog.get(entity_type="course_offerings", entity_id=offering.id, action="update")
    assert audit.old_value["faculty_ids"] == sorted([t1.id, t2.id])
    assert audit.new_value["faculty_ids"] == sorted([t2.id, t3.id])


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({}, 400, "No fields to update"),
        ({"faculty_ids": [999999]}, 404, "Faculty member not found: 999999"),
        ({"end_date": "2025-07-01"}, 400, "start_date must be before end_date"),
        ({"max_capacity": 1}, 400, "max_capacity cannot be below the 2 students already registered"),
        ({"section": "B"}, 409, "This course is already offered for the program in that year, semester and section"),
        ({"semester": 12}, 400, "semester must be between 1 and the program's 8 semesters"),
        ({"status": None}, 400, "status cannot be null"),
    ],
)
async def test_update_errors_change_nothing(staff_client, changes, status, message):
    offering = await factories.create_offering(section="A")
    await factories.create_offering(program=await offering.program, course=await offering.course, section="B")
    for _ in range(2):
        await factories.create_registration(course_offering=offering)
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{offering.id}", json=changes)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("body", [{"program_id": 1}, {"course_id": 1}, {"academic_year": "2026-27"},
                                  {"enrolled_students": 0}, {"status": "finished"}])
async def test_update_refuses_fixed_fields(staff_client, body):
    offering = await factories.create_offering()
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{offering.id}", json=body)).status_code == 422
    assert await _snapshot() == before


async def test_delete_takes_teaching_assignments_along(staff_client):
    offering = await factories.create_offering(faculty=[await factories.create_faculty()])
    assert (await staff_client.delete(f"{URL}/{offering.id}")).status_code == 204
    assert not await CourseOffering.exists() and not await OfferingFaculty.exists()
    assert (await staff_client.delete(f"{URL}/{offering.id}")).status_code == 404


async def test_delete_blocked_by_dependants_names_them(staff_client):
    offering = await factories.create_offering()
    await factories.create_class_schedule(course_offering=offering)
    registration = await factories.create_registration(course_offering=offering)
    await factories.create_attendance(enrollment=await registration.enrollment, course_offering=offering)
    await factories.create_assessment(course_offering=offering)
    before = await _snapshot()
    response = await staff_client.delete(f"{URL}/{offering.id}")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Course offering cannot be deleted: it still has class schedules, attendance records, "
        "registered students, assessments")
    assert await _snapshot() == before


# --- rosters ------------------------------------------------------------------------------


async def _cohort(offering, count, *, semester=None, **student_overrides):
    program = await offering.program
    enrollments = []
    for _ in range(count):
        student = await factories.create_student(program=program, department_id=program.department_id,
                                                 semester=semester or offering.semester, **student_overrides)
        enrollments.append(await factories.create_enrollment(student=student))
    return enrollments


async def test_register_a_list_with_a_result_per_item(staff_client):
    offering = await factories.create_offering(max_capacity=3)
    ok = await _cohort(offering, 2)
    dropped = (await _cohort(offering, 1))[0]
    await dropped.__class__.filter(id=dropped.id).update(status=EnrollmentStatus.DROPPED)
    foreign = await factories.create_enrollment()

    response = await staff_client.post(f"{URL}/{offering.id}/students", json={
        "enrollment_ids": [ok[0].id, 999999, foreign.id, dropped.id, ok[1].id, ok[0].id]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["successful"], body["failed"]) == (5, 2, 3)
    assert body["enrolled_students"] == 2 and body["max_capacity"] == 3
    messages = [(r["enrollment_id"], r["success"], r["message"]) for r in body["results"]]
    assert messages == [
        (ok[0].id, True, "Registered"), (999999, False, "Enrollment not found"),
        (foreign.id, False, "Enrollment is in another program"), (dropped.id, False, "Enrollment is not active"),
        (ok[1].id, True, "Registered"),
    ]
    assert body["results"][0]["student_id"] == ok[0].student_id and body["results"][0]["registration_id"]
    assert body["results"][1]["student_id"] is None
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 2


async def test_registering_again_is_idempotent(staff_client):
    offering = await factories.create_offering(max_capacity=2)
    enrollments = await _cohort(offering, 2)
    ids = [e.id for e in enrollments]
    first = (await staff_client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": ids})).json()
    again = (await staff_client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": ids})).json()
    assert again["successful"] == 2 and {r["message"] for r in again["results"]} == {"Already registered"}
    assert [r["registration_id"] for r in again["results"]] == [r["registration_id"] for r in first["results"]]
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 2
    assert await CourseRegistration.all().count() == 2


async def test_capacity_fills_in_the_order_given(staff_client):
    offering = await factories.create_offering(max_capacity=2)
    enrollments = await _cohort(offering, 4)
    body = (await staff_client.post(f"{URL}/{offering.id}/students",
                                    json={"enrollment_ids": [e.id for e in reversed(enrollments)]})).json()
    assert [(r["enrollment_id"], r["message"]) for r in body["results"]] == [
        (enrollments[3].id, "Registered"), (enrollments[2].id, "Registered"),
        (enrollments[1].id, "Offering is full"), (enrollments[0].id, "Offering is full")]
    assert body["enrolled_students"] == 2


async def test_all_from_program_takes_active_enrollments_of_the_semester(staff_client):
    offering = await factories.create_offering(semester=3, max_capacity=None)
    wanted = await _cohort(offering, 3)
    await _cohort(offering, 1, semester=5)                        # another semester
    await _cohort(offering, 1, status=PersonStatus.INACTIVE)      # deactivated student
    finished = (await _cohort(offering, 1))[0]
    await finished.__class__.filter(id=finished.id).update(status=EnrollmentStatus.COMPLETED)
    await factories.create_enrollment(student=await factories.create_student(semester=3))  # another program

    body = (await staff_client.post(f"{URL}/{offering.id}/students", json={"all_from_program": True})).json()
    assert [r["enrollment_id"] for r in body["results"]] == [e.id for e in wanted]
    assert body["successful"] == 3 and body["enrolled_students"] == 3
    assert (await staff_client.post(f"{URL}/{offering.id}/students", json={"all_from_program": True})
            ).json()["enrolled_students"] == 3


async def test_a_dropped_registration_can_be_restored(staff_client):
    offering = await factories.create_offering(max_capacity=5)
    registration = await factories.create_registration(course_offering=offering, status=RegistrationStatus.DROPPED)
    body = (await staff_client.post(f"{URL}/{offering.id}/students",
                                    json={"enrollment_ids": [registration.enrollment_id]})).json()
    assert body["results"][0]["message"] == "Registered again"
    assert body["results"][0]["registration_id"] == registration.id and body["enrolled_students"] == 1
    assert (await CourseRegistration.get(id=registration.id)).status == RegistrationStatus.REGISTERED


async def test_20_concurrent_additions_fill_exactly_the_5_free_seats(staff_client):
    offering = await factories.create_offering(max_capacity=10)
    for _ in range(5):
        await factories.create_registration(course_offering=offering)
    assert (await CourseOffering.get(id=offering.id)).enrolled_students == 5
    newcomers = await _cohort(offering, 20)

    responses = await asyncio.gather(*(
        staff_client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": [e.id]}) for e in newcomers
    ))
    assert all(r.status_code == 200 for r in responses)
    outcomes = [r.json()["results"][0] for r in responses]
    assert sum(o["success"] for o in outcomes) == 5
    assert {o["message"] for o in outcomes if not o["success"]} == {"Offering is full"}
    offering = await CourseOffering.get(id=offering.id)
    assert offering.enrolled_students == 10
    assert await CourseRegistration.filter(course_offering_id=offering.id,
                                           status=RegistrationStatus.REGISTERED).count() == 10


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 422), ({"enrollment_ids": []}, 422), ({"enrollment_ids": [1], "all_from_program": True}, 422),
     ({"all_from_program": False}, 422), ({"enrollment_ids": ["x"]}, 422), ({"enrollment_ids": [0]}, 422)],
)
async def test_roster_body_errors(staff_client, body, status):
    offering = await factories.create_offering()
    before = await _snapshot()
    assert (await staff_client.post(f"{URL}/{offering.id}/students", json=body)).status_code == status
    assert await _snapshot() == before


@pytest.mark.parametrize("closed", [OfferingStatus.COMPLETED, OfferingStatus.CANCELLED])
async def test_closed_offerings_refuse_registration(staff_client, closed):
    offering = await factories.create_offering(status=closed)
    enrollment = (await _cohort(offering, 1))[0]
    before = await _snapshot()
    response = await staff_client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": [enrollment.id]})
    assert response.status_code == 400
    assert response.json()["detail"] == f"Registration is closed: the offering is {closed.value}"
    assert await _snapshot() == before


async def test_roster_of_missing_offering_is_404(staff_client):
    assert (await staff_client.post(f"{URL}/999999/students", json={"all_from_program": True})).status_code == 404
    assert (await staff_client.get(f"{URL}/999999/students")).status_code == 404


async def test_roster_listing_is_paginated_and_scoped(staff_client, login_as):
    offering = await factories.create_offering(max_capacity=None)
    enrollments = await _cohort(offering, 12)
    await staff_client.post(f"{URL}/{offering.id}/students", json={"enrollment_ids": [e.id for e in enrollments]})
    await CourseRegistration.filter(enrollment_id=enrollments[0].id).update(status=RegistrationStatus.DROPPED)

    page = (await staff_client.get(f"{URL}/{offering.id}/students")).json()
    assert (page["total"], page["total_pages"], len(page["items"])) == (11, 2, 10)
    assert [r["student_id"] for r in page["items"]] == [e.student_id for e in enrollments[1:11]]
    entry = page["items"][0]
    assert entry["enrollment_id"] == enrollments[1].id and entry["status"] == "registered"
    assert entry["student_code"] and entry["first_name"] and entry["email"] and entry["registered_at"]
    second = (await staff_client.get(f"{URL}/{offering.id}/students", params={"page": 2})).json()
    assert [r["student_id"] for r in second["items"]] == [enrollments[11].student_id] and second["total"] == 11
    beyond = (await staff_client.get(f"{URL}/{offering.id}/students", params={"page": 4})).json()
    assert (beyond["items"], beyond["total"]) == ([], 11)
    dropped = (await staff_client.get(f"{URL}/{offering.id}/students",
                                      params={"registration_status": "dropped"})).json()
    assert [r["enrollment_id"] for r in dropped["items"]] == [enrollments[0].id]

    student = await (await enrollments[3].student)
    me = await login_as("student", user=await student.user, profile=student)
    mine = (await me.get(f"{URL}/{offering.id}/students")).json()
    assert [r["student_id"] for r in mine["items"]] == [student.id] and mine["total"] == 1
    # Notes §3.11: a lecturer sees the roster of an offering they teach; of any other,
    # only the students they teach elsewhere (here none).
    stranger = await login_as("faculty")
    assert (await stranger.get(f"{URL}/{offering.id}/students")).json()["total"] == 0
    teacher = await login_as("faculty")
    await OfferingFaculty.create(offering=offering, faculty=teacher.profile)
    assert (await teacher.get(f"{URL}/{offering.id}/students")).json()["total"] == 11
