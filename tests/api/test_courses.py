"""/api/v1/courses, with the prerequisite graph kept acyclic."""

from __future__ import annotations

import asyncio

import pytest

from models import AuditLog, Course, CoursePrerequisite, ProgramCourse
from tests import factories

URL = "/api/v1/courses"


async def _snapshot() -> tuple[list[tuple], list[tuple]]:
    courses = await Course.all().order_by("id").values_list("id", "name", "code", "credits", "department_id",
                                                            "is_active", "updated_at")
    links = await CoursePrerequisite.all().order_by("course_id", "prerequisite_id").values_list(
        "course_id", "prerequisite_id")
    return courses, links


def _payload(department, **overrides) -> dict:
    payload = {"name": "Data Structures", "code": "CS201", "credits": 4, "department_id": department.id,
               "course_type": "core", "level": "intermediate", "description": "Lists and trees",
               "syllabus": "Week 1: arrays", "max_students": 120}
    payload.update(overrides)
    return payload


async def _requires(course, *prerequisites) -> None:
    for prerequisite in prerequisites:
        await CoursePrerequisite.create(course=course, prerequisite=prerequisite)


# --- create -------------------------------------------------------------------------------


async def test_staff_creates_a_course_with_prerequisites(staff_client):
    department = await factories.create_department()
    intro = await factories.create_course(code="CS101")
    maths = await factories.create_course(code="MA101")
    response = await staff_client.post(URL, json=_payload(department, prerequisites=[maths.id, intro.id, maths.id]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"] == "CS201" and body["is_active"] is True
    assert body["prerequisites"] == sorted([intro.id, maths.id])
    assert await AuditLog.exists(entity_type="courses", entity_id=body["id"], action="create")

    listed = (await staff_client.get(f"{URL}/{body['id']}/prerequisites")).json()
    assert listed == [{"id": intro.id, "name": intro.name, "code": "CS101", "credits": 4},
                      {"id": maths.id, "name": maths.name, "code": "MA101", "credits": 4}]


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"name": "OPERATING SYSTEMS"}, 409, "A course with this name already exists"),
        ({"code": "cs301"}, 409, "A course with this code already exists"),
        ({"department_id": 999999}, 404, "Department not found"),
        ({"prerequisites": [999998, 999999]}, 404, "Prerequisite course not found: 999998, 999999"),
    ],
)
async def test_create_errors_change_nothing(staff_client, overrides, status, message):
    department = await factories.create_department()
    await factories.create_course(name="Operating Systems", code="CS301")
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(department, **overrides))
    assert response.status_code == status and response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("overrides", [{"credits": 0}, {"course_type": "seminar"}, {"level": "guru"},
                                       {"prerequisites": [0]}, {"prerequisites": "1,2"}, {"max_students": 0}])
async def test_invalid_create_is_422(staff_client, overrides):
    department = await factories.create_department()
    before = await _snapshot()
    assert (await staff_client.post(URL, json=_payload(department, **overrides))).status_code == 422
    assert await _snapshot() == before


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    client = await login_as(role)
    department = await factories.create_department()
    course = await factories.create_course(department=department)
    before = await _snapshot()
    assert (await client.post(URL, json=_payload(department))).status_code == 403
    assert (await client.put(f"{URL}/{course.id}", json={"credits": 2})).status_code == 403
    assert (await client.delete(f"{URL}/{course.id}")).status_code == 403
    assert await _snapshot() == before
    assert (await client.get(f"{URL}/{course.id}")).status_code == 200


# --- read ---------------------------------------------------------------------------------


async def test_list_filters_and_prerequisites_in_one_page(student_client):
    d1 = await factories.create_department()
    d2 = await factories.create_department()
    a = await factories.create_course(department=d1, name="Algorithms", code="CS210")
    b = await factories.create_course(department=d1, name="Art History", code="AH100", course_type="elective",
                                      level="advanced")
    c = await factories.create_course(department=d2, name="Ceramics_1", code="AR100", is_active=False)
    await _requires(c, b, a)

    def ids(response):
        return [x["id"] for x in response.json()["items"]]

    body = (await student_client.get(URL)).json()
    assert [x["id"] for x in body["items"]] == [a.id, b.id, c.id]
    assert [x["prerequisites"] for x in body["items"]] == [[], [], sorted([a.id, b.id])]
    assert ids(await student_client.get(URL, params={"department_id": d1.id})) == [a.id, b.id]
    assert ids(await student_client.get(URL, params={"course_type": "elective"})) == [b.id]
    assert ids(await student_client.get(URL, params={"level": "advanced"})) == [b.id]
    assert ids(await student_client.get(URL, params={"is_active": "false"})) == [c.id]
    assert ids(await student_client.get(URL, params={"search": "ar"})) == [b.id, c.id]
    assert ids(await student_client.get(URL, params={"search": "_"})) == [c.id]
    assert (await student_client.get(URL, params={"level": "x"})).status_code == 422


