"""Request limits (Redis, per user or per client IP) and what happens when Redis is down."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import jwt
import pytest
from arq.connections import ArqRedis

from dashboard.core import cache
from dashboard.settings import get_settings
from tests import factories

AUTH = "/api/v1/auth"


def _client(app, ip: str = "127.0.0.1", **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 50000)),
                             base_url="http://test", headers=headers)


def _assert_429(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


@pytest.fixture
def settings_override() -> Iterator:
    settings = get_settings()
    saved: dict[str, object] = {}

    def _set(**values):
        for name, value in values.items():
            saved.setdefault(name, getattr(settings, name))
            setattr(settings, name, value)

    yield _set
    for name, value in saved.items():
        setattr(settings, name, value)


async def _login(client, email="someone@example.edu", password="Wrong-password"):
    return await client.post(f"{AUTH}/login", json={"email": email, "password": password})


async def test_login_allows_10_a_minute_per_ip_then_429(app):
    await factories.create_user(email="ada@example.edu")
    async with _client(app, "10.9.0.1") as first, _client(app, "10.9.0.2") as second:
        for _ in range(9):
            assert (await _login(first)).status_code == 401
        assert (await _login(first, "ada@example.edu", factories.PASSWORD)).status_code == 200
        _assert_429(await _login(first, "ada@example.edu", factories.PASSWORD))
        assert (await _login(second, "ada@example.edu", factories.PASSWORD)).status_code == 200


async def test_tokens_of_other_accounts_buy_no_extra_login_attempts(app):
    """Sending some valid token (here refresh tokens of other, even deactivated, accounts)
    must not move the login count from the client's IP into a fresh per-user bucket."""
    from dashboard.core.security import TokenType, create_token

    others = [await factories.create_user(is_active=False) for _ in range(3)]
    async with _client(app, "10.9.0.3") as attacker:
        for _ in range(10):
            assert (await _login(attacker)).status_code == 401
        for other in others:
            token = create_token(other.id, TokenType.REFRESH)
            response = await attacker.post(f"{AUTH}/login", json={"email": "someone@example.edu",
                                                                  "password": "Wrong-password"},
                                           headers={"Authorization": f"Bearer {token}"})
            _assert_429(response)


@pytest.mark.parametrize("endpoint", ["register", "forgot-password", "reset-password", "verify-email",
                                      "send-verification"])
async def test_the_code_and_account_endpoints_allow_5_a_minute(client, endpoint):
    # Invalid bodies count too: the limit is checked before anything else.
    for _ in range(5):
        assert (await client.post(f"{AUTH}/{endpoint}", json={})).status_code == 422
    _assert_429(await client.post(f"{AUTH}/{endpoint}", json={}))
    # Each endpoint has its own count.
    assert (await client.post(f"{AUTH}/login", json={})).status_code == 422


async def test_refresh_allows_20_a_minute(client):
    for _ in range(20):
        assert (await client.post(f"{AUTH}/refresh")).status_code == 401
    _assert_429(await client.post(f"{AUTH}/refresh"))


async def test_other_endpoints_share_the_default_limit_per_user(app, login_as, client, settings_override):
    settings_override(rate_limit_default="3/minute")
    busy, other = await login_as("staff"), await login_as("staff")
    for path in ("/api/v1/departments", f"{AUTH}/me", "/api/v1/departments/999"):
        assert (await busy.get(path)).status_code in (200, 404)
    _assert_429(await busy.get("/api/v1/departments"))
    # Same address, another user: a count of its own. So is the anonymous caller's.
    assert (await other.get("/api/v1/departments")).status_code == 200
    assert (await client.get("/api/v1/departments")).status_code == 401


async def test_the_default_limit_is_100_a_minute(login_as):
    assert get_settings().rate_limit_default == "100/minute"
    staff = await login_as("staff")
    for _ in range(100):
        assert (await staff.get("/api/v1/departments")).status_code == 200
    _assert_429(await staff.get("/api/v1/departments"))


async def test_a_forged_token_is_counted_by_ip_not_as_its_subject(app, login_as, settings_override):
    settings_override(rate_limit_default="2/minute")
    victim = await login_as("student")
    now = int(time.time())
    forged = jwt.encode({"sub": str(victim.user.id), "type": "access", "jti": "x", "iat": now, "exp": now + 600},
                        "another-secret-" + "z" * 40, algorithm="HS256")
    async with _client(app, "10.9.1.1", Authorization=f"Bearer {forged}") as attacker:
        for _ in range(2):
            assert (await attacker.get("/api/v1/departments")).status_code == 401
        _assert_429(await attacker.get("/api/v1/departments"))
    # The victim's own count is untouched.
    assert (await victim.get("/api/v1/departments")).status_code == 200


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(app, settings_override):
    settings_override(rate_limit_login="2/minute")
    async def login_via(client, forwarded_for: str) -> httpx.Response:
        return await client.post(f"{AUTH}/login", json={"email": "a@example.edu", "password": "Wrong-password"},
                                 headers={"X-Forwarded-For": forwarded_for})

    async with _client(app, "10.9.2.1") as direct:
        for n in range(2):
            assert (await login_via(direct, f"198.51.100.{n}")).status_code == 401
        _assert_429(await login_via(direct, "198.51.100.99"))

    settings_override(trusted_proxies="10.9.2.2")
    async with _client(app, "10.9.2.2") as proxy:
        for _ in range(2):
            assert (await login_via(proxy, "203.0.113.7")).status_code == 401
        _assert_429(await login_via(proxy, "203.0.113.7"))
        assert (await login_via(proxy, "203.0.113.8")).status_code == 401


async def test_limits_can_be_switched_off(client, settings_override):
    settings_override(rate_limit_enabled=False, rate_limit_login="1/minute")
    for _ in range(3):
        assert (await _login(client)).status_code == 401


async def test_health_and_admin_paths_are_not_counted_by_the_api_limiter(client, settings_override):
    settings_override(rate_limit_default="1/minute")
    for _ in range(3):
        assert (await client.get("/health/live")).status_code == 200
    assert (await client.get("/api/v1/departments")).status_code == 401
    _assert_429(await client.get("/api/v1/departments"))


# --- Redis down -----------------------------------------------------------------------------


@pytest.fixture
async def redis_down(app):
    """The shared Redis client pointed at a closed port for one test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = cache.redis()
    dead = ArqRedis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    cache.use(dead)
    try:
        yield
    finally:
        cache.use(saved)
        await dead.aclose()


async def test_with_redis_down_auth_fails_closed_and_reads_stay_served(client, staff_client, redis_down):
    await factories.create_user(email="ada@example.edu")
    login = await _login(client, "ada@example.edu", factories.PASSWORD)
    assert login.status_code == 503 and login.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert (await client.post(f"{AUTH}/forgot-password", json={"email": "ada@example.edu"})).status_code == 503
    assert (await staff_client.get(f"{AUTH}/me")).status_code == 503

    # Reads: not counted, and token revocation not checked (the user still is, in PostgreSQL).
    assert (await staff_client.get("/api/v1/departments")).status_code == 200
    # Writes wait for Redis: a revoked token must not change anything.
    write = await staff_client.post("/api/v1/departments", json={"name": "Physics", "code": "PHY"})
    assert write.status_code == 503
