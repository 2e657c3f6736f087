"""/api/v1/staff: admin-only CRUD of admin_staff records; delete deactivates."""

from __future__ import annotations

import pytest

from models import AdminStaff, AuditLog, User
from models.enums import AdminStaffRole, PersonStatus, UserType
from tests import factories

URL = "/api/v1/staff"
STAFF_KEYS = {
    "id", "user_id", "user_type", "email", "user_name", "first_name", "middle_name", "last_name", "phone",
    "is_active", "employee_id", "role", "department_id", "designation", "date_of_joining", "status",
    "created_at", "updated_at",
}


def _new_staff(**overrides) -> dict:
    body = {
        "email": "clerk@example.edu", "user_name": "clerk", "password": "Clerk-password-1",
        "first_name": "Carla", "last_name": "Clerk", "designation": "Accounts clerk",
        "date_of_joining": "2024-07-01", "role": "accountant",
    }
    body.update(overrides)
    return body


async def _staff_member(**overrides) -> AdminStaff:
    user = await factories.create_user(user_type=overrides.pop("user_type", UserType.STAFF),
                                       **overrides.pop("user", {}))
    n = user.id
    values = {"employee_id": f"E{n:05d}", "role": AdminStaffRole.STAFF, "designation": "Clerk",
              "date_of_joining": "2020-01-01"}
    values.update(overrides)
    return await AdminStaff.create(user=user, **values)


async def _snapshot() -> list[tuple]:
    staff = await AdminStaff.all().order_by("id").values_list("id", "employee_id", "role", "status", "department_id",
                                                              "designation")
    users = await User.all().order_by("id").values_list("id", "user_type", "is_active", "first_name", "phone")
    return [staff, users]


# --- create -----------------------------------------------------------------------------


