"""/api/v1/departments: every success and error path, and bad input that changes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest

from models import AuditLog, Department, Faculty
from tests import factories

URL = "/api/v1/departments"


async def _snapshot() -> list[tuple]:
    return await Department.all().order_by("id").values_list(
        "id", "name", "code", "description", "hod_id", "is_active", "updated_at"
    )


# --- list -------------------------------------------------------------------------------


async def test_list_is_paginated_ordered_and_filtered(staff_client):
    for n in range(12):
        await factories.create_department(name=f"Dept {n:02d}", code=f"DP{n:02d}", is_active=n % 3 != 0)

    first = (await staff_client.get(URL)).json()
    assert (first["total"], first["page"], first["page_size"], first["total_pages"]) == (12, 1, 10, 2)
    assert [d["code"] for d in first["items"]] == [f"DP{n:02d}" for n in range(10)]

    second = (await staff_client.get(URL, params={"page": 2})).json()
    assert [d["code"] for d in second["items"]] == ["DP10", "DP11"]

    inactive = (await staff_client.get(URL, params={"is_active": "false"})).json()
    assert {d["code"] for d in inactive["items"]} == {"DP00", "DP03", "DP06", "DP09"}

    found = (await staff_client.get(URL, params={"search": "dp1"})).json()
    assert {d["code"] for d in found["items"]} == {"DP10", "DP11"}


async def test_search_treats_like_wildcards_literally(staff_client):
    await factories.create_department(name="Maths_Stats", code="MS1")
    await factories.create_department(name="Maths Stats", code="MS2")
    await factories.create_department(name="100% Physics", code="PH1")

    underscore = (await staff_client.get(URL, params={"search": "_"})).json()
    assert [d["code"] for d in underscore["items"]] == ["MS1"]
    percent = (await staff_client.get(URL, params={"search": "%"})).json()
    assert [d["code"] for d in percent["items"]] == ["PH1"]


async def test_empty_result_has_zero_pages(student_client):
    body = (await student_client.get(URL, params={"search": "nothing-matches"})).json()
    assert body == {"items": [], "total": 0, "page": 1, "page_size": 10, "total_pages": 0}


async def test_page_past_the_end_is_empty(staff_client):
    await factories.create_department()
    body = (await staff_client.get(URL, params={"page": 5})).json()
    assert body["items"] == [] and body["total"] == 1 and body["total_pages"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": -1},
        {"page": "abc"},
        {"page_size": 0},
        {"page_size": 101},
        {"page_size": 1000},
        {"is_active": "maybe"},
        {"search": "x" * 101},
    ],
)
async def test_bad_list_parameters_are_422(staff_client, params):
    response = await staff_client.get(URL, params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["error"]["details"][0]["field"].startswith("query.")


async def test_every_role_reads_departments(login_as):
    department = await factories.create_department()
    for role in ("admin", "staff", "faculty", "student", "parent"):
        client = await login_as(role)
        assert (await client.get(f"{URL}/{department.id}")).status_code == 200, role


async def test_anonymous_is_401_with_bearer_challenge(client):
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


async def test_garbage_token_is_401(client):
    response = await client.get(URL, headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


# --- create -----------------------------------------------------------------------------


async def test_staff_creates_a_department_with_an_audit_row(staff_client):
    payload = {"name": "Computer Science", "code": "CSE", "description": "Computing",
               "phone": "+91 80 1234", "email": "cse@uni.edu", "building": "Block A", "floor": 2}
    response = await staff_client.post(URL, json=payload)

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "CSE" and body["is_active"] is True and body["hod_id"] is None
    audit = await AuditLog.get(entity_type="departments", entity_id=body["id"])
    assert audit.action == "create"
    assert audit.user_id == staff_client.user.id
    assert audit.new_value["name"] == "Computer Science"


async def test_admin_may_create(admin_client):
    assert (await admin_client.post(URL, json={"name": "History", "code": "HIS"})).status_code == 201


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_other_roles_may_not_create(login_as, role):
    client = await login_as(role)
    before = await _snapshot()
    response = await client.post(URL, json={"name": "Forbidden", "code": "FRB"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert await _snapshot() == before


@pytest.mark.parametrize("clash", [{"name": "Physics", "code": "NEW"}, {"name": "New", "code": "PHY"},
                                   {"name": "physics", "code": "NEW"}, {"name": "New", "code": "phy"}])
async def test_duplicate_name_or_code_is_409(staff_client, clash):
    await factories.create_department(name="Physics", code="PHY")
    before = await _snapshot()
    response = await staff_client.post(URL, json=clash)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert await _snapshot() == before


async def test_unknown_hod_is_404(staff_client):
    response = await staff_client.post(URL, json={"name": "Chemistry", "code": "CHE", "hod_id": 999})
    assert response.status_code == 404
    assert not await Department.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": "Only name"},
        {"code": "ONLY"},
        {"name": 123, "code": "X1"},
        {"name": "A", "code": "OK1"},
        {"name": "Valid", "code": "bad code!"},
        {"name": "Valid", "code": "OK1", "floor": "second"},
        {"name": "Valid", "code": "OK1", "email": "not-an-email"},
        {"name": "Valid", "code": "OK1", "hod_id": 0},
        {"name": "Valid", "code": "OK1", "is_hod": True},
        {"name": "Valid", "code": "OK1", "id": 7},
        {"name": "Valid", "code": "OK1", "created_at": "2020-01-01T00:00:00Z"},
    ],
)
async def test_malformed_create_is_422_and_changes_nothing(staff_client, payload):
    response = await staff_client.post(URL, json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]
    assert not await Department.exists()


async def test_invalid_json_is_422(staff_client):
    response = await staff_client.post(URL, content=b'{"name": "x",', headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert not await Department.exists()


@pytest.mark.parametrize("body", [b"\xc3\x28", b'{"name": "Z\xe9", "code": "OK1"}', b"\x89PNG\r\n\x1a\n"])
async def test_a_body_that_is_not_utf8_is_422(staff_client, body):
    response = await staff_client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"
    assert not await Department.exists()


async def test_ten_megabyte_body_is_413(staff_client):
    body = json.dumps({"name": "Big", "code": "BIG", "description": "x" * (10 * 1024 * 1024)})
    response = await staff_client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert not await Department.exists()


# --- read one ---------------------------------------------------------------------------


async def test_get_missing_is_404(staff_client):
    response = await staff_client.get(f"{URL}/424242")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "99999999999"])
async def test_bad_id_is_422(staff_client, bad_id):
    assert (await staff_client.get(f"{URL}/{bad_id}")).status_code == 422


# --- update -----------------------------------------------------------------------------


async def test_partial_update_changes_only_what_is_sent(staff_client):
    department = await factories.create_department(name="Old", code="OLD", building="B1")
    response = await staff_client.put(f"{URL}/{department.id}", json={"name": "New name"})

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["code"], body["building"]) == ("New name", "OLD", "B1")
    assert body["updated_at"] is not None
    audit = await AuditLog.get(entity_type="departments", action="update")
    assert audit.old_value == {"name": "Old"} and audit.new_value == {"name": "New name"}


async def test_deactivate_and_reactivate(staff_client):
    department = await factories.create_department()
    assert (await staff_client.put(f"{URL}/{department.id}", json={"is_active": False})).json()["is_active"] is False
    assert (await staff_client.put(f"{URL}/{department.id}", json={"is_active": True})).json()["is_active"] is True


async def test_empty_update_is_400(staff_client):
    department = await factories.create_department()
    response = await staff_client.put(f"{URL}/{department.id}", json={})
    assert response.status_code == 400
    assert response.json()["detail"] == "No fields to update"


async def test_missing_put_body_is_422(staff_client):
    department = await factories.create_department()
    assert (await staff_client.put(f"{URL}/{department.id}")).status_code == 422


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        # The schema refuses what it does not declare (code is immutable) and a wrong type: 422.
        ({"code": "NEW"}, 422),
        ({"floor": "x"}, 422),
        # Well-formed but breaking a rule of the row (a column that holds no null): 400.
        ({"name": None}, 400),
        ({"is_active": None}, 400),
    ],
)
async def test_bad_update_changes_nothing(staff_client, payload, status):
    department = await factories.create_department(code="KEEP")
    before = await _snapshot()
    response = await staff_client.put(f"{URL}/{department.id}", json=payload)
    assert response.status_code == status, response.text
    assert await _snapshot() == before


async def test_update_to_a_taken_name_is_409(staff_client):
    await factories.create_department(name="Taken")
    department = await factories.create_department(name="Mine")
    before = await _snapshot()
    assert (await staff_client.put(f"{URL}/{department.id}", json={"name": "taken"})).status_code == 409
    assert await _snapshot() == before


async def test_keeping_its_own_name_is_fine(staff_client):
    department = await factories.create_department(name="Same")
    assert (await staff_client.put(f"{URL}/{department.id}", json={"name": "Same", "floor": 3})).status_code == 200


async def test_update_missing_is_404(staff_client):
    assert (await staff_client.put(f"{URL}/999", json={"name": "Whatever"})).status_code == 404


async def test_hod_is_kept_in_sync_with_faculty(staff_client):
    department = await factories.create_department()
    first = await factories.create_faculty(department=department)
    second = await factories.create_faculty(department=department)

    assert (await staff_client.put(f"{URL}/{department.id}", json={"hod_id": first.id})).status_code == 200
    assert (await Faculty.get(id=first.id)).is_hod is True

    assert (await staff_client.put(f"{URL}/{department.id}", json={"hod_id": second.id})).status_code == 200
    assert (await Faculty.get(id=first.id)).is_hod is False
    assert (await Faculty.get(id=second.id)).is_hod is True


async def test_hod_from_another_department_is_400(staff_client):
    department = await factories.create_department()
    outsider = await factories.create_faculty()
    response = await staff_client.put(f"{URL}/{department.id}", json={"hod_id": outsider.id})
    assert response.status_code == 400
    assert (await Department.get(id=department.id)).hod_id is None


async def test_unknown_hod_on_update_is_404(staff_client):
    department = await factories.create_department()
    assert (await staff_client.put(f"{URL}/{department.id}", json={"hod_id": 31337})).status_code == 404


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_other_roles_may_not_update(login_as, role):
    department = await factories.create_department(name="Stable")
    client = await login_as(role)
    assert (await client.put(f"{URL}/{department.id}", json={"name": "Hijacked"})).status_code == 403
    assert (await Department.get(id=department.id)).name == "Stable"


# --- head of department under concurrency ----------------------------------------------

RACING_PAIRS = 15


async def assert_headships_consistent() -> None:
    """Every department's head is a faculty member of that department, and faculty.is_hod
    is true exactly for the heads."""
    department_of = dict(await Faculty.all().values_list("id", "department_id"))
    heads = await Department.exclude(hod_id=None).values_list("id", "hod_id")
    assert [(d, h) for d, h in heads if department_of[h] != d] == []
    flagged = set(await Faculty.filter(is_hod=True).values_list("id", flat=True))
    assert flagged == {h for _, h in heads}


async def test_naming_a_head_while_their_record_is_edited_does_not_deadlock(staff_client):
    """Naming the head locks the department, then the member (the hod_id foreign key and
    is_hod); a faculty edit must not take the same two the other way round."""
    pairs = []
    for _ in range(RACING_PAIRS):
        department = await factories.create_department()
        pairs.append((department, await factories.create_faculty(department=department)))

    responses = await asyncio.gather(*(
        request for department, member in pairs for request in (
            staff_client.put(f"{URL}/{department.id}", json={"hod_id": member.id}),
            staff_client.put(f"/api/v1/faculty/{member.id}", json={"designation": "Professor"}),
        )
    ))
    assert [r.text for r in responses if r.status_code != 200] == []
    for department, member in pairs:
        assert (await Department.get(id=department.id)).hod_id == member.id
        member = await Faculty.get(id=member.id)
        assert (member.designation, member.is_hod) == ("Professor", True)
    await assert_headships_consistent()


async def test_naming_a_head_while_they_change_department_keeps_the_head_inside(staff_client):
    """Whichever lands first, the member ends up in the other department heading nothing:
    named first, the move ends the headship; moved first, the naming is refused (400)."""
    triples = []
    for _ in range(RACING_PAIRS):
        home, away = await factories.create_department(), await factories.create_department()
        triples.append((home, away, await factories.create_faculty(department=home)))

    responses = await asyncio.gather(*(
        request for home, away, member in triples for request in (
            staff_client.put(f"{URL}/{home.id}", json={"hod_id": member.id}),
            staff_client.put(f"/api/v1/faculty/{member.id}", json={"department_id": away.id}),
        )
    ))
    namings, moves = responses[0::2], responses[1::2]
    assert [r.text for r in moves if r.status_code != 200] == []
    for naming in namings:
        assert naming.status_code in (200, 400), naming.text
        if naming.status_code == 400:
            assert naming.json()["detail"] == "The head of department must be a faculty member of this department"
    for home, away, member in triples:
        assert (await Department.get(id=home.id)).hod_id is None
        member = await Faculty.get(id=member.id)
        assert (member.department_id, member.is_hod) == (away.id, False)
    await assert_headships_consistent()


# --- delete -----------------------------------------------------------------------------


async def test_delete_an_empty_department(staff_client):
    department = await factories.create_department()
    response = await staff_client.delete(f"{URL}/{department.id}")
    assert response.status_code == 204
    assert response.content == b""
    assert not await Department.exists()
    assert await AuditLog.filter(entity_type="departments", action="delete", entity_id=department.id).exists()


async def test_delete_blocked_by_dependants_names_them(staff_client):
    department = await factories.create_department()
    await factories.create_program(department=department)
    await factories.create_course(department=department)
    response = await staff_client.delete(f"{URL}/{department.id}")
    assert response.status_code == 409
    assert "programs" in response.json()["detail"] and "courses" in response.json()["detail"]
    assert await Department.exists()


async def test_delete_missing_is_404(staff_client):
    assert (await staff_client.delete(f"{URL}/999")).status_code == 404


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_other_roles_may_not_delete(login_as, role):
    department = await factories.create_department()
    client = await login_as(role)
    assert (await client.delete(f"{URL}/{department.id}")).status_code == 403
    assert await Department.exists()


# --- sub-lists --------------------------------------------------------------------------


async def test_faculty_sub_list(staff_client):
    department = await factories.create_department()
    member = await factories.create_faculty(department=department)
    await factories.create_faculty()  # another department

    body = (await staff_client.get(f"{URL}/{department.id}/faculty")).json()
    assert [row["id"] for row in body] == [member.id]
    assert set(body[0]) == {"id", "employee_id", "user_id", "first_name", "last_name",
                            "designation", "is_hod", "status"}


async def test_courses_sub_list(staff_client):
    department = await factories.create_department()
    course = await factories.create_course(department=department)
    body = (await staff_client.get(f"{URL}/{department.id}/courses")).json()
    assert [(row["id"], row["code"], row["course_type"], row["level"]) for row in body] == [
        (course.id, course.code, "core", "beginner")
    ]


async def test_students_sub_list_for_staff_shows_everyone(staff_client):
    department = await factories.create_department()
    first = await factories.create_student(department=department)
    second = await factories.create_student(department=department)
    body = (await staff_client.get(f"{URL}/{department.id}/students")).json()
    assert [row["student_id"] for row in body] == [first.id, second.id]
    assert set(body[0]) == {"student_id", "user_id", "student_code", "first_name", "last_name",
                            "program_id", "semester", "batch_year", "status"}


async def test_a_student_sees_only_themself_in_the_department_list(login_as):
    department = await factories.create_department()
    classmate = await factories.create_student(department=department)
    me = await login_as("student", department=department)

    body = (await me.get(f"{URL}/{department.id}/students")).json()
    assert [row["student_id"] for row in body] == [me.profile.id]
    assert classmate.id not in [row["student_id"] for row in body]


async def test_a_parent_sees_only_their_children(login_as):
    department = await factories.create_department()
    parent = await login_as("parent")
    child = await factories.create_student(department=department, parent=parent.profile)
    await factories.create_student(department=department)

    body = (await parent.get(f"{URL}/{department.id}/students")).json()
    assert [row["student_id"] for row in body] == [child.id]


@pytest.mark.parametrize("suffix", ["faculty", "students", "courses"])
async def test_sub_lists_of_a_missing_department_are_404(staff_client, suffix):
    assert (await staff_client.get(f"{URL}/777/{suffix}")).status_code == 404


async def test_trailing_slash_answers_without_redirect(staff_client):
    department = await factories.create_department()
    listing = await staff_client.get(URL + "/")
    assert listing.status_code == 200 and listing.json()["total"] == 1
    one = await staff_client.get(f"{URL}/{department.id}/")
    assert one.status_code == 200


async def test_an_inactive_faculty_member_cannot_be_named_head(staff_client):
    from models.enums import FacultyStatus

    department = await factories.create_department()
    retired = await factories.create_faculty(department=department, status=FacultyStatus.RETIRED)
    response = await staff_client.put(f"{URL}/{department.id}", json={"hod_id": retired.id})
    assert response.status_code == 400
    assert "active" in response.json()["detail"]
    assert (await Department.get(id=department.id)).hod_id is None
    assert (await Faculty.get(id=retired.id)).is_hod is False