async def test_get_missing_and_prerequisites_of_missing(student_client):
    course = await factories.create_course()
    assert (await student_client.get(f"{URL}/{course.id}")).json()["prerequisites"] == []
    assert (await student_client.get(f"{URL}/{course.id}/prerequisites")).json() == []
    assert (await student_client.get(f"{URL}/999999")).status_code == 404
    assert (await student_client.get(f"{URL}/999999/prerequisites")).status_code == 404


# --- update and the graph -----------------------------------------------------------------


async def test_partial_update_and_prerequisite_replacement(staff_client):
    course = await factories.create_course(description="Old")
    old, new = await factories.create_course(), await factories.create_course()
    await _requires(course, old)
    body = (await staff_client.put(f"{URL}/{course.id}", json={"credits": 3, "prerequisites": [new.id]})).json()
    assert body["credits"] == 3 and body["description"] == "Old" and body["prerequisites"] == [new.id]
    body = (await staff_client.put(f"{URL}/{course.id}", json={"prerequisites": []})).json()
    assert body["prerequisites"] == [] and body["updated_at"]
    audit = await AuditLog.filter(entity_type="courses", entity_id=course.id, action="update").order_by("id")
    # One audit row per update: the columns and the prerequisite set together.
    assert [a.new_value for a in audit] == [{"credits": 3, "prerequisites": [new.id]}, {"prerequisites": []}]


async def test_self_reference_is_refused(staff_client):
    course = await factories.create_course()
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{course.id}", json={"prerequisites": [course.id]})
    assert response.status_code == 400
    assert response.json()["detail"] == "A course cannot be its own prerequisite"
    assert await _snapshot() == before


async def test_direct_and_transitive_cycles_are_refused(staff_client):
    courses = [await factories.create_course(code=f"G{n}") for n in range(4)]
    a, b, c, d = courses
    # d requires c requires b requires a
    await _requires(d, c)
    await _requires(c, b)
    await _requires(b, a)
    before = await _snapshot()
    for target, prerequisites in ((a, [b.id]), (a, [d.id]), (b, [d.id, a.id]), (c, [d.id])):
        response = await staff_client.put(f"{URL}/{target.id}", json={"prerequisites": prerequisites})
        assert response.status_code == 400, (target.code, prerequisites)
        assert "cycle" in response.json()["detail"]
    assert await _snapshot() == before
    # Not a cycle: a diamond (d also requires a directly) is fine.
    response = await staff_client.put(f"{URL}/{d.id}", json={"prerequisites": [c.id, a.id]})
    assert response.status_code == 200 and response.json()["prerequisites"] == sorted([c.id, a.id])


async def _until_the_graph_lock_is_awaited(observer, request: asyncio.Task) -> None:
    """Returns once another backend queues for the graph lock (a bigint advisory key shows
    in pg_locks as its high and low 32 bits); fails if the request ends first or never waits."""
    from dashboard.services.courses import GRAPH_LOCK_KEY

    async with asyncio.timeout(10):
        while not await observer.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = $1 AND objid = $2 AND objsubid = 1",
            GRAPH_LOCK_KEY >> 32, GRAPH_LOCK_KEY & 0xFFFFFFFF,
        ):
            assert not request.done(), f"the edit did not wait for the graph lock: {request.result().text}"
            await asyncio.sleep(0.02)


async def test_an_edit_waits_for_a_concurrent_edit_and_then_sees_its_cycle(staff_client, services):
    """z already requires y. Another transaction has just made x require z and not
    committed yet. Making y require x must wait for it (the graph lock), then see the new
    edge and refuse; without the lock it would check a graph without that edge and close
    the cycle y → x → z → y. (No row lock orders the two: they touch different courses.)"""
    import asyncpg

    from dashboard.core.db import asyncpg_dsn
    from dashboard.services.courses import GRAPH_LOCK_KEY

    x = await factories.create_course()
    y = await factories.create_course()
    z = await factories.create_course()
    await _requires(z, y)
    other = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT pg_advisory_xact_lock($1)", GRAPH_LOCK_KEY)
        await other.execute(
            "INSERT INTO course_prerequisites (course_id, prerequisite_id, created_at) VALUES ($1, $2, now())",
            x.id, z.id,
        )
        request = asyncio.create_task(staff_client.put(f"{URL}/{y.id}", json={"prerequisites": [x.id]}))
        await _until_the_graph_lock_is_awaited(other, request)
        await transaction.commit()
        response = await request
    finally:
        await other.close()
    assert response.status_code == 400 and "cycle" in response.json()["detail"]
    assert sorted(await CoursePrerequisite.all().values_list("course_id", "prerequisite_id")) == sorted(
        [(z.id, y.id), (x.id, z.id)])


