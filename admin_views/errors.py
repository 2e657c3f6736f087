"""Error pages for the panel: HTML in the panel's own look, never a stack trace, the login
redirect raised by the guard turned into a real redirect, and a constraint violation (two
writers racing past a service's check) told as the 409 conflict it is."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi_admin.template import templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from tortoise.exceptions import IntegrityError

log = logging.getLogger("dashboard.admin")

_TITLES = {
    400: "The request could not be understood",
    401: "Please sign in",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This action is not available here",
    409: "The change conflicts with stored data",
    422: "The request could not be understood",
}

# PostgreSQL SQLSTATEs a write can trip when another writer got there between the
# service's check and its statement.
_CONFLICTS = {
    "23505": "Another record with the same values was saved at the same moment",
    "23503": "The change refers to a record that is missing or still in use",
    "23514": "The change would break a rule of the stored data",
    "23P01": "Another record with the same values was saved at the same moment",
}


def conflict_message(exc: IntegrityError) -> str:
    """What a form or a delete shows for a constraint violation: the whole write was
    rolled back, so nothing changed."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    reason = _CONFLICTS.get(str(sqlstate), "The change conflicts with stored data")
    log.info("admin write refused by a constraint (%s): %s", sqlstate, exc)
    return f"{reason}. Nothing was changed: reload the page and try again."


def _page(request: Request, status_code: int, message: str | None = None) -> Response:
    template = f"errors/{status_code}.html" if status_code in (401, 403, 404, 500) else "errors/generic.html"
    return templates.TemplateResponse(
        request, template,
        {"request": request, "status_code": status_code,
         "message": message or _TITLES.get(status_code, "Something went wrong")},
        status_code=status_code,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code in (302, 303) and exc.headers and "Location" in exc.headers:
        return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
    return _page(request, exc.status_code)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return _page(request, 400)


async def _integrity_error(request: Request, exc: IntegrityError) -> Response:
    # The write routes answer a conflict on their own form; this covers any other path.
    return _page(request, 409, conflict_message(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("admin panel error", exc_info=exc)
    return _page(request, 500)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _integrity_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
