"""The root application: /api/v1 and /docs (FastAPI), /admin (fastapi-admin), /health."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route

from api import create_api
from dashboard.core import cache
from dashboard.core.db import close_orm, init_orm
from dashboard.core.heap import settle_heap
from dashboard.services.auth import close_live_user_reader
from dashboard.settings import Settings, get_settings
from dashboard.web import health
from dashboard.web.middleware import RequestContextMiddleware
from dashboard.web.ratelimit import RateLimitMiddleware

log = logging.getLogger("dashboard")


def _cors(settings: Settings) -> Middleware:
    origins = settings.cors_origin_list
    # Browsers refuse `*` with credentials; never combine them.
    wildcard = "*" in origins
    return Middleware(
        CORSMiddleware,
        allow_origins=["*"] if wildcard else origins,
        allow_credentials=not wildcard,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID", "X-Process-Time", "Retry-After"],
    )


def create_app(settings: Settings | None = None, *, run_worker: bool = False) -> Starlette:
    """`run_worker` runs the arq worker inside this process (the embedded default)."""
    settings = settings or get_settings()
    if settings.database_url is None or settings.redis_url is None:
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set (the CLI sets them for embedded servers)")
    settings.secret_key()  # fail at start, not on the first login

    from admin_views import create_admin, start_admin

    admin_app = create_admin(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await init_orm(settings.database_url)  # type: ignore[arg-type]
        await cache.connect(settings.redis_url)  # type: ignore[arg-type]
        await start_admin(admin_app, settings)
        worker_task = None
        worker = None
        if run_worker:
            from jobs.worker import in_process_worker

            worker = in_process_worker(settings.redis_url)  # type: ignore[arg-type]
            worker_task = asyncio.create_task(worker.async_run())
        settle_heap()
        try:
            yield
        finally:
            if worker is not None and worker_task is not None:
                from jobs.worker import stop_worker

                await stop_worker(worker)
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
            await close_live_user_reader()
            await cache.close()
            await close_orm()

    # One application, not a root Starlette app mounting the API: every API request used
    # to pass two stacks of framework middleware (the root's error and exception layers,
    # its router and the mount, then the API's own), each wrapping the request and every
    # message sent. The probes and the admin panel are routes of the API's router, tried
    # first as before; the API's exception handlers only see what the API raises (the
    # panel's own app answers its errors).
    app = create_api()
    app.router.lifespan_context = lifespan
    app.router.routes[0:0] = [
        Route("/health/live", health.live),
        Route("/health/ready", health.ready),
        Mount("/admin", app=admin_app, name="admin"),
    ]
    # add_middleware puts each one outside the ones before it: innermost first.
    app.add_middleware(RateLimitMiddleware)  # inside CORS, so that a browser can read a 429 or 503
    cors = _cors(settings)
    app.add_middleware(cors.cls, *cors.args, **cors.kwargs)
    app.add_middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxy_list)
    return app
