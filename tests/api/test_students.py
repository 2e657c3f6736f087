"""/api/v1/students: CRUD, search, export and the object-level rules of every read.

Uploads are in test_students_photos.py.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dashboard.core.actor import Actor
from dashboard.schemas.students import StudentCreate
from dashboard.services import students as students_service
from models import AuditLog, CourseOffering, CourseRegistration, Student, User
from models.enums import AccessLevel, Category, OfferingStatus, PersonStatus, RegistrationStatus
from tests import factories
from tests.teaching import teach

URL = "/api/v1/students"


async def _snapshot() -> tuple[list[tuple], list[tuple]]:
    students = await Student.all().order_by("id").values_list(
        "id", "user_id", "student_code", "admission_number", "program_id", "department_id", "semester",
        "status", "section", "updated_at",
    )
    users = await User.all().order_by("id").values_list("id", "email", "phone", "first_name", "is_active")
    return students, users


def _payload(program, department, **overrides) -> dict:
    payload = {
        "email": "asha.rao@uni.edu", "user_name": "asha.rao", "password": "Secret-pass-1",
        "first_name": "Asha", "last_name": "Rao", "phone": "+91 98450 00001", "gender": "female",
        "date_of_birth": "2005-03-14", "emergency_contact": "+91 98450 00002", "city": "Pune",
        "student_code": "CSE24001", "admission_number": "ADM24001", "admission_date": "2024-08-01",
        "program_code": program.code, "department_code": department.code, "batch_year": 2024, "semester": 1,
        "section": "A", "blood_group": "O+", "nationality": "Indian", "category": "general",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
async def placement():
    department = await factories.create_department(code="CSE", name="Computer Science")
    program = await factories.create_program(department=department, code="BTCSE", name="B.Tech CSE")
    return program, department


# --- create -------------------------------------------------------------------------------


async def test_staff_creates_user_and_student_together(staff_client, placement):
    program, department = placement
    response = await staff_client.post(URL, json=_payload(program, department))

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "user_id", "email", "user_name", "first_name", "last_name", "id", "student_code", "admission_number",
        "admission_date", "program_id", "department_id", "batch_year", "semester", "status",
    }
    assert body["student_code"] == "CSE24001" and body["status"] == "active"
    assert (body["program_id"], body["department_id"]) == (program.id, department.id)
    user = await User.get(id=body["user_id"])
    assert user.user_type == "student" and user.is_active and user.phone == "+91 98450 00001"
    assert user.hashed_password.startswith("$2") and "Secret-pass-1" not in user.hashed_password
    student = await Student.get(id=body["id"])
    assert student.user_id == user.id and student.category == Category.GENERAL
    actions = await AuditLog.filter(entity_type__in=["users", "students"]).values_list("entity_type", "action")
    assert sorted(actions) == [("students", "create"), ("users", "create")]


async def test_admin_creates_and_the_spec_alias_student_id_is_accepted(admin_client, placement):
    program, department = placement
    payload = _payload(program, department)
    payload["Student_id"] = payload.pop("student_code")
    response = await admin_client.post(URL, json=payload)
    assert response.status_code == 201
    assert response.json()["student_code"] == "CSE24001"


async def test_new_student_can_sign_in(staff_client, client, placement):
    program, department = placement
    await staff_client.post(URL, json=_payload(program, department))
    login = await client.post("/api/v1/auth/login", json={"email": "asha.rao@uni.edu", "password": "Secret-pass-1"})
    assert login.status_code == 200, login.text


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_create(login_as, placement, role):
    program, department = placement
    client = await login_as(role)
    before = await _snapshot()
    response = await client.post(URL, json=_payload(program, department))
    assert response.status_code == 403
    assert await _snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        # Several clashes at once: the first check in domain order wins.
        ({"email": "taken@uni.edu", "user_name": "taken", "student_code": "TAKEN1"}, 409, "Email already registered"),
        ({"email": "TAKEN@uni.edu"}, 409, "Email already registered"),
        ({"user_name": "taken", "student_code": "TAKEN1"}, 409, "Username already taken"),
        ({"student_code": "TAKEN1", "admission_number": "TAKENADM"}, 409, "Student ID already exists"),
        ({"admission_number": "TAKENADM", "program_code": "NOPE"}, 409, "Admission number already exists"),
        ({"program_code": "NOPE", "department_code": "NOPE"}, 404, "Program not found"),
        ({"department_code": "NOPE"}, 404, "Department not found"),
        ({"phone": "+91 11111 11111"}, 409, "Phone number already registered"),
        ({"semester": 9}, 400, "semester must be between 1 and the program's 8 semesters"),
        ({"parent_id": 999999}, 404, "Parent not found"),
    ],
)
async def test_create_checks_in_order_and_leaves_nothing(staff_client, placement, overrides, status, message):
    program, department = placement
    taken_user = await factories.create_user(email="taken@uni.edu", user_name="taken", phone="+91 11111 11111")
    await factories.create_student(user=taken_user, program=program, department=department,
                                   student_code="TAKEN1", admission_number="TAKENADM")
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(program, department, **overrides))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


async def test_program_must_belong_to_the_department(staff_client, placement):
    program, _ = placement
    other = await factories.create_department(code="ECE")
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(program, other))
    assert response.status_code == 400
    assert response.json()["detail"] == "The program does not belong to this department"
    assert await _snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"password": "short"},
        {"email": "not-an-email"},
        {"user_name": "ab"},
        {"category": "vip"},
        {"status": "enrolled"},
        {"semester": 0},
        {"admission_date": "yesterday"},
        {"is_active": False},
        {"program_id": 1},
        {"student_code": ""},
    ],
)
async def test_invalid_create_body_is_422(staff_client, placement, overrides):
    program, department = placement
    before = await _snapshot()
    response = await staff_client.post(URL, json=_payload(program, department, **overrides))
    assert response.status_code == 422
    assert await _snapshot() == before


async def test_missing_required_field_is_422(staff_client, placement):
    program, department = placement
    payload = _payload(program, department)
    del payload["admission_number"]
    assert (await staff_client.post(URL, json=payload)).status_code == 422


async def test_a_failure_after_the_user_insert_rolls_the_user_back(app, placement):
    """The service inserts the user first; a student row the database then refuses must
    take the user with it."""
    program, department = placement
    data = dict(_payload(program, department).items())
    data["admission_date"] = dt.date(2024, 8, 1)
    data["date_of_birth"] = None
    data["section"] = "x" * 50  # longer than students.section allows; the API schema would refuse it
    users_before = await User.all().count()
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever layer refuses it, nothing may remain
        # model_construct skips the schema, so the database is what refuses the row.
        await students_service.create_student(Actor.system(), data=StudentCreate.model_construct(**data))
    assert await User.all().count() == users_before
    assert not await Student.exists()


async def test_concurrent_creates_of_one_code_leave_one_student_and_no_orphan_account(staff_client, placement):
    program, department = placement
    payloads = [
        _payload(program, department, email=f"racer{n}@uni.edu", user_name=f"racer{n}",
                 admission_number=f"ADM-R{n}", phone=None)
        for n in range(6)
    ]
    responses = await asyncio.gather(*(staff_client.post(URL, json=p) for p in payloads))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409]
    assert await Student.filter(student_code="CSE24001").count() == 1
    assert await User.filter(email__startswith="racer").count() == 1


# --- list ---------------------------------------------------------------------------------


async def test_list_is_paginated_ordered_and_filtered(staff_client, placement):
    program, department = placement
    other_program = await factories.create_program(department=department)
    made = []
    for n in range(12):
        made.append(await factories.create_student(
            program=program if n % 2 else other_program, department=department,
            student_code=f"ST{n:03d}", admission_number=f"AD{n:03d}", batch_year=2023 + n % 2,
            semester=1 + n % 3, category=Category.OBC if n % 4 == 0 else Category.GENERAL,
            status=PersonStatus.GRADUATED if n == 5 else PersonStatus.ACTIVE,
        ))

    first = (await staff_client.get(URL)).json()
    assert (first["total"], first["page"], first["page_size"], first["total_pages"]) == (12, 1, 10, 2)
    assert [s["id"] for s in first["items"]] == [s.id for s in made[:10]]
    item = first["items"][0]
    assert item["first_name"] and item["email"] and item["user_name"] and item["is_active"] is True
    assert item["cgpa"] is None and item["status"] == "active"

    def codes(response):
        return [s["student_code"] for s in response.json()["items"]]

    assert codes(await staff_client.get(URL, params={"page": 2})) == ["ST010", "ST011"]
    # Past the last page the total is still exact (it rides on the page's rows otherwise).
    beyond = (await staff_client.get(URL, params={"page": 5})).json()
    assert (beyond["items"], beyond["total"], beyond["total_pages"]) == ([], 12, 2)
    beyond = (await staff_client.get(URL, params={"page": 3, "search": "st00"})).json()
    assert (beyond["items"], beyond["total"]) == ([], 10)
    assert codes(await staff_client.get(URL, params={"program_id": program.id, "page_size": 100})) == [
        f"ST{n:03d}" for n in range(1, 12, 2)]
    assert codes(await staff_client.get(URL, params={"student_status": "graduated"})) == ["ST005"]
    assert codes(await staff_client.get(URL, params={"batch_year": 2023, "semester": 1})) == ["ST000", "ST006"]
    assert codes(await staff_client.get(URL, params={"category": "obc"})) == ["ST000", "ST004", "ST008"]
    assert codes(await staff_client.get(URL, params={"department_id": department.id, "page_size": 3})) == [
        "ST000", "ST001", "ST002"]
    assert codes(await staff_client.get(URL, params={"search": "ad01"})) == ["ST010", "ST011"]
    assert codes(await staff_client.get(URL, params={"search": "st00"})) == [f"ST00{n}" for n in range(10)][:10]


async def test_list_search_treats_wildcards_literally(staff_client):
    await factories.create_student(student_code="A_1", admission_number="X1")
    await factories.create_student(student_code="AB1", admission_number="X%2")
    underscore = (await staff_client.get(URL, params={"search": "_"})).json()
    assert [s["student_code"] for s in underscore["items"]] == ["A_1"]
    percent = (await staff_client.get(URL, params={"search": "%"})).json()
    assert [s["student_code"] for s in percent["items"]] == ["AB1"]


@pytest.mark.parametrize(
    "params",
    [{"student_status": "alive"}, {"category": "vip"}, {"department_id": 0}, {"program_id": 2**31},
     {"semester": "x"}, {"page_size": 101}, {"search": "x" * 101}],
)
async def test_bad_list_parameters_are_422(staff_client, params):
    assert (await staff_client.get(URL, params=params)).status_code == 422


async def test_a_student_lists_only_themselves(login_as):
    me = await login_as("student")
    await factories.create_student(program_id=me.profile.program_id, department_id=me.profile.department_id)
    body = (await me.get(URL)).json()
    assert [s["id"] for s in body["items"]] == [me.profile.id] and body["total"] == 1
    by_program = (await me.get(URL, params={"program_id": me.profile.program_id})).json()
    assert [s["id"] for s in by_program["items"]] == [me.profile.id]


async def test_a_parent_lists_only_their_children(login_as):
    parent = await login_as("parent")
    child_a = await factories.create_student(parent=parent.profile)
    child_b = await factories.create_student(guardian=parent.profile)
    await factories.create_student()
    body = (await parent.get(URL)).json()
    assert [s["id"] for s in body["items"]] == [child_a.id, child_b.id]


async def test_a_parent_without_children_sees_nothing(parent_client):
    await factories.create_student()
    body = (await parent_client.get(URL)).json()
    assert body["total"] == 0 and body["items"] == []
    assert (await parent_client.get(f"{URL}/search", params={"q": "First"})).json() == []


async def test_faculty_read_only_the_students_they_teach(faculty_client, login_as):
    """Notes §3.11: a lecturer reads a student's profile, records and lists only while
    teaching them; any other student is a 404, as for a student or parent."""
    taught, untaught, unregistered = [await factories.create_student() for _ in range(3)]
    offering = await teach(faculty_client.profile, taught)
    colleague = await login_as("faculty")
    await teach(colleague.profile, untaught)

    assert [s["id"] for s in (await faculty_client.get(URL)).json()["items"]] == [taught.id]
    search = (await faculty_client.get(f"{URL}/search", params={"q": "@"})).json()
    assert [s["id"] for s in search] == [taught.id]
    for suffix in ("", "/profile", "/enrollments", "/attendance", "/grades", "/documents"):
        assert (await faculty_client.get(f"{URL}/{taught.id}{suffix}")).status_code == 200, suffix
        for other in (untaught, unregistered):
            response = await faculty_client.get(f"{URL}/{other.id}{suffix}")
            assert response.status_code == 404, (suffix, response.text)
            assert str(other.student_code) not in response.text
    assert (await faculty_client.get(f"{URL}/{untaught.id}/photo")).status_code == 404
    department = (await faculty_client.get(f"/api/v1/departments/{untaught.department_id}/students")).json()
    assert untaught.id not in [s["student_id"] for s in department]
    # The colleague's list holds only the students both teach: none.
    assert (await faculty_client.get(f"/api/v1/faculty/{colleague.profile.id}/students")).json() == []
    roster = (await faculty_client.get(f"/api/v1/course-offerings/{offering.id}/students")).json()
    assert [r["student_id"] for r in roster["items"]] == [taught.id]


async def test_faculty_keep_the_students_of_offerings_they_taught(faculty_client):
    """A lecturer keeps reading the records of students they taught (their attendance and
    marks); only someone they never taught is out of reach."""
    student = await factories.create_student()
    offering = await teach(faculty_client.profile, student)
    await CourseOffering.filter(id=offering.id).update(status=OfferingStatus.COMPLETED)
    await CourseRegistration.filter(course_offering_id=offering.id).update(status=RegistrationStatus.COMPLETED)
    assert (await faculty_client.get(f"{URL}/{student.id}")).status_code == 200
    assert (await faculty_client.get(f"/api/v1/faculty/{faculty_client.profile.id}/students")).json() == []


async def test_anonymous_is_401(client):
    assert (await client.get(URL)).status_code == 401


# --- get / profile ------------------------------------------------------------------------


async def test_get_and_profile(staff_client):
    parent = await factories.create_parent()
    student = await factories.create_student(parent=parent, section="B", cgpa=Decimal("8.25"))
    body = (await staff_client.get(f"{URL}/{student.id}")).json()
    assert body["id"] == student.id and body["section"] == "B" and body["parent_id"] == parent.id
    assert body["cgpa"] == 8.25

    profile = (await staff_client.get(f"{URL}/{student.id}/profile")).json()
    assert profile["program_code"] and profile["department_name"]
    assert profile["has_photo"] is False and "profile_picture" not in profile


async def test_get_missing_student_is_404(staff_client):
    response = await staff_client.get(f"{URL}/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["", "/profile"])
async def test_a_student_reads_self_but_not_another(login_as, path):
    me = await login_as("student")
    other = await factories.create_student()
    assert (await me.get(f"{URL}/{me.profile.id}{path}")).status_code == 200
    assert (await me.get(f"{URL}/{other.id}{path}")).status_code == 404


# --- update -------------------------------------------------------------------------------


async def test_partial_update_changes_only_what_is_sent(staff_client):
    student = await factories.create_student(section="A", nationality="Indian")
    response = await staff_client.put(f"{URL}/{student.id}", json={
        "section": "C", "semester": 3, "phone": "+91 90000 00000", "first_name": "Renamed",
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["section"], body["semester"], body["phone"], body["first_name"]) == (
        "C", 3, "+91 90000 00000", "Renamed")
    assert body["nationality"] == "Indian" and body["updated_at"] is not None
    audit = await AuditLog.get(entity_type="students", entity_id=student.id, action="update")
    assert audit.old_value == {"section": "A", "semester": 1} and audit.new_value == {"section": "C", "semester": 3}


async def test_changing_program_brings_its_department(staff_client):
    student = await factories.create_student()
    department = await factories.create_department()
    program = await factories.create_program(department=department)
    body = (await staff_client.put(f"{URL}/{student.id}", json={"program_id": program.id})).json()
    assert (body["program_id"], body["department_id"]) == (program.id, department.id)


@pytest.mark.parametrize(
    ("make_changes", "status", "message"),
    [
        (lambda ctx: {}, 400, "No fields to update"),
        (lambda ctx: {"student_code": ctx["other"].student_code}, 409, "Student ID already exists"),
        (lambda ctx: {"admission_number": ctx["other"].admission_number.lower()}, 409,
         "Admission number already exists"),
        (lambda ctx: {"email": "other@uni.edu"}, 409, "Email already registered"),
        (lambda ctx: {"phone": "+91 22222 22222"}, 409, "Phone number already registered"),
        (lambda ctx: {"program_id": 999999}, 404, "Program not found"),
        (lambda ctx: {"department_id": ctx["foreign_department"].id}, 400,
         "The program does not belong to this department"),
        (lambda ctx: {"program_id": ctx["foreign_program"].id, "department_id": ctx["student"].department_id},
         400, "The program does not belong to this department"),
        (lambda ctx: {"semester": 9}, 400, "semester must be between 1 and the program's 8 semesters"),
        (lambda ctx: {"semester": None}, 400, "semester cannot be null"),
        (lambda ctx: {"first_name": None}, 400, "first_name cannot be empty"),
        (lambda ctx: {"guardian_id": 999999}, 404, "Parent not found"),
    ],
)
async def test_update_errors_change_nothing(staff_client, make_changes, status, message):
    student = await factories.create_student()
    other_user = await factories.create_user(email="other@uni.edu", phone="+91 22222 22222")
    other = await factories.create_student(user=other_user)
    foreign_department = await factories.create_department()
    foreign_program = await factories.create_program(department=foreign_department)
    ctx = {"student": student, "other": other, "foreign_department": foreign_department,
           "foreign_program": foreign_program}
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{student.id}", json=make_changes(ctx))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _snapshot() == before


@pytest.mark.parametrize("body", [{"user_name": "newname"}, {"id": 5}, {"created_at": "2020-01-01T00:00:00Z"},
                                  {"cgpa": 9.9}, {"status": "enrolled"}, {"semester": 0}])
async def test_update_refuses_read_only_or_invalid_fields(staff_client, body):
    student = await factories.create_student()
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{student.id}", json=body)).status_code == 422
    assert await _snapshot() == before


async def test_update_missing_student_is_404(staff_client):
    assert (await staff_client.put(f"{URL}/999999", json={"section": "A"})).status_code == 404


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_update(login_as, role):
    client = await login_as(role)
    student = await factories.create_student()
    target = client.profile.id if role == "student" else student.id
    before = await _snapshot()
    assert (await client.put(f"{URL}/{target}", json={"section": "Z"})).status_code == 403
    assert await _snapshot() == before


# --- delete -------------------------------------------------------------------------------


async def test_delete_deactivates_student_and_account(staff_client, login_as):
    me = await login_as("student")
    assert (await me.get(f"{URL}/{me.profile.id}")).status_code == 200

    response = await staff_client.delete(f"{URL}/{me.profile.id}")
    assert response.status_code == 204 and response.content == b""
    student = await Student.get(id=me.profile.id)
    user = await User.get(id=student.user_id)
    assert student.status == PersonStatus.INACTIVE and user.is_active is False
    # The deactivated account's token stops working at once.
    assert (await me.get(f"{URL}/{me.profile.id}")).status_code == 401
    # Deleting again is harmless.
    assert (await staff_client.delete(f"{URL}/{me.profile.id}")).status_code == 204


async def test_reactivating_by_status_restores_the_account(staff_client):
    student = await factories.create_student()
    await staff_client.delete(f"{URL}/{student.id}")
    body = (await staff_client.put(f"{URL}/{student.id}", json={"status": "active"})).json()
    assert body["status"] == "active" and body["is_active"] is True


async def test_delete_missing_is_404_and_others_403(staff_client, login_as):
    assert (await staff_client.delete(f"{URL}/999999")).status_code == 404
    student = await factories.create_student()
    for role in ("faculty", "student", "parent"):
        client = await login_as(role)
        assert (await client.delete(f"{URL}/{student.id}")).status_code == 403
    assert (await Student.get(id=student.id)).status == PersonStatus.ACTIVE


# --- search -------------------------------------------------------------------------------


async def _search_people():
    names = [("Ananya", "Iyer", "ananya@uni.edu", "CS-001", "ADM-9001"),
             ("Rahul", "Sharma", "rahul.s@uni.edu", "ME-002", "ADM-9002"),
             ("Priya", "Ananthan", "priya@uni.edu", "EE-003", "ADM-9003"),
             ("Mo_Li", "100%Pure", "mo@uni.edu", "CE-004", "ADM-9004")]
    made = []
    for first, last, email, code, adm in names:
        user = await factories.create_user(first_name=first, last_name=last, email=email)
        made.append(await factories.create_student(user=user, student_code=code, admission_number=adm))
    return made


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anan", [0, 2]),        # first name of one, last name of another; case-insensitive
        ("ANANYA", [0]),
        ("sharma", [1]),
        ("rahul.s@", [1]),       # email
        ("ee-003", [2]),         # student code
        ("adm-900", [0, 1, 2, 3]),  # admission number; ordered by id
        ("_", [3]),              # wildcards are literal, on both query paths
        ("o_l", [3]),
        ("%", [3]),
        ("0%p", [3]),
        ("zzz", []),
    ],
)
async def test_search_fields_and_literal_wildcards(staff_client, q, expected):
    made = await _search_people()
    response = await staff_client.get(f"{URL}/search", params={"q": q})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [made[i].id for i in expected]


async def test_search_result_shape_and_limit(staff_client):
    made = await _search_people()
    body = (await staff_client.get(f"{URL}/search", params={"q": "adm-900", "limit": 2})).json()
    assert [s["id"] for s in body] == [made[0].id, made[1].id]
    assert set(body[0]) == {"id", "user_id", "student_code", "admission_number", "first_name", "last_name", "email",
                            "program_id", "department_id", "batch_year", "semester", "status"}
    short = (await staff_client.get(f"{URL}/search", params={"q": "a", "limit": 1})).json()
    assert len(short) == 1 and set(short[0]) == set(body[0])


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101},
                                    {"q": "x" * 101}])
async def test_search_parameter_errors(staff_client, params):
    assert (await staff_client.get(f"{URL}/search", params=params)).status_code == 422


async def test_blank_search_is_400(staff_client):
    assert (await staff_client.get(f"{URL}/search", params={"q": "   "})).status_code == 400


async def test_a_student_finds_only_themselves(login_as):
    me = await login_as("student", student_code="ME-1")
    await factories.create_student(student_code="ME-2")
    assert [s["id"] for s in (await me.get(f"{URL}/search", params={"q": "me-"})).json()] == [me.profile.id]
    assert [s["id"] for s in (await me.get(f"{URL}/search", params={"q": "m"})).json()] == [me.profile.id]


# --- export -------------------------------------------------------------------------------

HEADER = ["Student ID", "Admission Number", "First Name", "Last Name", "Email", "Phone", "Gender", "Date of Birth",
          "Program ID", "Department ID", "Batch Year", "Semester", "Section", "Category", "Nationality",
          "Blood Group", "Status", "CGPA", "Admission Date"]


async def _export_people():
    evil = await factories.create_user(first_name='=HYPERLINK("http://x")', last_name="+cmd", phone="-1234",
                                       email="evil@uni.edu", date_of_birth=dt.date(2004, 2, 29), gender="male")
    one = await factories.create_student(user=evil, student_code="@SUM(A1)", admission_number="\tTAB",
                                         cgpa=Decimal("7.50"), section=None, batch_year=2023)
    plain = await factories.create_student(student_code="PLAIN", admission_number="ADM-P", batch_year=2024)
    return one, plain


async def test_csv_export_columns_and_neutralised_cells(staff_client):
    one, _plain = await _export_people()
    response = await staff_client.get(f"{URL}/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="students_export.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 3
    evil = rows[1]
    assert evil[:5] == ["'@SUM(A1)", "'\tTAB", "'=HYPERLINK(\"http://x\")", "'+cmd", "evil@uni.edu"]
    assert evil[5] == "'-1234" and evil[6] == "male" and evil[7] == "2004-02-29"
    assert evil[8:12] == [str(one.program_id), str(one.department_id), "2023", "1"]
    assert evil[12] == "" and evil[16] == "active" and evil[17] == "7.50" and evil[18] == "2024-08-01"
    assert rows[2][0] == "PLAIN" and rows[2][17] == ""


async def test_xlsx_export_opens_with_text_not_formulas(staff_client):
    await _export_people()
    response = await staff_client.get(f"{URL}/export", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="students_export.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Students"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    name_cell = sheet.cell(row=2, column=3)
    assert name_cell.data_type == "s"
    assert name_cell.value == "'=HYPERLINK(\"http://x\")"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Numbers stay numbers; an empty value is an empty cell.
    assert sheet.cell(row=2, column=11).value == 2023 and sheet.cell(row=2, column=11).data_type == "n"
    assert sheet.cell(row=2, column=18).value == 7.5
    assert sheet.cell(row=2, column=13).value in (None, "")


async def test_export_filters_and_streams_across_pages(staff_client, monkeypatch):
    monkeypatch.setattr(students_service, "EXPORT_CHUNK", 3)
    program = await factories.create_program()
    made = [await factories.create_student(program=program, department_id=program.department_id,
                                           student_code=f"EX{n:02d}", batch_year=2020 + n % 2) for n in range(8)]
    await factories.create_student(student_code="ELSEWHERE")
    inactive = made[3]
    await Student.filter(id=inactive.id).update(status=PersonStatus.INACTIVE)

    response = await staff_client.get(f"{URL}/export", params={"program_id": program.id})
    codes = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert codes == [f"EX{n:02d}" for n in range(8)]

    filtered = await staff_client.get(f"{URL}/export", params={
        "program_id": program.id, "batch_year": 2021, "student_status": "active", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(filtered.content))["Students"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["EX01", "EX05", "EX07"]

    by_department = await staff_client.get(f"{URL}/export", params={"department_id": program.department_id})
    assert len(by_department.content.decode("utf-8-sig").strip().splitlines()) == 9


async def test_empty_export_has_only_the_header(staff_client):
    response = await staff_client.get(f"{URL}/export")
    assert response.content.decode("utf-8-sig").strip() == ",".join(HEADER)


@pytest.mark.parametrize("fmt", ["pdf", "CSVX", "xls"])
async def test_unknown_export_format_is_400(staff_client, fmt):
    response = await staff_client.get(f"{URL}/export", params={"format": fmt})
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid format; use csv or xlsx"


async def test_export_format_is_case_insensitive(admin_client):
    assert (await admin_client.get(f"{URL}/export", params={"format": "XLSX"})).status_code == 200


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_export(login_as, role):
    client = await login_as(role)
    assert (await client.get(f"{URL}/export")).status_code == 403


# --- sub-resources ------------------------------------------------------------------------

SUB_RESOURCES = ("enrollments", "attendance", "grades", "fees", "documents")


async def _records_for(student):
    enrollment = await factories.create_enrollment(student=student)
    offering = await factories.create_offering(program_id=student.program_id)
    await factories.create_attendance(enrollment=enrollment, course_offering=offering)
    assessment = await factories.create_assessment(course_offering=offering)
    await factories.create_grade(enrollment=enrollment, assessment=assessment)
    await factories.create_fee_payment(student=student)
    await factories.create_document(user_id=student.user_id, uploaded_by_id=student.user_id,
                                    access_level=AccessLevel.PRIVATE)
    await factories.create_document(user_id=student.user_id, uploaded_by_id=student.user_id,
                                    access_level=AccessLevel.INTERNAL, title="Transcript")
    return enrollment


async def test_sub_resources_shapes(staff_client):
    student = await factories.create_student()
    enrollment = await _records_for(student)
    base = f"{URL}/{student.id}"

    enrollments = (await staff_client.get(f"{base}/enrollments")).json()
    assert set(enrollments) == {"student_id", "user_id", "enrollments"}
    assert (enrollments["student_id"], enrollments["user_id"]) == (student.id, student.user_id)
    assert [e["id"] for e in enrollments["enrollments"]] == [enrollment.id]
    assert enrollments["enrollments"][0]["status"] == "enrolled" and enrollments["enrollments"][0]["program_code"]

    attendance = (await staff_client.get(f"{base}/attendance")).json()["attendance"]
    assert len(attendance) == 1 and attendance[0]["status"] == "present" and attendance[0]["course_code"]

    grades = (await staff_client.get(f"{base}/grades")).json()["grades"]
    assert len(grades) == 1 and grades[0]["marks_obtained"] == 15.5 and grades[0]["max_marks"] == 20.0

    fees = (await staff_client.get(f"{base}/fees")).json()["fees"]
    assert len(fees) == 1 and fees[0]["amount_paid"] == "20000.00" and fees[0]["discount"] == "0.00"

    documents = (await staff_client.get(f"{base}/documents")).json()["documents"]
    assert len(documents) == 2 and all("file_path" not in d for d in documents)
    assert documents[0]["owner_user_id"] == student.user_id


async def test_sub_resources_of_a_student_without_records_are_empty(staff_client):
    student = await factories.create_student()
    for name in SUB_RESOURCES:
        body = (await staff_client.get(f"{URL}/{student.id}/{name}")).json()
        assert body == {"student_id": student.id, "user_id": student.user_id, name: []}


@pytest.mark.parametrize("name", SUB_RESOURCES)
async def test_sub_resource_of_missing_student_is_404(staff_client, name):
    assert (await staff_client.get(f"{URL}/999999/{name}")).status_code == 404


async def test_student_a_gets_404_on_every_sub_resource_of_student_b(login_as):
    a = await login_as("student")
    b = await factories.create_student()
    await _records_for(b)
    await _records_for(a.profile)
    for name in (*SUB_RESOURCES, "profile", "photo", ""):
        path = f"{URL}/{b.id}/{name}".rstrip("/")
        response = await a.get(path)
        assert response.status_code == 404, (name, response.status_code)
        body = response.json()
        body["error"].pop("request_id")  # random hex, which may contain the digits
        assert str(b.user_id) not in json.dumps(body)
    for name in SUB_RESOURCES:
        own = await a.get(f"{URL}/{a.profile.id}/{name}")
        assert own.status_code == 200 and own.json()[name], name


async def test_a_parent_reads_their_childs_records_only(login_as):
    parent = await login_as("parent")
    child = await factories.create_student(parent=parent.profile)
    stranger = await factories.create_student()
    await _records_for(child)
    await _records_for(stranger)
    for name in SUB_RESOURCES:
        mine = await parent.get(f"{URL}/{child.id}/{name}")
        assert mine.status_code == 200 and mine.json()[name], name
        assert (await parent.get(f"{URL}/{stranger.id}/{name}")).status_code == 404, name
    assert len((await parent.get(f"{URL}/{child.id}/documents")).json()["documents"]) == 2


async def test_faculty_do_not_read_fees_nor_private_documents(faculty_client):
    student = await factories.create_student()
    await _records_for(student)
    await teach(faculty_client.profile, student)
    assert (await faculty_client.get(f"{URL}/{student.id}/fees")).status_code == 403
    documents = (await faculty_client.get(f"{URL}/{student.id}/documents")).json()["documents"]
    assert [d["title"] for d in documents] == ["Transcript"]
    for name in ("enrollments", "attendance", "grades"):
        assert (await faculty_client.get(f"{URL}/{student.id}/{name}")).json()[name]
