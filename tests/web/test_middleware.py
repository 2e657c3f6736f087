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
