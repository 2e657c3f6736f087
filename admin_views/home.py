"""The admin index page (fastapi-admin has none: its login redirected to a 404)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin_views.guard import require_admin_session
from fastapi_admin.depends import get_resources
from fastapi_admin.template import templates

router = APIRouter()


@router.get("/", include_in_schema=False)
async def home(
    request: Request,
    _: object = Depends(require_admin_session),
    resources: list[dict] = Depends(get_resources),
) -> Response:
    return templates.TemplateResponse(
        "dashboard_home.html",
        context={"request": request, "resources": resources, "page_title": "Dashboard"},
    )