async def test_create_makes_the_account_and_the_record_in_one_go(admin_client):
    department = await factories.create_department()
    response = await admin_client.post(URL, json=_new_staff(department_id=department.id, employee_id="ACC-7",
                                                            phone="+44 20 7946 0000"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == STAFF_KEYS
    assert body["user_type"] == "staff" and body["role"] == "accountant" and body["employee_id"] == "ACC-7"
    assert body["department_id"] == department.id and body["status"] == "active" and body["is_active"] is True
    assert body["date_of_joining"] == "2024-07-01" and "password" not in response.text

    user = await User.get(id=body["user_id"])
    assert user.user_type == UserType.STAFF and user.created_by_id == admin_client.user.id
    staff = await AdminStaff.get(id=body["id"])
    assert staff.user_id == user.id
    actions = await AuditLog.filter(user_id=admin_client.user.id).order_by("id").values_list("entity_type", "action")
    assert actions == [("users", "create"), ("admin_staff", "create")]

    # The new account signs in.
    login = await admin_client.post("/api/v1/auth/login", json={"email": "clerk@example.edu",
                                                                "password": "Clerk-password-1"})
    assert login.status_code == 200


async def test_create_an_admin_with_default_employee_id(admin_client):
    response = await admin_client.post(URL, json=_new_staff(user_type="admin", role="super_admin"))
    assert response.status_code == 201
    body = response.json()
    assert body["user_type"] == "admin" and body["employee_id"] == f"EMP-{body['user_id']:06d}"


async def test_register_as_admin_also_creates_the_staff_record(admin_client):
    response = await admin_client.post("/api/v1/auth/register", json={
        "user_type": "staff", "email": "desk@example.edu", "user_name": "desk", "password": "Desk-password-1",
        "first_name": "Desk", "last_name": "Clerk",
    })
    assert response.status_code == 201
    listed = (await admin_client.get(URL, params={"search": "desk@"})).json()
    assert [s["user_id"] for s in listed["items"]] == [response.json()["id"]]
    assert listed["items"][0]["role"] == "staff"


@pytest.mark.parametrize(
    "change",
    [
        {"user_type": "faculty"}, {"user_type": "student"}, {"role": "janitor"}, {"status": "retired"},
        {"password": "short"}, {"password": "é" * 37}, {"email": "nope"}, {"designation": "x"},
        {"date_of_joining": "yesterday"}, {"employee_id": "bad id!"}, {"department_id": 0},
        {"is_active": False}, {"id": 5},
    ],
)
async def test_bad_create_input_is_422_and_changes_nothing(admin_client, change):
    before = await _snapshot()
    response = await admin_client.post(URL, json=_new_staff(**change))
    assert response.status_code == 422, response.text
    assert await _snapshot() == before


async def test_create_with_a_missing_department_is_404(admin_client):
    before = await _snapshot()
    response = await admin_client.post(URL, json=_new_staff(department_id=999999))
    assert response.status_code == 404 and response.json()["detail"] == "Department not found"
    assert await _snapshot() == before


async def test_duplicates_are_409_and_change_nothing(admin_client):
    await _staff_member(employee_id="ACC-7", user={"email": "taken@example.edu", "user_name": "taken"})
    before = await _snapshot()
    for body in (_new_staff(employee_id="acc-7"), _new_staff(email="taken@example.edu"),
                 _new_staff(user_name="taken")):
        response = await admin_client.post(URL, json=body)
        assert response.status_code == 409, response.text
    assert await _snapshot() == before


# --- list and get -------------------------------------------------------------------------


async def test_list_filters_and_paginates(admin_client):
    library, accounts = await factories.create_department(), await factories.create_department()
    librarian = await _staff_member(role=AdminStaffRole.LIBRARIAN, department=library,
                                    user={"first_name": "Lena", "last_name": "Books"})
    warden = await _staff_member(role=AdminStaffRole.WARDEN, status=PersonStatus.INACTIVE)
    accountant = await _staff_member(role=AdminStaffRole.ACCOUNTANT, department=accounts, employee_id="ACC_1")
    own = await AdminStaff.get(user_id=admin_client.user.id)

    everyone = (await admin_client.get(URL)).json()
    assert [s["id"] for s in everyone["items"]] == [own.id, librarian.id, warden.id, accountant.id]
    assert everyone["total"] == 4 and everyone["total_pages"] == 1

    async def ids(**params):
        return [s["id"] for s in (await admin_client.get(URL, params=params)).json()["items"]]

    assert await ids(role="librarian") == [librarian.id]
    assert await ids(status="inactive") == [warden.id]
    assert await ids(department_id=accounts.id) == [accountant.id]
    assert await ids(search="lena") == [librarian.id]
    assert await ids(search="acc_") == [accountant.id]
    assert await ids(search="%") == []
    page = (await admin_client.get(URL, params={"page": 2, "page_size": 3})).json()
    assert [s["id"] for s in page["items"]] == [accountant.id] and page["total_pages"] == 2


@pytest.mark.parametrize("params", [{"role": "boss"}, {"status": "x"}, {"department_id": "a"}, {"page_size": 101},
                                    {"search": "x" * 101}])
async def test_bad_list_parameters_are_422(admin_client, params):
    assert (await admin_client.get(URL, params=params)).status_code == 422


async def test_get_one_and_a_missing_one(admin_client):
    member = await _staff_member()
    response = await admin_client.get(f"{URL}/{member.id}")
    assert response.status_code == 200 and response.json()["employee_id"] == member.employee_id
    missing = await admin_client.get(f"{URL}/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


# --- update -------------------------------------------------------------------------------


async def test_partial_update_changes_only_what_is_sent(admin_client):
    department = await factories.create_department()
    member = await _staff_member(user={"first_name": "Old"})
    response = await admin_client.put(f"{URL}/{member.id}", json={
        "designation": "Head clerk", "department_id": department.id, "first_name": "New", "role": "registrar",
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["designation"], body["department_id"], body["first_name"], body["role"]) == (
        "Head clerk", department.id, "New", "registrar")
    assert body["employee_id"] == member.employee_id and body["updated_at"] is not None
    staff_audit = await AuditLog.get(entity_type="admin_staff", entity_id=member.id, action="update")
    assert staff_audit.old_value == {"designation": "Clerk", "department_id": None, "role": "staff"}
    user_audit = await AuditLog.get(entity_type="users", entity_id=member.user_id, action="update")
    assert user_audit.old_value == {"first_name": "Old", "updated_by_id": None}
    assert user_audit.new_value == {"first_name": "New", "updated_by_id": admin_client.user.id}


async def test_promotion_to_admin_takes_effect_on_the_next_request(admin_client, login_as):
    member = await _staff_member()
    member_client = await login_as("staff", user=await member.user)
    assert (await member_client.get(URL)).status_code == 403
    assert (await admin_client.put(f"{URL}/{member.id}", json={"user_type": "admin"})).status_code == 200
    assert (await member_client.get(URL)).status_code == 200


async def test_suspending_signs_the_person_out_and_reactivating_lets_them_back(admin_client, login_as):
    member = await _staff_member()
    member_client = await login_as("staff", user=await member.user)
    assert (await admin_client.put(f"{URL}/{member.id}", json={"status": "suspended"})).status_code == 200
    assert not (await User.get(id=member.user_id)).is_active
    assert (await member_client.get("/api/v1/auth/me")).status_code == 401
    assert (await admin_client.put(f"{URL}/{member.id}", json={"status": "active"})).status_code == 200
    assert (await member_client.get("/api/v1/auth/me")).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"designation": None}, 400),
        ({"employee_id": None}, 400),
        ({"user_type": "faculty"}, 422),
        ({"email": "new@example.edu"}, 422),
        ({"password": "New-password-1"}, 422),
        ({"department_id": 999999}, 404),
        ({"status": "nope"}, 422),
    ],
)
async def test_bad_updates_change_nothing(admin_client, body, status):
    member = await _staff_member()
    before = await _snapshot()
    response = await admin_client.put(f"{URL}/{member.id}", json=body)
    assert response.status_code == status, response.text
    assert await _snapshot() == before


