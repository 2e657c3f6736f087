"""GET /api/v1/audit-logs (admin only), and unhandled errors landing in system_logs."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from fastapi import Request
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from api import create_api
from api.deps import CurrentActor, requires
from dashboard.web.errors import GENERIC_500
from dashboard.web.middleware import RequestContextMiddleware
from models import AuditLog, SystemLog
from models.enums import LogLevel

URL = "/api/v1/audit-logs"


async def _entry(*, user=None, action="update", entity_type="departments", entity_id=1,
                 at: dt.datetime | None = None) -> AuditLog:
    row = await AuditLog.create(user=user, action=action, entity_name=f"{entity_type} {entity_id}",
                                entity_type=entity_type, entity_id=entity_id, old_value={"a": 1},
                                new_value={"a": 2}, ip_address="203.0.113.4", user_agent="pytest")
    if at is not None:
        await AuditLog.filter(id=row.id).update(timestamp=at)
    return row


async def test_writes_through_the_api_are_listed_newest_first(admin_client):
    created = await admin_client.post("/api/v1/departments", json={"name": "Physics", "code": "PHY"})
    department_id = created.json()["id"]
    await admin_client.put(f"/api/v1/departments/{department_id}", json={"name": "Applied Physics"},
                           headers={"User-Agent": "frontend/1.0"})
    response = await admin_client.get(URL, params={"entity_type": "departments", "entity_id": department_id})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and [e["action"] for e in body["items"]] == ["update", "create"]
    update = body["items"][0]
    assert set(update) == {"id", "user_id", "action", "entity_type", "entity_id", "entity_name", "old_value",
                           "new_value", "ip_address", "user_agent", "timestamp"}
    assert update["user_id"] == admin_client.user.id and update["entity_id"] == department_id
    assert update["old_value"]["name"] == "Physics" and update["new_value"]["name"] == "Applied Physics"
    assert update["ip_address"] == "127.0.0.1" and update["user_agent"] == "frontend/1.0"
    assert update["timestamp"].endswith(("Z", "+00:00"))


async def test_filters_combine_and_dates_are_whole_days(admin_client, login_as):
    other = (await login_as("staff")).user
    day = dt.datetime(2025, 3, 10, tzinfo=dt.UTC)
    early = await _entry(user=other, entity_id=7, at=day)
    late = await _entry(user=other, entity_id=7, action="delete", at=day + dt.timedelta(hours=23, minutes=59))
    next_day = await _entry(user=admin_client.user, entity_id=7, at=day + dt.timedelta(days=1))
    other_type = await _entry(user=other, entity_type="courses", entity_id=7, at=day)

    async def ids(**params):
        response = await admin_client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert await ids(entity_type="departments", entity_id=7) == [next_day.id, late.id, early.id]
    assert await ids(user_id=other.id) == [late.id, other_type.id, early.id]
    assert await ids(date_from="2025-03-10", date_to="2025-03-10") == [late.id, other_type.id, early.id]
    assert await ids(date_from="2025-03-11") == [next_day.id]
    assert await ids(date_to="2025-03-09") == []
    assert await ids(action="delete") == [late.id]
    assert await ids(entity_type="courses", user_id=other.id, date_from="2025-03-10") == [other_type.id]
    assert await ids(entity_id=8) == []


async def test_pagination(admin_client):
    rows = [await _entry(entity_id=n) for n in range(1, 13)]
    first = (await admin_client.get(URL, params={"entity_type": "departments", "page_size": 5})).json()
    assert first["total"] == 12 and first["total_pages"] == 3
    assert [e["id"] for e in first["items"]] == [r.id for r in reversed(rows)][:5]
    last = (await admin_client.get(URL, params={"entity_type": "departments", "page_size": 5, "page": 3})).json()
    assert [e["id"] for e in last["items"]] == [rows[1].id, rows[0].id]


@pytest.mark.parametrize(
    "params",
    [{"entity_id": "x"}, {"entity_id": 0}, {"user_id": -1}, {"date_from": "10/03/2025"}, {"date_to": "2025-13-01"},
     {"page": 0}, {"page_size": 101}, {"entity_type": "x" * 51}],
)
async def test_bad_parameters_are_422(admin_client, params):
    response = await admin_client.get(URL, params=params)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_a_reversed_date_range_is_400(admin_client):
    response = await admin_client.get(URL, params={"date_from": "2025-03-11", "date_to": "2025-03-10"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["staff", "faculty", "student", "parent"])
async def test_only_admins_read_the_trail(login_as, role):
    await _entry()
    response = await (await login_as(role)).get(URL)
    assert response.status_code == 403 and response.json()["error"]["code"] == "FORBIDDEN"


async def test_anonymous_is_401(client):
    assert (await client.get(URL)).status_code == 401


# --- unhandled errors → system_logs --------------------------------------------------------


async def test_an_unhandled_api_error_is_stored_with_its_request_id_and_no_secrets(app, student_client):
    """A route that exists only in this test's copy of the API fails with an unexpected
    error while the request carries a bearer token and a password."""
    api = create_api()

    @api.post("/api/v1/test-only/explode", openapi_extra=requires(None))
    async def explode(request: Request, actor: CurrentActor) -> dict:
        await request.json()
        raise RuntimeError("the ledger is out of balance")

    probe = Starlette(routes=[Mount("/", app=api)], middleware=[Middleware(RequestContextMiddleware)])
    token = student_client.headers["authorization"].split()[1]
    secret_password = "Sup3r-Secret-Passw0rd"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=probe), base_url="http://test") as caller:
        response = await caller.post("/api/v1/test-only/explode", json={"password": secret_password},
                                     headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-explode-1"})
    assert response.status_code == 500
    assert response.json()["detail"] == GENERIC_500 and response.json()["error"]["request_id"] == "req-explode-1"
    assert "ledger" not in response.text and "Traceback" not in response.text

    [row] = await SystemLog.all()
    assert row.request_id == "req-explode-1" and row.log_level == LogLevel.ERROR
    assert row.message == "RuntimeError: the ledger is out of balance"
    assert row.module == "/api/v1/test-only/explode" and row.function == "explode"
    assert "RuntimeError" in row.stack_trace
    stored = " ".join(str(v) for v in (row.message, row.module, row.function, row.stack_trace))
    assert token not in stored and token.split(".")[1] not in stored
    assert secret_password not in stored


async def test_an_error_outside_the_api_is_stored_by_the_outer_middleware(app):
    async def broken(_):
        raise ValueError("disk on fire")

    probe = Starlette(routes=[Route("/broken", broken)], middleware=[Middleware(RequestContextMiddleware)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=probe, raise_app_exceptions=False),
                                 base_url="http://test") as caller:
        response = await caller.get("/broken", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 500 and response.json()["detail"] == GENERIC_500
    [row] = await SystemLog.all()
    assert row.request_id == response.headers["x-request-id"] and row.message == "ValueError: disk on fire"
    assert "abc.def.ghi" not in row.stack_trace
