"""The root ASGI middleware: request id, timing, security headers, canonical paths,
body-size limits, one structured log line per request, and a last-resort 500."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.core.errors import PayloadTooLarge
from dashboard.web.context import accept_request_id, client_ip, header, set_request_id
from dashboard.web.errors import GENERIC_500, envelope, store_system_log

access_log = logging.getLogger("dashboard.access")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-XSS-Protection": "1; mode=block",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

MB = 1024 * 1024
# JSON bodies are small; uploads (documents up to 10 MB) are checked again, in chunks,
# by the file store, so this is only the outer wall.
JSON_BODY_LIMIT = 1 * MB
MULTIPART_BODY_LIMIT = 11 * MB

_QUIET_PATHS = ("/health/",)


class _BodyTooLarge(Exception):
    pass


def _canonical_path(path: str) -> str:
    """API paths answer with or without a trailing slash, without a redirect. The admin
    panel keeps its own routing (its index lives at `/admin/`)."""
    if len(path) > 1 and path.endswith("/") and not path.startswith("/admin"):
        return path.rstrip("/") or "/"
    return path


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, trusted_proxies: set[str] | None = None) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies or set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        rid = accept_request_id(header(scope, b"x-request-id"))
        set_request_id(rid)
        scope.setdefault("state", {})["request_id"] = rid
        path = _canonical_path(scope["path"])
        if path != scope["path"]:
            scope = dict(scope, path=path, raw_path=path.encode())

        limit = MULTIPART_BODY_LIMIT if (header(scope, b"content-type") or "").startswith(
            "multipart/"
        ) else JSON_BODY_LIMIT
        declared = header(scope, b"content-length")
        status_holder = {"status": 500, "started": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                headers["X-Process-Time"] = f"{time.perf_counter() - started:.4f}"
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            if declared and declared.isdigit() and int(declared) > limit:
                raise _BodyTooLarge
            await self.app(scope, receive_limited, send_with_headers)
        except _BodyTooLarge:
            if not status_holder["started"]:
                error = PayloadTooLarge(f"Request body exceeds {limit // MB} MB")
                await envelope(error.status_code, error.message)(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: never leak a trace
            if not status_holder["started"]:
                access_log.error("unhandled error", exc_info=exc)
                await store_system_log(exc, module=path)
                await envelope(500, GENERIC_500)(scope, receive, send_with_headers)
            # Otherwise the API's own handler already answered and logged it.
        finally:
            if not path.startswith(_QUIET_PATHS):
                self._log(scope, status_holder["status"], started, rid)

    def _log(self, scope: Scope, status: int, started: float, rid: str) -> None:
        state = scope.get("state", {})
        access_log.info(
            "request",
            extra={
                "fields": {
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status_code": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": state.get("user_id"),
                    "client_ip": client_ip(scope, self.trusted_proxies),
                    "user_agent": (header(scope, b"user-agent") or "")[:200],
                }
            },
        )
