"""Task screens of the campus services (the cashier's, librarian's and warden's desks and
the defaulters and overdue lists): pages built around a job rather than one table, so they
are plain routes instead of `AdminResource`s (admin_views.registry collects their
`SCREENS` for the menu and their `router`s). What they share lives here: the screen entry,
the permission check every route makes first, page rendering, form parsing against the API's schemas,
and CSV downloads through the API's formula-safe writer.

Every write calls a service as the signed-in user's Actor; nothing here writes the ORM.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi_admin.template import templates
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.status import HTTP_303_SEE_OTHER, HTTP_403_FORBIDDEN

import admin_views.compat  # noqa: F401  (before fastapi_admin)
from admin_views import formatting
from admin_views.guard import require_admin_session
from admin_views.widgets import has_control_characters
from dashboard.core import exports
from dashboard.core.actor import Actor
from dashboard.core.roles import Permission


@dataclass(frozen=True)
class Screen:
    path: str  # under /admin; the menu links to /admin/<path>/list
    label: str
    icon: str
    permission: Permission


def actor_for(request: Request, permission: Permission) -> Actor:
    """The signed-in actor, refused (403) without `permission`; no session → the login page."""
    admin = require_admin_session(request)
    if not admin.actor.can(permission):
        raise HTTPException(status_code=HTTP_403_FORBIDDEN)
    return admin.actor


def render(request: Request, template: str, screen: Screen, *, status_code: int = 200, **context: Any) -> Response:
    from admin_views.guard import visible_resources

    return templates.TemplateResponse(request, template, {
        "request": request, "resources": visible_resources(request), "resource": screen.path,
        "page_title": context.pop("page_title", screen.label), "money": money, **context,
    }, status_code=status_code)


def redirect(request: Request, path: str, **query: Any) -> RedirectResponse:
    from urllib.parse import urlencode

    suffix = ("?" + urlencode({k: v for k, v in query.items() if v is not None})) if query else ""
    return RedirectResponse(f"{request.app.admin_path}/{path}{suffix}", status_code=HTTP_303_SEE_OTHER)


def money(value: Any) -> str:
    """Amounts in the settings' currency and locale, as everywhere in the panel."""
    return formatting.money(value)


def form_error(exc: ValidationError) -> str:
    parts = []
    for item in exc.errors():
        field = ".".join(str(p) for p in item["loc"]) or "form"
        parts.append(f"{field}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


async def parse_form(request: Request, schema: type[BaseModel], *, fields: Sequence[str],
                     extra: dict[str, Any] | None = None) -> tuple[BaseModel | None, str | None]:
    """The posted `fields` (blank ones left out) validated by an API schema: (model,
    None) or (None, the message to show)."""
    form = await request.form()
    data: dict[str, Any] = {}
    for name in fields:
        raw = form.get(name)
        if isinstance(raw, str) and raw.strip():
            if has_control_characters(raw):
                return None, f"{name}: control characters are not allowed"
            data[name] = raw.strip()
    data.update(extra or {})
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        return None, form_error(exc)


def query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


def csv_download(basename: str, header: Sequence[str], rows: AsyncIterable[dict[str, Any]],
                 cells: Callable[[dict[str, Any]], list[Any]]) -> StreamingResponse:
    async def chunks() -> Any:
        batch: list[list[Any]] = []
        async for row in rows:
            batch.append(cells(row))
            if len(batch) >= 1000:
                yield batch
                batch = []
        if batch:
            yield batch

    result = exports.export("csv", basename=basename, header=list(header), rows=chunks())
    return StreamingResponse(result.body, media_type=result.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})