async def test_update_clashing_employee_id_or_phone_is_409(admin_client):
    await _staff_member(employee_id="TAKEN-1", user={"phone": "555-0101"})
    member = await _staff_member()
    before = await _snapshot()
    assert (await admin_client.put(f"{URL}/{member.id}", json={"employee_id": "taken-1"})).status_code == 409
    assert (await admin_client.put(f"{URL}/{member.id}", json={"phone": "555-0101"})).status_code == 409
    assert await _snapshot() == before


async def test_update_of_a_missing_record_is_404(admin_client):
    assert (await admin_client.put(f"{URL}/999999", json={"designation": "Clerk"})).status_code == 404


async def test_an_admin_cannot_deactivate_or_demote_themselves(admin_client):
    own = await AdminStaff.get(user_id=admin_client.user.id)
    before = await _snapshot()
    for body in ({"status": "inactive"}, {"user_type": "staff"}):
        response = await admin_client.put(f"{URL}/{own.id}", json=body)
        assert response.status_code == 400, response.text
    assert (await admin_client.delete(f"{URL}/{own.id}")).status_code == 400
    assert await _snapshot() == before
    assert (await admin_client.put(f"{URL}/{own.id}", json={"designation": "Dean"})).status_code == 200


# --- delete = deactivate ------------------------------------------------------------------


async def test_delete_deactivates_the_record_and_the_account(admin_client, login_as):
    member = await _staff_member()
    member_client = await login_as("staff", user=await member.user)
    response = await admin_client.delete(f"{URL}/{member.id}")
    assert response.status_code == 204 and response.content == b""
    await member.refresh_from_db()
    assert member.status == PersonStatus.INACTIVE
    assert (await User.get(id=member.user_id)).is_active is False
    assert (await member_client.get("/api/v1/auth/me")).status_code == 401
    # Still listed: deactivated, not deleted. Deleting again changes nothing.
    assert (await admin_client.get(f"{URL}/{member.id}")).json()["status"] == "inactive"
    audits = await AuditLog.filter(action="update").count()
    assert (await admin_client.delete(f"{URL}/{member.id}")).status_code == 204
    assert await AuditLog.filter(action="update").count() == audits


async def test_delete_of_a_missing_record_is_404(admin_client):
    assert (await admin_client.delete(f"{URL}/999999")).status_code == 404


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "faculty", "student", "parent"])
async def test_only_admins_manage_staff(login_as, role):
    member = await _staff_member()
    caller = await login_as(role)
    before = await _snapshot()
    for method, path, body in (("GET", URL, None), ("POST", URL, _new_staff()), ("GET", f"{URL}/{member.id}", None),
                               ("PUT", f"{URL}/{member.id}", {"designation": "Boss"}),
                               ("DELETE", f"{URL}/{member.id}", None)):
        response = await caller.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
    assert await _snapshot() == before


async def test_anonymous_is_401(client):
    assert (await client.get(URL)).status_code == 401
    assert (await client.post(URL, json=_new_staff())).status_code == 401
