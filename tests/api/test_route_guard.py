"""Each route's wrapper (api.routing.GuardedRoute) checks the caller before anything of the
request is read: no token is a 401 and a role without the permission a 403, whatever the
body or query holds; only then are unknown query parameters (422) and the body looked at."""

from __future__ import annotations

DEPARTMENTS = "/api/v1/departments"
BROKEN_JSON = b'{"name": "Physics", "code": '


async def test_without_a_token_the_answer_is_401_whatever_the_input(client):
    for response in (
        await client.post(DEPARTMENTS, content=BROKEN_JSON, headers={"Content-Type": "application/json"}),
        await client.post(DEPARTMENTS, params={"zzz": "1"}, json={"name": "Physics", "code": "PHY"}),
        await client.get(DEPARTMENTS, params={"zzz": "1"}),
        await client.get(DEPARTMENTS, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}),
        await client.get(DEPARTMENTS, headers={"Authorization": "Bearer "}),
        await client.get(DEPARTMENTS, headers={"Authorization": "Bearer not-a-token"}),
    ):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "UNAUTHORIZED"


async def test_a_role_without_the_permission_gets_403_before_its_input_is_read(student_client):
    broken = await student_client.post(DEPARTMENTS, content=BROKEN_JSON, headers={"Content-Type": "application/json"})
    assert broken.status_code == 403, broken.text
    unknown = await student_client.post(DEPARTMENTS, params={"zzz": "1"}, content=BROKEN_JSON,
                                        headers={"Content-Type": "application/json"})
    assert unknown.status_code == 403, unknown.text


async def test_with_the_permission_an_unknown_parameter_then_the_body_is_judged(staff_client):
    unknown = await staff_client.post(DEPARTMENTS, params={"zzz": "1"}, content=BROKEN_JSON,
                                      headers={"Content-Type": "application/json"})
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "query.zzz"
    broken = await staff_client.post(DEPARTMENTS, content=BROKEN_JSON, headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["details"][0]["type"] == "json_invalid"
    created = await staff_client.post(DEPARTMENTS, json={"name": "Physics", "code": "PHY"})
    assert created.status_code == 201, created.text


async def test_the_scheme_is_case_insensitive_as_before(staff_client, client):
    token = staff_client.headers["Authorization"].split(" ", 1)[1]
    response = await client.get(DEPARTMENTS, headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200, response.text


async def test_the_live_user_check_survives_a_dropped_connection(student_client):
    """The check's own PostgreSQL connection may be cut (a restart, an idle timeout): the
    request is still answered, from the pool, and the user is still checked."""
    from tortoise import connections

    from dashboard.services import auth
    from models import User

    assert (await student_client.get("/api/v1/auth/me")).status_code == 200
    own = auth._live_users._connection
    assert own is not None and not own.is_closed()
    await connections.get("default").execute_query(
        "SELECT pg_terminate_backend($1)", [own.get_server_pid()])
    assert (await student_client.get("/api/v1/auth/me")).status_code == 200
    await User.filter(id=student_client.user.id).update(is_active=False)
    assert (await student_client.get("/api/v1/auth/me")).status_code == 401
    auth._live_users._pool_until = 0.0
    assert (await student_client.get("/api/v1/auth/me")).status_code == 401
    assert auth._live_users._connection is not None and not auth._live_users._connection.is_closed()
