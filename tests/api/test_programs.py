"""/api/v1/programs and the curriculum at /programs/{id}/courses."""

from __future__ import annotations

import pytest

from models import AuditLog, Program, ProgramCourse
from tests import factories

URL = "/api/v1/programs"


async def _snapshot() -> tuple[list[tuple], list[tuple]]:
    programs = await Program.all().order_by("id").values_list(
        "id", "name", "code", "department_id", "total_semesters", "is_active", "updated_at")
    curriculum = await ProgramCourse.all().order_by("id").values_list("id", "program_id", "course_id", "semester",
                                                                      "is_mandatory")
    return programs, curriculum


def _payload(department, **overrides) -> dict:
    payload = {"name": "B.Tech Computer Science", "code": "BTCS", "degree_type": "bachelors",
               "department_id": department.id, "duration_years": 4, "total_semesters": 8, "total_credits": 160,
               "description": "Four years", "eligibility_criteria": "10+2 with maths"}
    payload.update(overrides)
    return payload


# --- CRUD ---------------------------------------------------------------------------------


async def test_staff_creates_a_program(staff_client):
    department = await factories.create_department()
    response = await staff_client.post(URL, json=_payload(department))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"] == "BTCS" and body["is_active"] is True and body["degree_type"] == "bachelors"
    assert await AuditLog.exists(entity_type="programs", entity_id=body["id"], action="create")


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"name": "existing program"}, 409, "A program with this name already exists"),
        ({"code": "exist"}, 409, "A program with this code already exists"),
        ({"department_id": 999999}, 404, "Department not found"),
    ],
)
async def test_create_errors_change_nothing(staff_client, overrides, status, message):
    department = await factories.create_department()
    await factories.create_program(name="Existing Program", code="EXIST", department=department)
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(department, **overrides))
    assert response.status_code == status and response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("overrides", [{"degree_type": "honours"}, {"total_semesters": 0}, {"duration_years": 0},
                                       {"total_credits": -5}, {"code": "a b"}, {"id": 3}])
async def test_invalid_create_is_422(staff_client, overrides):
    department = await factories.create_department()
    before = await _snapshot()
    assert (await staff_client.post(URL, json=_payload(department, **overrides))).status_code == 422
    assert await _snapshot() == before


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    client = await login_as(role)
    department = await factories.create_department()
    program = await factories.create_program(department=department)
    course = await factories.create_course()
    await ProgramCourse.create(program=program, course=course, semester=1)
    before = await _snapshot()
    assert (await client.post(URL, json=_payload(department))).status_code == 403
    assert (await client.put(f"{URL}/{program.id}", json={"name": "Renamed"})).status_code == 403
    assert (await client.delete(f"{URL}/{program.id}")).status_code == 403
    assert (await client.post(f"{URL}/{program.id}/courses", json={"course_id": course.id, "semester": 2})
            ).status_code == 403
    assert (await client.delete(f"{URL}/{program.id}/courses", params={"course_id": course.id})).status_code == 403
    assert await _snapshot() == before
    assert (await client.get(f"{URL}/{program.id}")).status_code == 200


async def test_list_filters_and_search(parent_client):
    d1 = await factories.create_department()
    d2 = await factories.create_department()
    made = [
        await factories.create_program(department=d1, name="B.Sc Physics", code="BSP"),
        await factories.create_program(department=d1, name="M.Sc Physics", code="MSP", degree_type="masters"),
        await factories.create_program(department=d2, name="Diploma 100%", code="D_1", degree_type="diploma",
                                       is_active=False),
    ]

    def ids(response):
        return [p["id"] for p in response.json()["items"]]

    assert ids(await parent_client.get(URL)) == [p.id for p in made]
    assert ids(await parent_client.get(URL, params={"department_id": d1.id})) == [made[0].id, made[1].id]
    assert ids(await parent_client.get(URL, params={"degree_type": "masters"})) == [made[1].id]
    assert ids(await parent_client.get(URL, params={"is_active": "false"})) == [made[2].id]
    assert ids(await parent_client.get(URL, params={"search": "physics"})) == [made[0].id, made[1].id]
    assert ids(await parent_client.get(URL, params={"search": "msp"})) == [made[1].id]
    assert ids(await parent_client.get(URL, params={"search": "%"})) == [made[2].id]
    assert ids(await parent_client.get(URL, params={"search": "_"})) == [made[2].id]
    assert (await parent_client.get(URL, params={"degree_type": "x"})).status_code == 422


