"""Liveness and readiness probes."""

from __future__ import annotations

from dashboard.core import cache


async def test_live(client):
    response = await client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_ready_when_both_answer(client):
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_ready_is_503_without_internals_when_redis_is_down(client, monkeypatch):
    from arq.connections import ArqRedis

    unreachable = ArqRedis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(cache, "_client", unreachable)
    try:
        response = await client.get("/health/ready")
    finally:
        await unreachable.aclose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}}
    assert "Connection" not in response.text and "refused" not in response.text