async def test_requiring_a_course_while_it_is_deleted_does_not_deadlock(staff_client):
    """Setting prerequisites takes the graph lock, then (the new link's foreign key) a share
    lock on the prerequisite; deleting that prerequisite must take the graph lock before
    its row lock, or each waits for the other. Whichever lands first wins cleanly."""
    pairs = [(await factories.create_course(), await factories.create_course()) for _ in range(15)]

    responses = await asyncio.gather(*(
        request for course, prerequisite in pairs for request in (
            staff_client.put(f"{URL}/{course.id}", json={"prerequisites": [prerequisite.id]}),
            staff_client.delete(f"{URL}/{prerequisite.id}"),
        )
    ))
    for (course, prerequisite), update, delete in zip(pairs, responses[0::2], responses[1::2], strict=True):
        if update.status_code == 200:
            assert delete.status_code == 409, delete.text
            assert delete.json()["detail"] == "Course cannot be deleted: it still has courses that require it"
            assert await CoursePrerequisite.exists(course_id=course.id, prerequisite_id=prerequisite.id)
        else:
            assert (update.status_code, delete.status_code) == (404, 204), update.text
            assert update.json()["detail"] == f"Prerequisite course not found: {prerequisite.id}"
            assert not await Course.exists(id=prerequisite.id)


async def test_editing_the_prerequisites_of_a_course_while_it_is_deleted_does_not_deadlock(staff_client):
    """The same lock order from the other side: the edit must not hold the course's row
    while it waits for the graph lock the delete already holds."""
    pairs = [(await factories.create_course(), await factories.create_course()) for _ in range(15)]

    responses = await asyncio.gather(*(
        request for course, prerequisite in pairs for request in (
            staff_client.put(f"{URL}/{course.id}", json={"prerequisites": [prerequisite.id]}),
            staff_client.delete(f"{URL}/{course.id}"),
        )
    ))
    for update, delete in zip(responses[0::2], responses[1::2], strict=True):
        assert delete.status_code == 204, delete.text
        assert update.status_code in (200, 404), update.text
        if update.status_code == 404:
            assert update.json()["detail"] == "Course not found"
    assert not await Course.exists(id__in=[course.id for course, _ in pairs])
    assert not await CoursePrerequisite.exists()


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({}, 400, "No fields to update"),
        ({"name": "taken course"}, 409, "A course with this name already exists"),
        ({"department_id": 999999}, 404, "Department not found"),
        ({"prerequisites": [999999]}, 404, "Prerequisite course not found: 999999"),
        ({"credits": None}, 400, "credits cannot be null"),
        ({"prerequisites": None}, 400, "prerequisites cannot be null"),
    ],
)
async def test_update_errors_change_nothing(staff_client, changes, status, message):
    course = await factories.create_course()
    await factories.create_course(name="Taken Course")
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{course.id}", json=changes)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("body", [{"code": "NEW1"}, {"credits": 0}, {"id": 9}])
async def test_update_refuses_code_and_invalid_fields(staff_client, body):
    course = await factories.create_course()
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{course.id}", json=body)).status_code == 422
    assert await _snapshot() == before


async def test_update_missing_is_404(staff_client):
    assert (await staff_client.put(f"{URL}/999999", json={"credits": 2})).status_code == 404


# --- delete -------------------------------------------------------------------------------


async def test_delete_removes_own_prerequisite_links(staff_client):
    base = await factories.create_course()
    course = await factories.create_course()
    await _requires(course, base)
    assert (await staff_client.delete(f"{URL}/{course.id}")).status_code == 204
    assert not await Course.exists(id=course.id) and not await CoursePrerequisite.exists()
    assert (await staff_client.delete(f"{URL}/{course.id}")).status_code == 404


async def test_delete_blocked_by_dependants_names_them(staff_client):
    course = await factories.create_course()
    offering = await factories.create_offering(course=course)
    await factories.create_grade(assessment=await factories.create_assessment(course_offering=offering))
    await ProgramCourse.create(program=await factories.create_program(), course=course, semester=1)
    await _requires(await factories.create_course(), course)
    before = await _snapshot()
    response = await staff_client.delete(f"{URL}/{course.id}")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Course cannot be deleted: it still has course offerings, grades, program curricula, "
        "courses that require it")
    assert await _snapshot() == before