async def test_get_and_missing(student_client):
    program = await factories.create_program()
    assert (await student_client.get(f"{URL}/{program.id}")).json()["code"] == program.code
    assert (await student_client.get(f"{URL}/999999")).status_code == 404


async def test_partial_update(staff_client):
    program = await factories.create_program(description="Old")
    other = await factories.create_department()
    body = (await staff_client.put(f"{URL}/{program.id}", json={
        "name": "Renamed", "is_active": False, "department_id": other.id})).json()
    assert (body["name"], body["is_active"], body["department_id"]) == ("Renamed", False, other.id)
    assert body["description"] == "Old" and body["code"] == program.code


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({}, 400, "No fields to update"),
        ({"name": "TAKEN NAME"}, 409, "A program with this name already exists"),
        ({"department_id": 999999}, 404, "Department not found"),
        ({"name": None}, 400, "name cannot be null"),
        ({"total_semesters": 3}, 400, "total_semesters cannot be below semester 4, which is in use"),
    ],
)
async def test_update_errors_change_nothing(staff_client, changes, status, message):
    program = await factories.create_program()
    await factories.create_program(name="Taken Name")
    await ProgramCourse.create(program=program, course=await factories.create_course(), semester=4)
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{program.id}", json=changes)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


async def test_a_program_with_students_keeps_its_department(staff_client):
    student = await factories.create_student()
    other = await factories.create_department()
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{student.program_id}", json={"department_id": other.id})
    assert response.status_code == 409
    assert response.json()["detail"] == "The department of a program with students cannot change"
    assert await _snapshot() == before
    # Sending the same department is not a change.
    assert (await staff_client.put(f"{URL}/{student.program_id}",
                                   json={"department_id": student.department_id})).status_code == 200


async def test_total_semesters_checks_offerings_and_students_too(staff_client):
    program = await factories.create_program()
    await factories.create_offering(program=program, semester=6)
    response = await staff_client.put(f"{URL}/{program.id}", json={"total_semesters": 5})
    assert response.json()["detail"] == "total_semesters cannot be below semester 6, which is in use"
    assert (await staff_client.put(f"{URL}/{program.id}", json={"total_semesters": 6})).status_code == 200


@pytest.mark.parametrize("body", [{"code": "NEW"}, {"created_at": "2020-01-01T00:00:00Z"}, {"degree_type": "x"}])
async def test_update_refuses_code_and_unknown_fields(staff_client, body):
    program = await factories.create_program()
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{program.id}", json=body)).status_code == 422
    assert await _snapshot() == before


async def test_delete_takes_the_curriculum_along(staff_client):
    program = await factories.create_program()
    await ProgramCourse.create(program=program, course=await factories.create_course(), semester=1)
    assert (await staff_client.delete(f"{URL}/{program.id}")).status_code == 204
    assert not await Program.exists(id=program.id) and not await ProgramCourse.exists()
    assert (await staff_client.delete(f"{URL}/{program.id}")).status_code == 404


async def test_delete_blocked_by_dependants_names_them(staff_client):
    student = await factories.create_student()
    await factories.create_enrollment(student=student)
    await factories.create_offering(program=await Program.get(id=student.program_id))
    before = await _snapshot()
    response = await staff_client.delete(f"{URL}/{student.program_id}")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Program cannot be deleted: it still has students, enrollments, course offerings")
    assert await _snapshot() == before


async def test_delete_blocked_by_fee_structures(staff_client):
    structure = await factories.create_fee_structure()
    # The structure's student belongs to the program too; both are named.
    response = await staff_client.delete(f"{URL}/{structure.program_id}")
    assert response.json()["detail"] == "Program cannot be deleted: it still has students, fee structures"


# --- curriculum ---------------------------------------------------------------------------


