"""The staff admin panel (fastapi-admin 1.0.4 behind `compat`), mounted at /admin."""

from __future__ import annotations

from pathlib import Path

import admin_views.compat  # noqa: F401  (must precede every fastapi_admin import)
from dashboard.settings import Settings
from fastapi_admin import middlewares
from fastapi_admin.app import FastAPIAdmin
from fastapi_admin.depends import get_current_admin
from fastapi_admin.routes import router as stock_router
from starlette.middleware.base import BaseHTTPMiddleware

TEMPLATES_DIR = Path(__file__).parent / "templates"


def create_admin(settings: Settings) -> FastAPIAdmin:
    """A fresh admin app per root app: the stock module-level singleton keeps resources on
    the class, so a second app in one process would show every menu entry twice."""
    from admin_views.guard import authorize_admin_request
    from admin_views.home import router as home_router
    from admin_views.resources import RESOURCES

    admin = FastAPIAdmin(title="University Dashboard admin", openapi_url=None, docs_url=None, redoc_url=None)
    admin.resources = []
    admin.model_resources = {}
    admin.add_middleware(BaseHTTPMiddleware, dispatch=middlewares.language_processor)
    admin.dependency_overrides[get_current_admin] = authorize_admin_request
    admin.include_router(home_router)
    admin.include_router(stock_router)
    admin.register_resources(*RESOURCES)
    return admin


async def start_admin(admin: FastAPIAdmin, settings: Settings) -> None:
    """Runs in the root lifespan: mounted apps receive no lifespan events of their own,
    and providers must add their middleware before the first request."""
    import redis.asyncio

    from admin_views.auth import AppLoginProvider
    from admin_views.compat import install_translations

    if getattr(admin, "_configured", False):
        return
    install_translations()
    client = redis.asyncio.from_url(settings.redis_url, decode_responses=True)
    await admin.configure(
        redis=client,
        admin_path="/admin",
        template_folders=[str(TEMPLATES_DIR)],
        providers=[AppLoginProvider()],
        language_switch=False,
    )
    admin._configured = True  # type: ignore[attr-defined]
