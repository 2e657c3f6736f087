"""The staff admin panel (fastapi-admin 1.0.4 behind `compat`), mounted at /admin."""

from __future__ import annotations

from pathlib import Path

import admin_views.compat  # noqa: F401  (must precede every fastapi_admin import)

# isort: split
from fastapi_admin.app import FastAPIAdmin
from fastapi_admin.depends import get_current_admin, get_resources

from dashboard.settings import Settings

TEMPLATES_DIR = Path(__file__).parent / "templates"

def create_admin(settings: Settings) -> FastAPIAdmin:
    """A fresh admin app per root app: the stock module-level singleton keeps resources on
    the class, so a second app in one process would show every menu entry twice."""
    from starlette.routing import Route

    from admin_views.assets import default_store, serve_favicon, serve_static
    from admin_views.csrf import OriginCheckMiddleware
    from admin_views.errors import install_error_pages
    from admin_views.guard import authorize_admin_request, visible_resources
    from admin_views.home import router as home_router
    from admin_views.registry import resources, screen_routers
    from admin_views.routes import router as resource_router

    admin = FastAPIAdmin(title="University Dashboard admin", openapi_url=None, docs_url=None, redoc_url=None)
    admin.resources = []
    admin.model_resources = {}
    admin.asset_store = default_store()
    # No `language_processor` middleware: it sets a process-wide locale from each
    # request's Accept-Language, so one user's request changes another's page language.
    admin.add_middleware(OriginCheckMiddleware, public_origin=settings.public_origin)
    # The stock resource routes (fastapi_admin.routes) are not mounted: ours replace them
    # all (admin_views.routes), and every one depends on get_current_admin, overridden here.
    admin.dependency_overrides[get_current_admin] = authorize_admin_request
    admin.dependency_overrides[get_resources] = visible_resources
    admin.router.routes.append(Route("/static/npm/{path:path}", serve_static, methods=["GET", "HEAD"]))
    admin.router.routes.append(Route("/favicon.svg", serve_favicon, methods=["GET", "HEAD"]))
    admin.include_router(home_router)
    # Task screens before the resource routes, whose /{resource}/list would otherwise take
    # their /<screen>/list (admin_views.registry).
    for router in screen_routers():
        admin.include_router(router)
    admin.include_router(resource_router)
    admin.register_resources(*resources())
    install_error_pages(admin)
    return admin

async def start_admin(admin: FastAPIAdmin, settings: Settings) -> None:
    """Runs in the root lifespan: mounted apps receive no lifespan events of their own,
    and providers must add their middleware before the first request."""
    from fastapi_admin.template import templates

    from admin_views.assets import install_template_globals
    from admin_views.auth import AppLoginProvider
    from admin_views.compat import install_translations

    if getattr(admin, "_configured", False):
        return
    install_translations()
    install_template_globals(templates.env, admin.asset_store)
    from admin_views.formatting import money, number

    templates.env.globals.update(number=number, money=money)
    from dashboard.core import cache

    await admin.configure(
        # The app's shared client (connected and closed by the root lifespan): sessions
        # live beside the API's token blacklist and rate limits, in one pool.
        redis=cache.redis(),
        admin_path="/admin",
        template_folders=[str(TEMPLATES_DIR)],
        providers=[AppLoginProvider()],
        language_switch=False,
    )
    admin._configured = True
