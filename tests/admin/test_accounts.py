"""Account administration from the Users list: deactivate, reactivate, end every session
and send a password-reset code, each through the users service as the signed-in admin."""

from __future__ import annotations

import re

import pytest

from models import AuditLog, User
from models.enums import UserType
from tests import factories
from tests.admin.conftest import make_person

AUTH = "/api/v1/auth"
USERS = "/admin/users"


def _act(pk: int, action: str) -> str:
    return f"{USERS}/act/{pk}/{action}"


async def _api_login(client, user) -> dict:
    response = await client.post(f"{AUTH}/login", json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_users_list_offers_each_account_the_actions_that_fit_it(admin_login):
    admin = await admin_login("admin")
    active, _ = await make_person(UserType.STAFF)
    inactive, _ = await make_person(UserType.STUDENT)
    await User.filter(id=inactive.id).update(is_active=False)
    page = (await admin.get(f"{USERS}/list", params={"page_size": 100})).text

    def offered(pk: int) -> set[str]:
        row = page.split(f'<tr data-id="{pk}">', 1)[1].split("</tr>", 1)[0]
        return set(re.findall(r'data-action="(\w+)"', row))

    assert offered(active.id) == {"deactivate", "end_sessions", "send_reset_code"}
    assert offered(inactive.id) == {"reactivate"}


async def test_deactivating_ends_every_session_and_refuses_sign_in_until_reactivated(admin_login, client):
    admin = await admin_login("admin")
    target = await admin_login("staff")
    tokens = await _api_login(client, target.user)
    assert (await target.get("/admin/")).status_code == 200

    response = await admin.post(_act(target.user.id, "deactivate"))
    assert response.status_code == 200 and "deactivated" in response.json()["detail"]
    assert (await User.get(id=target.user.id)).is_active is False
    assert (await target.get("/admin/")).status_code == 303
    me = await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 401
    refused = await target.post("/admin/login", data={"username": target.user.email, "password": factories.PASSWORD})
    assert refused.status_code == 401
    assert await AuditLog.filter(entity_type="users", entity_id=target.user.id, action="update",
                                 user_id=admin.user.id).exists()

    again = await admin.post(_act(target.user.id, "deactivate"))
    assert again.status_code == 400 and "already deactivated" in again.json()["detail"]
    assert (await admin.post(_act(target.user.id, "reactivate"))).status_code == 200
    assert (await User.get(id=target.user.id)).is_active is True
    back = await target.post("/admin/login", data={"username": target.user.email, "password": factories.PASSWORD})
    assert back.status_code == 303


async def test_an_admin_cannot_deactivate_their_own_account(admin_login):
    admin = await admin_login("admin")
    response = await admin.post(_act(admin.user.id, "deactivate"))
    assert response.status_code == 400 and "your own account" in response.json()["detail"]
    assert (await User.get(id=admin.user.id)).is_active is True
    assert (await admin.get("/admin/")).status_code == 200


async def test_ending_sessions_signs_the_account_out_of_the_panel_and_the_api(admin_login, client):
    admin = await admin_login("admin")
    target = await admin_login("staff")
    tokens = await _api_login(client, target.user)
    response = await admin.post(_act(target.user.id, "end_sessions"))
    assert response.status_code == 200 and "ended" in response.json()["detail"]
    assert (await target.get("/admin/")).status_code == 303
    refreshed = await client.post(f"{AUTH}/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    assert (await User.get(id=target.user.id)).is_active is True
    assert await AuditLog.filter(entity_id=target.user.id, action="sessions_end", user_id=admin.user.id).exists()


async def test_a_reset_code_sent_from_the_panel_arrives_and_resets_the_password(admin_login, client, smtp_sink,
                                                                                run_jobs):
    admin = await admin_login("admin")
    target, _ = await make_person(UserType.FACULTY)
    response = await admin.post(_act(target.id, "send_reset_code"))
    assert response.status_code == 200, response.text
    assert not re.search(r"\b\d{6}\b", response.text), "the code is for the account's owner only"
    assert await run_jobs() == 1
    [message] = [m for m in smtp_sink.messages if m["To"] == target.email]
    code = re.search(r"\b(\d{6})\b", message.get_body(preferencelist=("plain",)).get_content()).group(1)
    reset = await client.post(f"{AUTH}/reset-password",
                              json={"email": target.email, "otp": code, "new_password": "Chosen-anew-42"})
    assert reset.status_code == 200, reset.text
    assert await AuditLog.filter(entity_id=target.id, action="password_reset_sent", user_id=admin.user.id).exists()


async def test_no_reset_code_for_a_deactivated_account(admin_login, run_jobs):
    admin = await admin_login("admin")
    target, _ = await make_person(UserType.STAFF)
    await User.filter(id=target.id).update(is_active=False)
    response = await admin.post(_act(target.id, "send_reset_code"))
    assert response.status_code == 400 and "reactivate" in response.json()["detail"]
    assert await run_jobs() == 0


@pytest.mark.parametrize("role", ["staff", "faculty"])
async def test_only_an_admin_administers_accounts(admin_login, role):
    caller = await admin_login(role)
    target, _ = await make_person(UserType.STUDENT)
    for action in ("deactivate", "reactivate", "end_sessions", "send_reset_code"):
        assert (await caller.post(_act(target.id, action))).status_code == 403, action
    assert (await User.get(id=target.id)).is_active is True


async def test_unknown_actions_rows_and_foreign_origins_are_refused(admin_login, anonymous):
    admin = await admin_login("admin")
    target, _ = await make_person(UserType.STAFF)
    assert (await admin.post(_act(target.id, "delete_everything"))).status_code == 404
    assert (await admin.post(_act(2**31 - 1, "deactivate"))).status_code == 404
    assert (await admin.post(f"{USERS}/act/abc/deactivate")).status_code == 404
    # Row actions exist where a resource declares them: departments have none.
    assert (await admin.post(f"/admin/departments/act/{target.id}/deactivate")).status_code == 403
    forged = await admin.post(_act(target.id, "deactivate"), headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert (await anonymous.post(_act(target.id, "deactivate"))).status_code in (303, 401)
    assert (await User.get(id=target.id)).is_active is True
