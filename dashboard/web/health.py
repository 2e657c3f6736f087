"""Probes for load balancers and orchestrators. Readiness names what is down, never why."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

from dashboard.core import cache

log = logging.getLogger("dashboard.health")
PROBE_TIMEOUT_SECONDS = 2.0


async def live(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _check_database() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def _check_redis() -> None:
    await cache.redis().ping()


async def ready(_: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    for name, probe in (("database", _check_database), ("redis", _check_redis)):
        try:
            await asyncio.wait_for(probe(), PROBE_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness check %s failed: %r", name, exc)
            checks[name] = "unavailable"
    healthy = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )
