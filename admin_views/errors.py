"""Error pages for the panel: HTML in the panel's own look, never a stack trace, and the
login redirect raised by the guard turned into a real redirect."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi_admin.template import templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

log = logging.getLogger("dashboard.admin")

_TITLES = {
    400: "The request could not be understood",
    401: "Please sign in",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This action is not available here",
    422: "The request could not be understood",
}


def _page(request: Request, status_code: int) -> Response:
    template = f"errors/{status_code}.html" if status_code in (401, 403, 404, 500) else "errors/generic.html"
    return templates.TemplateResponse(
        request, template,
        {"request": request, "status_code": status_code, "message": _TITLES.get(status_code, "Something went wrong")},
        status_code=status_code,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code in (302, 303) and exc.headers and "Location" in exc.headers:
        return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
    return _page(request, exc.status_code)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return _page(request, 400)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("admin panel error", exc_info=exc)
    return _page(request, 500)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
