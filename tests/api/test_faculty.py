"""/api/v1/faculty: CRUD with the account, HOD kept in step with departments.hod_id,
teaching views, and photos."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from models import AuditLog, Department, Faculty, User
from models.enums import FacultyStatus, OfferingStatus, RegistrationStatus
from tests import factories
from tests.api.test_departments import RACING_PAIRS, assert_headships_consistent
from tests.api.test_students_photos import JPEG, PHP, PNG

URL = "/api/v1/faculty"


async def _snapshot() -> tuple[list[tuple], list[tuple], list[tuple]]:
    faculty = await Faculty.all().order_by("id").values_list(
        "id", "user_id", "employee_id", "department_id", "designation", "is_hod", "status", "updated_at")
    users = await User.all().order_by("id").values_list("id", "email", "phone", "is_active", "profile_picture")
    departments = await Department.all().order_by("id").values_list("id", "hod_id")
    return faculty, users, departments


def _payload(department, **overrides) -> dict:
    payload = {
        "email": "k.menon@uni.edu", "user_name": "kmenon", "password": "Teacher-pass-1",
        "first_name": "Kavya", "last_name": "Menon", "phone": "+91 98860 00001",
        "employee_id": "FAC-1001", "department_code": department.code, "designation": "Associate Professor",
        "employment_type": "permanent", "specialization": "Databases", "qualification": "PhD",
        "date_of_joining": "2015-07-01", "experience_years": 10,
    }
    payload.update(overrides)
    return payload


async def _flags() -> dict[int, bool]:
    return dict(await Faculty.all().values_list("id", "is_hod"))


# --- create -------------------------------------------------------------------------------


async def test_staff_creates_faculty_with_account(staff_client):
    department = await factories.create_department(code="CSE")
    response = await staff_client.post(URL, json=_payload(department))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["employee_id"] == "FAC-1001" and body["department_id"] == department.id
    assert body["is_hod"] is False and body["status"] == "active" and body["email"] == "k.menon@uni.edu"
    user = await User.get(id=body["user_id"])
    assert user.user_type == "faculty" and user.is_active
    assert set(await AuditLog.all().values_list("entity_type", "action")) >= {
        ("users", "create"), ("faculty", "create")}


async def test_creating_a_head_of_department_sets_both_sides(staff_client):
    department = await factories.create_department(code="CSE")
    old_head = await factories.create_faculty(department=department, is_hod=True)
    await Department.filter(id=department.id).update(hod_id=old_head.id)

    body = (await staff_client.post(URL, json=_payload(department, is_hod=True))).json()
    assert body["is_hod"] is True
    assert (await Department.get(id=department.id)).hod_id == body["id"]
    assert (await _flags())[old_head.id] is False


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"email": "taken@uni.edu", "user_name": "taken", "employee_id": "TAKEN"}, 409, "Email already registered"),
        ({"user_name": "taken", "employee_id": "TAKEN"}, 409, "Username already taken"),
        ({"employee_id": "taken", "department_code": "NOPE"}, 409, "Employee ID already exists"),
        ({"department_code": "NOPE"}, 404, "Department not found"),
        ({"phone": "+91 11111 11111"}, 409, "Phone number already registered"),
    ],
)
async def test_create_errors_leave_nothing(staff_client, overrides, status, message):
    department = await factories.create_department(code="CSE")
    taken = await factories.create_user(email="taken@uni.edu", user_name="taken", phone="+91 11111 11111")
    await factories.create_faculty(user=taken, employee_id="TAKEN", department=department)
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(department, **overrides))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("overrides", [{"employment_type": "freelance"}, {"status": "retired-ish"},
                                       {"faculty_id": "F1"}, {"experience_years": -1}, {"designation": ""},
                                       {"password": "short"}])
async def test_invalid_create_body_is_422(staff_client, overrides):
    department = await factories.create_department(code="CSE")
    before = await _snapshot()
    assert (await staff_client.post(URL, json=_payload(department, **overrides))).status_code == 422
    assert await _snapshot() == before


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_create(login_as, role):
    department = await factories.create_department(code="CSE")
    client = await login_as(role)
    before = await _snapshot()
    assert (await client.post(URL, json=_payload(department))).status_code == 403
    assert await _snapshot() == before


# --- list and get ------------------------------------------------------------------------


async def test_list_filters_search_and_order(student_client):
    d1 = await factories.create_department()
    d2 = await factories.create_department()
    made = [
        await factories.create_faculty(department=d1, employee_id="E-01", designation="Professor", is_hod=True),
        await factories.create_faculty(department=d1, employee_id="E-02", designation="Lecturer",
                                       employment_type="contract"),
        await factories.create_faculty(department=d2, employee_id="E-03", designation="Assistant Professor",
                                       status=FacultyStatus.RETIRED),
    ]

    def ids(response):
        return [f["id"] for f in response.json()["items"]]

    body = (await student_client.get(URL)).json()
    assert body["total"] == 3 and ids_of(body) == [f.id for f in made]
    assert body["items"][0]["first_name"] and body["items"][0]["email"]
    assert ids(await student_client.get(URL, params={"department_id": d1.id})) == [made[0].id, made[1].id]
    assert ids(await student_client.get(URL, params={"faculty_status": "retired"})) == [made[2].id]
    assert ids(await student_client.get(URL, params={"employment_type": "contract"})) == [made[1].id]
    assert ids(await student_client.get(URL, params={"is_hod": "true"})) == [made[0].id]
    assert ids(await student_client.get(URL, params={"is_hod": "false"})) == [made[1].id, made[2].id]
    assert ids(await student_client.get(URL, params={"search": "professor"})) == [made[0].id, made[2].id]
    assert ids(await student_client.get(URL, params={"search": "e-03"})) == [made[2].id]
    assert ids(await student_client.get(URL, params={"page_size": 1, "page": 3})) == [made[2].id]


def ids_of(body):
    return [f["id"] for f in body["items"]]


@pytest.mark.parametrize("params", [{"faculty_status": "gone"}, {"employment_type": "x"}, {"is_hod": "maybe"},
                                    {"department_id": 0}])
async def test_bad_list_parameters_are_422(staff_client, params):
    assert (await staff_client.get(URL, params=params)).status_code == 422


async def test_get_and_missing(parent_client):
    member = await factories.create_faculty()
    body = (await parent_client.get(f"{URL}/{member.id}")).json()
    assert body["employee_id"] == member.employee_id
    assert (await parent_client.get(f"{URL}/999999")).status_code == 404


# --- update -------------------------------------------------------------------------------


async def test_partial_update(staff_client):
    member = await factories.create_faculty(designation="Lecturer")
    body = (await staff_client.put(f"{URL}/{member.id}", json={
        "designation": "Professor", "experience_years": 12, "last_name": "Pillai"})).json()
    assert (body["designation"], body["experience_years"], body["last_name"]) == ("Professor", 12, "Pillai")
    assert body["employment_type"] == "permanent" and body["updated_at"]


async def test_is_hod_true_makes_the_member_head_and_unseats_the_previous(staff_client):
    department = await factories.create_department()
    old = await factories.create_faculty(department=department, is_hod=True)
    await Department.filter(id=department.id).update(hod_id=old.id)
    new = await factories.create_faculty(department=department)

    assert (await staff_client.put(f"{URL}/{new.id}", json={"is_hod": True})).json()["is_hod"] is True
    assert (await Department.get(id=department.id)).hod_id == new.id
    assert await _flags() == {old.id: False, new.id: True}

    assert (await staff_client.put(f"{URL}/{new.id}", json={"is_hod": False})).json()["is_hod"] is False
    assert (await Department.get(id=department.id)).hod_id is None
    assert await _flags() == {old.id: False, new.id: False}


async def test_moving_department_ends_a_headship_unless_asked(staff_client):
    home = await factories.create_department()
    away = await factories.create_department()
    head = await factories.create_faculty(department=home, is_hod=True)
    await Department.filter(id=home.id).update(hod_id=head.id)

    body = (await staff_client.put(f"{URL}/{head.id}", json={"department_id": away.id})).json()
    assert body["department_id"] == away.id and body["is_hod"] is False
    assert (await Department.get(id=home.id)).hod_id is None and (await Department.get(id=away.id)).hod_id is None

    body = (await staff_client.put(f"{URL}/{head.id}", json={"department_id": home.id, "is_hod": True})).json()
    assert body["is_hod"] is True and (await Department.get(id=home.id)).hod_id == head.id


async def test_department_update_and_faculty_agree(staff_client):
    """Naming a head through /departments shows up on the faculty member."""
    department = await factories.create_department()
    member = await factories.create_faculty(department=department)
    await staff_client.put(f"/api/v1/departments/{department.id}", json={"hod_id": member.id})
    assert (await staff_client.get(f"{URL}/{member.id}")).json()["is_hod"] is True


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({}, 400, "No fields to update"),
        ({"department_id": 999999}, 404, "Department not found"),
        ({"email": "taken@uni.edu"}, 409, "Email already registered"),
        ({"designation": None}, 400, "designation cannot be null"),
        ({"is_hod": None}, 400, "is_hod cannot be null"),
    ],
)
async def test_update_errors_change_nothing(staff_client, changes, status, message):
    member = await factories.create_faculty()
    await factories.create_user(email="taken@uni.edu")
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{member.id}", json=changes)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("body", [{"employee_id": "NEW"}, {"user_name": "x1x"}, {"status": "fired"}, {"id": 1}])
async def test_update_refuses_read_only_or_invalid_fields(staff_client, body):
    member = await factories.create_faculty()
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{member.id}", json=body)).status_code == 422
    assert await _snapshot() == before


async def test_update_missing_is_404_and_faculty_cannot_edit_themselves(staff_client, faculty_client):
    assert (await staff_client.put(f"{URL}/999999", json={"designation": "Dean"})).status_code == 404
    before = await _snapshot()
    response = await faculty_client.put(f"{URL}/{faculty_client.profile.id}", json={"designation": "Dean"})
    assert response.status_code == 403
    assert await _snapshot() == before


# --- delete -------------------------------------------------------------------------------


async def test_delete_deactivates_and_ends_headship(staff_client, login_as):
    department = await factories.create_department()
    member = await login_as("faculty", department=department, is_hod=True)
    await Department.filter(id=department.id).update(hod_id=member.profile.id)

    assert (await staff_client.delete(f"{URL}/{member.profile.id}")).status_code == 204
    faculty = await Faculty.get(id=member.profile.id)
    assert faculty.status == FacultyStatus.INACTIVE and faculty.is_hod is False
    assert (await User.get(id=faculty.user_id)).is_active is False
    assert (await Department.get(id=department.id)).hod_id is None
    assert (await member.get(URL)).status_code == 401


async def test_deactivating_a_head_while_a_successor_is_named_does_not_deadlock(staff_client):
    """DELETE ends the member's headships (their departments, then their row); naming a
    successor locks the department, then clears the previous head's flag. Either order
    ends with the successor heading and the old head inactive, heading nothing."""
    cases = []
    for _ in range(RACING_PAIRS):
        department = await factories.create_department()
        head = await factories.create_faculty(department=department, is_hod=True)
        await Department.filter(id=department.id).update(hod_id=head.id)
        cases.append((department, head, await factories.create_faculty(department=department)))

    responses = await asyncio.gather(*(
        request for department, head, successor in cases for request in (
            staff_client.delete(f"{URL}/{head.id}"),
            staff_client.put(f"/api/v1/departments/{department.id}", json={"hod_id": successor.id}),
        )
    ))
    assert [r.status_code for r in responses] == [204, 200] * RACING_PAIRS, [
        r.text for r in responses if r.status_code >= 300]
    for department, head, successor in cases:
        assert (await Department.get(id=department.id)).hod_id == successor.id
        head = await Faculty.get(id=head.id)
        assert (head.status, head.is_hod) == (FacultyStatus.INACTIVE, False)
    await assert_headships_consistent()


# Each request against (home, away, member): what it answers, and whether it changes who
# heads what (then it must wait for the headship lock).
_HEADSHIP_REQUESTS = {
    "move": (lambda c, home, away, m: c.put(f"{URL}/{m.id}", json={"department_id": away.id}), 200, True),
    "make head": (lambda c, home, away, m: c.put(f"{URL}/{m.id}", json={"is_hod": True}), 200, True),
    "change status": (lambda c, home, away, m: c.put(f"{URL}/{m.id}", json={"status": "suspended"}), 200, True),
    "deactivate": (lambda c, home, away, m: c.delete(f"{URL}/{m.id}"), 204, True),
    "create a head": (lambda c, home, away, m: c.post(URL, json=_payload(home, is_hod=True)), 201, True),
    "name the head": (lambda c, home, away, m: c.put(f"/api/v1/departments/{home.id}", json={"hod_id": m.id}),
                      200, True),
    "clear the head": (lambda c, home, away, m: c.put(f"/api/v1/departments/{home.id}", json={"hod_id": None}),
                       200, True),
    "edit designation": (lambda c, home, away, m: c.put(f"{URL}/{m.id}", json={"designation": "Dean"}), 200, False),
    "create a member": (lambda c, home, away, m: c.post(URL, json=_payload(home)), 201, False),
    "rename the department": (lambda c, home, away, m: c.put(f"/api/v1/departments/{home.id}",
                                                             json={"name": "Renamed"}), 200, False),
}


@pytest.mark.parametrize("name", list(_HEADSHIP_REQUESTS))
async def test_headship_changes_wait_for_the_headship_lock_and_other_edits_do_not(staff_client, services, name):
    """While another transaction holds the headship lock, whatever could change who heads
    what waits for it (so its checks cannot go stale), and nothing else does."""
    import asyncpg

    from dashboard.core.db import asyncpg_dsn
    from dashboard.services.departments import HEADSHIP_LOCK_KEY

    send, status, waits = _HEADSHIP_REQUESTS[name]
    home, away = await factories.create_department(), await factories.create_department()
    member = await factories.create_faculty(department=home)
    other = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT pg_advisory_xact_lock($1)", HEADSHIP_LOCK_KEY)
        request = asyncio.create_task(send(staff_client, home, away, member))
        # Long enough for a waiting request to have reached the lock; the others get ample
        # time and are not waited for beyond their answer.
        await asyncio.wait({request}, timeout=0.5 if waits else 10)
        assert request.done() is not waits
        await transaction.commit()
        response = await request
    finally:
        await other.close()
    assert response.status_code == status, response.text
    await assert_headships_consistent()


async def test_delete_keeps_teaching_history(staff_client):
    member = await factories.create_faculty()
    offering = await factories.create_offering(faculty=[member])
    assert (await staff_client.delete(f"{URL}/{member.id}")).status_code == 204
    assert [c["offering_id"] for c in (await staff_client.get(f"{URL}/{member.id}/courses")).json()] == [offering.id]


async def test_delete_missing_404_and_roles(staff_client, login_as):
    assert (await staff_client.delete(f"{URL}/999999")).status_code == 404
    member = await factories.create_faculty()
    for role in ("faculty", "student", "parent"):
        client = await login_as(role)
        assert (await client.delete(f"{URL}/{member.id}")).status_code == 403
    assert (await Faculty.get(id=member.id)).status == FacultyStatus.ACTIVE


# --- teaching views -----------------------------------------------------------------------


async def _teaching():
    member = await factories.create_faculty()
    colleague = await factories.create_faculty()
    program = await factories.create_program()
    current = await factories.create_offering(
        program=program, faculty=[member, colleague], status=OfferingStatus.ONGOING
    )
    past = await factories.create_offering(program=program, faculty=[member], status=OfferingStatus.COMPLETED,
                                           academic_year="2023-24")
    theirs = await factories.create_offering(program=program, faculty=[colleague])
    return member, program, current, past, theirs


async def test_courses_taught(student_client):
    member, _, current, past, _ = await _teaching()
    body = (await student_client.get(f"{URL}/{member.id}/courses")).json()
    assert [c["offering_id"] for c in body] == [current.id, past.id]
    assert set(body[0]) == {"offering_id", "course_id", "course_name", "course_code", "credits", "program_id",
                            "semester", "academic_year", "section", "status"}
    assert body[1]["status"] == "completed" and body[1]["academic_year"] == "2023-24"
    assert (await student_client.get(f"{URL}/999999/courses")).status_code == 404


async def test_schedule_lists_active_classes_by_day_and_time(staff_client):
    member, _, current, past, theirs = await _teaching()
    tuesday = await factories.create_slot(day_of_week=1, start_time=dt.time(11), end_time=dt.time(12))
    monday_late = await factories.create_slot(day_of_week=0, start_time=dt.time(14), end_time=dt.time(15))
    monday_early = await factories.create_slot(day_of_week=0, start_time=dt.time(9), end_time=dt.time(10))
    a = await factories.create_class_schedule(course_offering=current, slot=tuesday, room_no="B-101")
    b = await factories.create_class_schedule(course_offering=past, slot=monday_late, room_no="B-102")
    c = await factories.create_class_schedule(course_offering=current, slot=monday_early, room_no="B-103")
    await factories.create_class_schedule(course_offering=current, slot=monday_early, room_no="B-104", is_active=False)
    await factories.create_class_schedule(course_offering=theirs, slot=tuesday, room_no="B-105")

    body = (await staff_client.get(f"{URL}/{member.id}/schedule")).json()
    assert [s["id"] for s in body] == [c.id, b.id, a.id]
    assert body[0]["start_time"] == "09:00:00" and body[0]["day_of_week"] == 0 and body[0]["room_no"] == "B-103"
    assert body[0]["course_code"] and body[0]["section"] == "A" and body[0]["slot_type"] == "lecture"
    assert (await staff_client.get(f"{URL}/999999/schedule")).status_code == 404


async def test_students_are_those_registered_in_current_offerings(staff_client, login_as):
    member, program, current, past, theirs = await _teaching()
    in_current = await factories.create_student(program=program)
    in_past_only = await factories.create_student(program=program)
    in_theirs_only = await factories.create_student(program=program)
    dropped = await factories.create_student(program=program)
    # The same student in two of the member's offerings appears once.
    other_current = await factories.create_offering(program=program, faculty=[member], section="B")
    for student, offering in ((in_current, current), (in_current, other_current), (in_past_only, past),
                              (in_theirs_only, theirs)):
        enrollment = await factories.create_enrollment(student=student) if not await student.enrollments.all() \
            else (await student.enrollments.all())[0]
        await factories.create_registration(enrollment=enrollment, course_offering=offering)
    await factories.create_registration(enrollment=await factories.create_enrollment(student=dropped),
                                        course_offering=current, status=RegistrationStatus.DROPPED)
    # Same program but not registered anywhere: Ref's over-broad answer would include them.
    await factories.create_student(program=program)

    body = (await staff_client.get(f"{URL}/{member.id}/students")).json()
    assert [s["student_id"] for s in body] == [in_current.id]
    assert body[0]["student_code"] == in_current.student_code and body[0]["first_name"]

    me = await login_as("student", user=await User.get(id=in_current.user_id), profile=in_current)
    assert [s["student_id"] for s in (await me.get(f"{URL}/{member.id}/students")).json()] == [in_current.id]
    stranger = await login_as("student")
    assert (await stranger.get(f"{URL}/{member.id}/students")).json() == []
    assert (await staff_client.get(f"{URL}/999999/students")).status_code == 404


# --- photos -------------------------------------------------------------------------------


async def test_member_uploads_own_photo_and_anyone_reads_it(login_as):
    member = await login_as("faculty")
    response = await member.post(
        f"{URL}/{member.profile.id}/upload-photo", files={"file": ("me.png", PNG, "image/png")}
    )
    assert response.status_code == 202
    assert response.json() == {"faculty_id": member.profile.id, "user_id": member.user.id,
                               "message": "Photo uploaded successfully"}
    assert "profile_picture" not in response.text
    student = await login_as("student")
    photo = await student.get(f"{URL}/{member.profile.id}/photo")
    assert photo.status_code == 200 and photo.content == PNG and photo.headers["content-type"] == "image/png"


async def test_who_may_upload_a_faculty_photo(login_as, staff_client):
    target = await factories.create_faculty()
    files = {"file": ("a.jpg", JPEG, "image/jpeg")}
    colleague = await login_as("faculty")
    # Another member's row is outside a faculty member's scope: 404, as for students.
    assert (await colleague.post(f"{URL}/{target.id}/upload-photo", files=files)).status_code == 404
    for role in ("student", "parent"):
        client = await login_as(role)
        assert (await client.post(f"{URL}/{target.id}/upload-photo", files=files)).status_code == 403
    assert (await User.get(id=target.user_id)).profile_picture is None
    assert (await staff_client.post(f"{URL}/{target.id}/upload-photo", files=files)).status_code == 202
    assert (await staff_client.post(f"{URL}/999999/upload-photo", files=files)).status_code == 404


async def test_a_refused_faculty_photo_stores_nothing(faculty_client):
    before = await _snapshot()
    response = await faculty_client.post(f"{URL}/{faculty_client.profile.id}/upload-photo",
                                         files={"file": ("x.jpg", PHP, "image/jpeg")})
    assert response.status_code == 400
    assert await _snapshot() == before


async def test_missing_faculty_photo_is_404(staff_client):
    member = await factories.create_faculty()
    assert (await staff_client.get(f"{URL}/{member.id}/photo")).status_code == 404
    assert (await staff_client.get(f"{URL}/999999/photo")).status_code == 404
