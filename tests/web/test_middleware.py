"""The root middleware: request ids, security headers, the envelope for framework errors,
CORS, body limits and the last-resort 500."""

from __future__ import annotations

import httpx
import pytest

from dashboard.web.middleware import SECURITY_HEADERS, RequestContextMiddleware
from models import SystemLog


async def test_security_headers_on_every_response(client):
    for path in ("/health/live", "/api/v1/departments", "/api/v1/nowhere", "/admin/login", "/docs"):
        response = await client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
        assert float(response.headers["X-Process-Time"]) >= 0


async def test_a_plain_client_request_id_is_echoed(client):
    response = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("bad", ["has space", "x" * 65, "semi;colon", "new\\nline", "ünïcode"])
async def test_an_unsafe_client_request_id_is_replaced(client, bad):
    response = await client.get("/health/live", headers={"X-Request-ID": bad.encode("utf-8")})
    echoed = response.headers["X-Request-ID"]
    assert echoed != bad and len(echoed) == 32 and echoed.isalnum()


async def test_unknown_path_gets_the_envelope(client):
    response = await client.get("/api/v1/nowhere", headers={"X-Request-ID": "rid-404"})
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "detail": "Not Found",
        "error": {"code": "NOT_FOUND", "message": "Not Found", "details": [], "request_id": "rid-404"},
    }


async def test_wrong_method_gets_the_envelope(client):
    response = await client.patch("/api/v1/departments")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


async def test_cors_allows_only_configured_origins(client):
    allowed = await client.options(
        "/api/v1/departments",
        headers={"Origin": "http://frontend.test", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers["access-control-allow-origin"] == "http://frontend.test"
    assert allowed.headers["access-control-allow-credentials"] == "true"

    refused = await client.options(
        "/api/v1/departments",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_wildcard_cors_never_sends_credentials(services):
    from dashboard.app import _cors
    from dashboard.settings import Settings

    middleware = _cors(Settings(cors_origins="*", database_url="x", redis_url="y"))
    assert middleware.kwargs["allow_origins"] == ["*"]
    assert middleware.kwargs["allow_credentials"] is False


async def test_declared_oversized_body_is_413_before_reading(client):
    response = await client.post(
        "/api/v1/departments", content=b"{}", headers={"Content-Length": str(50 * 1024 * 1024),
                                                     "Content-Type": "application/json"},
    )
    assert response.status_code == 413


async def _failing_asgi_app(scope, receive, send):
    """What the middleware wraps in the real app: the router, which lets errors through."""
    raise RuntimeError("database password is hunter2")


async def test_an_unhandled_error_is_a_generic_500_and_a_system_log(app):
    wrapped = RequestContextMiddleware(_failing_asgi_app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://t") as raw:
        response = await raw.get("/boom", headers={"X-Request-ID": "rid-500"})

    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "An unexpected error occurred. Please try again later."
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert response.headers["X-Request-ID"] == "rid-500"
    logged = await SystemLog.get(request_id="rid-500")
    assert logged.log_level == "error" and "RuntimeError" in logged.message


async def test_an_unhandled_error_inside_an_api_route_gets_the_envelope(app):
    from api import create_api

    api = create_api()

    @api.get("/explode")
    async def explode() -> None:
        raise ValueError("secret token abc.def.ghi")

    wrapped = RequestContextMiddleware(api)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://t") as raw:
        response = await raw.get("/explode", headers={"X-Request-ID": "rid-api-500"})

    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "An unexpected error occurred. Please try again later.",
        "details": [],
        "request_id": "rid-api-500",
    }
    assert await SystemLog.filter(request_id="rid-api-500").count() == 1


async def test_one_structured_log_line_per_request(client, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="dashboard.access"):
        await client.get("/api/v1/departments?page=1", headers={"X-Request-ID": "rid-log", "User-Agent": "probe"})
    records = [r for r in caplog.records if r.name == "dashboard.access"]
    assert len(records) == 1
    fields = records[0].fields
    assert fields["request_id"] == "rid-log"
    assert (fields["method"], fields["path"], fields["status_code"]) == ("GET", "/api/v1/departments", 401)
    assert fields["client_ip"] == "127.0.0.1" and fields["user_agent"] == "probe"
    assert fields["duration_ms"] >= 0


async def test_nul_in_the_query_string_or_path_is_422(staff_client):
    for url in ("/api/v1/departments?search=a%00b", "/api/v1/students/search?q=ab%00c",
                "/api/v1/departments/1%00", "/admin/login?next=%00"):
        response = await staff_client.get(url)
        assert response.status_code == 422, url
        assert response.json()["error"]["details"][0]["message"] == "must not contain NUL characters"


async def test_nul_in_a_json_body_is_422_and_stores_nothing(staff_client, client):
    from models import Department, User

    response = await staff_client.post("/api/v1/departments", json={"name": "Phys\x00ics", "code": "PHY"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body.name"
    assert not await Department.exists()

    registration = {"user_type": "student", "email": "nul@example.edu", "user_name": "nuluser",
                    "password": "Correct-horse-42", "first_name": "A\x00B", "last_name": "C"}
    assert (await client.post("/api/v1/auth/register", json=registration)).status_code == 422
    assert not await User.filter(email="nul@example.edu").exists()


async def test_an_oversized_chunked_body_is_413_and_stores_nothing(staff_client):
    from models import Department

    async def chunks():
        yield b'{"name": "Big", "code": "BIG", "description": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    response = await staff_client.post("/api/v1/departments", content=chunks(),
                                       headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert not await Department.exists()


async def test_a_deadlock_is_a_409_not_a_500(app):
    """Two transactions locking the same rows in opposite orders on the real server:
    PostgreSQL aborts one, and the API answers 409 (retry), not 500."""
    import asyncio

    from tortoise.transactions import in_transaction

    from api import create_api
    from tests import factories

    first = await factories.create_department(name="First")
    second = await factories.create_department(name="Second")
    api = create_api()

    @api.post("/deadlock")
    async def deadlock() -> None:
        both_hold_one = asyncio.Barrier(2)

        # A column without a unique index, so the surviving transaction can finish.
        async def lock(one: int, other: int, note: str) -> None:
            async with in_transaction() as connection:
                await connection.execute_query("UPDATE departments SET description = $2 WHERE id = $1", [one, note])
                await both_hold_one.wait()
                await connection.execute_query("UPDATE departments SET description = $2 WHERE id = $1", [other, note])

        await asyncio.gather(lock(first.id, second.id, "A"), lock(second.id, first.id, "B"))

    wrapped = RequestContextMiddleware(api)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://t") as raw:
        response = await raw.post("/deadlock")
    assert response.status_code == 409, response.text
    assert "concurrent change" in response.json()["detail"]