async def test_curriculum_add_list_and_remove(staff_client, student_client):
    program = await factories.create_program()
    algebra = await factories.create_course(name="Algebra", code="MA101", credits=3)
    biology = await factories.create_course(name="Biology", code="BI101", course_type="elective")
    calculus = await factories.create_course(name="Calculus", code="MA102")

    for course, semester, mandatory in ((calculus, 1, True), (biology, 2, False), (algebra, 1, True),
                                        (calculus, 2, True)):
        response = await staff_client.post(f"{URL}/{program.id}/courses", json={
            "course_id": course.id, "semester": semester, "is_mandatory": mandatory})
        assert response.status_code == 201, response.text
    created = response.json()
    assert created["course_code"] == "MA102" and created["semester"] == 2 and created["program_id"] == program.id

    listing = (await student_client.get(f"{URL}/{program.id}/courses")).json()
    assert [(c["course_code"], c["semester"]) for c in listing] == [
        ("MA101", 1), ("MA102", 1), ("BI101", 2), ("MA102", 2)]
    assert listing[2] | {"id": 0} == {
        "id": 0, "program_id": program.id, "course_id": biology.id, "course_name": "Biology",
        "course_code": "BI101", "credits": 4, "course_type": "elective", "semester": 2, "is_mandatory": False}

    # One semester only, then every remaining semester of a course.
    assert (await staff_client.delete(f"{URL}/{program.id}/courses",
                                      params={"course_id": calculus.id, "semester": 2})).status_code == 204
    assert [(c["course_code"], c["semester"]) for c in (await staff_client.get(f"{URL}/{program.id}/courses")).json()
            ] == [("MA101", 1), ("MA102", 1), ("BI101", 2)]
    assert (await staff_client.delete(f"{URL}/{program.id}/courses", params={"course_id": calculus.id})
            ).status_code == 204
    assert [c["course_code"] for c in (await staff_client.get(f"{URL}/{program.id}/courses")).json()] == [
        "MA101", "BI101"]
    assert await AuditLog.filter(entity_type="program_courses", action="delete").count() == 2


async def test_curriculum_is_not_built_from_offerings(staff_client):
    program = await factories.create_program()
    await factories.create_offering(program=program)
    assert (await staff_client.get(f"{URL}/{program.id}/courses")).json() == []


@pytest.mark.parametrize(
    ("make_body", "status", "message"),
    [
        (lambda ctx: {"course_id": 999999, "semester": 1}, 404, "Course not found"),
        (lambda ctx: {"course_id": ctx["course"].id, "semester": 9}, 400,
         "semester must be between 1 and the program's 8 semesters"),
        (lambda ctx: {"course_id": ctx["course"].id, "semester": 1}, 409,
         "The course is already in semester 1 of this program"),
        (lambda ctx: {"course_id": ctx["inactive"].id, "semester": 1}, 400,
         "An inactive course cannot be added to a curriculum"),
    ],
)
async def test_curriculum_add_errors_change_nothing(staff_client, make_body, status, message):
    program = await factories.create_program()
    course = await factories.create_course()
    inactive = await factories.create_course(is_active=False)
    await ProgramCourse.create(program=program, course=course, semester=1)
    before = await _snapshot()
    response = await staff_client.post(f"{URL}/{program.id}/courses",
                                       json=make_body({"course": course, "inactive": inactive}))
    assert response.status_code == status and response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("body", [{"course_id": 1}, {"semester": 1}, {"course_id": 1, "semester": 0},
                                  {"course_id": 1, "semester": 1, "is_mandatory": "sometimes"}])
async def test_curriculum_add_schema_errors_are_422(staff_client, body):
    program = await factories.create_program()
    assert (await staff_client.post(f"{URL}/{program.id}/courses", json=body)).status_code == 422


async def test_curriculum_of_missing_program_and_missing_entries(staff_client):
    course = await factories.create_course()
    assert (await staff_client.get(f"{URL}/999999/courses")).status_code == 404
    assert (await staff_client.post(f"{URL}/999999/courses", json={"course_id": course.id, "semester": 1})
            ).status_code == 404
    assert (await staff_client.delete(f"{URL}/999999/courses", params={"course_id": course.id})).status_code == 404
    program = await factories.create_program()
    await ProgramCourse.create(program=program, course=course, semester=3)
    before = await _snapshot()
    response = await staff_client.delete(f"{URL}/{program.id}/courses", params={"course_id": course.id, "semester": 2})
    assert response.status_code == 404
    assert response.json()["detail"] == "The course is not in this program's curriculum"
    assert await _snapshot() == before
    assert (await staff_client.delete(f"{URL}/{program.id}/courses")).status_code == 422
