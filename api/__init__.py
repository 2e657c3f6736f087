"""The REST API: every module of this package that defines `router` is served under
/api/v1, so adding a resource group needs no registration elsewhere."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter, FastAPI

from api.routing import ResourceRouter
from dashboard.web import docs, errors

API_PREFIX = "/api/v1"
TITLE = "University Dashboard API"
OPENAPI_URL = "/openapi.json"
DESCRIPTION = """Students, faculty, programs, courses, enrollments, attendance, grades, fees, library,
hostels, exams, timetables, notifications, documents and reports.

**Signing in.** `POST /api/v1/auth/login` answers an access token and a refresh token; send the
access token as `Authorization: Bearer <token>` (on /docs, the **Authorize** button). Each operation
says who may call it: a role without the permission gets 403, a missing or expired token 401.

**Errors** share one envelope: `{"success": false, "detail", "error": {"code", "message",
"details", "request_id"}}`. A query parameter that an operation does not list is a 422 naming
it and the accepted ones (a bare `_` cache-buster aside).

**Lists** are paged with `page` (from 1) and `page_size` (1-100, default 10).
"""


def _routers() -> list[APIRouter]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def create_api() -> FastAPI:
    app = FastAPI(
        title=TITLE,
        version="1.0.0",
        description=DESCRIPTION,
        # Served from pinned local files instead of FastAPI's CDN pages (dashboard/web/docs.py).
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        redirect_slashes=False,
    )
    errors.install(app)
    app.router.routes.extend(docs.routes(title=TITLE, openapi_url=OPENAPI_URL))
    for router in _routers():
        if isinstance(router, ResourceRouter):
            router.served_prefix = API_PREFIX + router.prefix
        app.include_router(router, prefix=API_PREFIX)
    return app
