"""The one error envelope, and the handlers that produce it for every failure."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from asyncpg.exceptions import PostgresError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from tortoise.exceptions import IntegrityError, OperationalError

from dashboard.core.errors import DomainError, RateLimited, code_for_status
from dashboard.web.context import request_id
from dashboard.web.responses import OrjsonResponse

log = logging.getLogger("dashboard.errors")

GENERIC_500 = "An unexpected error occurred. Please try again later."

# PostgreSQL SQLSTATEs a request can trip when two writers race past a service check.
_INTEGRITY_MESSAGES = {
    "23505": (409, "The request conflicts with an existing record"),
    "23503": (409, "The request refers to a record that is missing or still in use"),
    "23514": (409, "The request would break a rule of the stored data"),
    "23P01": (409, "The request conflicts with an existing record"),
}


def envelope(
    status: int,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "success": False,
        "detail": message,
        "error": {
            "code": code_for_status(status),
            "message": message,
            "details": details or [],
            "request_id": request_id(),
        },
    }
    return OrjsonResponse(body, status_code=status, headers=headers)


def _auth_headers(status: int) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if status == 401 else None


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)  # noqa: S101 - the handler is registered for this type only
    headers = _auth_headers(exc.status_code)
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    return envelope(exc.status_code, exc.message, details=exc.details, headers=headers)


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - the handler is registered for this type only
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI reports a JSON body that is not UTF-8 as a bare 400 ("error parsing the
        # body"); to the client it is malformed JSON like any other, a 422.
        return envelope(422, "Request validation failed", details=[{
            "field": "body", "message": "JSON decode error: the body is not UTF-8", "type": "json_invalid",
        }])
    messages = {404: "Not found", 405: "Method not allowed"}
    message = exc.detail if isinstance(exc.detail, str) else messages.get(exc.status_code, "Error")  # type: ignore[redundant-expr]
    headers = dict(exc.headers or {}) | (_auth_headers(exc.status_code) or {})
    return envelope(exc.status_code, message, headers=headers or None)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - the handler is registered for this type only
    # Only where, what and why: the rejected input may be a password.
    details = [
        {"field": _field_path(err.get("loc", ())), "message": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return envelope(422, "Request validation failed", details=details)


async def integrity_error(_: Request, exc: Exception) -> JSONResponse:
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    status, message = _INTEGRITY_MESSAGES.get(str(sqlstate), (409, "The request conflicts with stored data"))
    log.info("integrity error mapped to %s: %s", status, exc)
    return envelope(status, message)


# Two transactions that locked rows in opposite orders, or a serializable transaction that
# lost a race: PostgreSQL rolled one back, so nothing changed and a retry may succeed.
_RETRYABLE_SQLSTATES = {"40P01", "40001"}


async def operational_error(request: Request, exc: Exception) -> JSONResponse:
    """Tortoise wraps most driver errors in OperationalError; inside a transaction some
    reach us as asyncpg's own PostgresError. Both carry the SQLSTATE."""
    sqlstate = str(getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None))
    if sqlstate.startswith("23"):
        return await integrity_error(request, exc)
    if sqlstate in _RETRYABLE_SQLSTATES:
        log.warning("concurrent update refused (%s) on %s %s", sqlstate, request.method, _loggable(request.url.path))
        return envelope(409, "The request conflicted with a concurrent change; please retry")
    return await unexpected_error(request, exc)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, _loggable(request.url.path), exc_info=exc)
    await store_system_log(exc, module=_loggable(request.url.path))
    return envelope(500, GENERIC_500)


async def store_system_log(exc: BaseException, *, module: str | None = None) -> None:
    """Keep the failure in system_logs; a logging failure must not mask the original."""
    from models import SystemLog
    from models.enums import LogLevel

    frames = traceback.extract_tb(exc.__traceback__)
    try:
        await SystemLog.create(
            log_level=LogLevel.ERROR,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            module=(module or "")[:255] or None,
            function=frames[-1].name if frames else None,
            stack_trace="".join(traceback.format_exception(exc))[-20000:],
            request_id=request_id(),
        )
    except Exception:
        log.exception("could not write system_logs row")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(OperationalError, operational_error)
    app.add_exception_handler(PostgresError, operational_error)
    app.add_exception_handler(Exception, unexpected_error)


def _loggable(path: str) -> str:
    from dashboard.web.middleware import loggable_path  # the middleware imports this module

    return loggable_path(path)
