"""The REST API: every module of this package that defines `router` is served under
/api/v1, so adding a resource group needs no registration elsewhere."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter, FastAPI

from api.routing import ResourceRouter
from dashboard.web import errors

API_PREFIX = "/api/v1"


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
        title="University Dashboard API",
        version="1.0.0",
        description="Students, faculty, programs, courses, enrollments, attendance, grades, "
        "fees, library, hostels, exams, timetables, notifications, documents and reports.",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        redirect_slashes=False,
    )
    errors.install(app)
    for router in _routers():
        if isinstance(router, ResourceRouter):
            router.served_prefix = API_PREFIX + router.prefix
        app.include_router(router, prefix=API_PREFIX)
    return app
