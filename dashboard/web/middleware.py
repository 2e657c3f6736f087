"""The root ASGI middleware: request id, timing, security headers, canonical paths,
body-size limits, one structured log line per request, and a last-resort 500."""

from __future__ import annotations

import logging
import re
import time

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

# The same, as the raw (lower-case bytes) header pairs added to each answer.
_SECURITY_RAW = tuple((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items())
_OURS = frozenset({b"x-request-id", b"x-process-time"})

MB = 1024 * 1024
# JSON bodies are small; uploads (documents up to 10 MB) are checked again, in chunks,
# by the file store, so this is only the outer wall.
JSON_BODY_LIMIT = 1 * MB
MULTIPART_BODY_LIMIT = 11 * MB

_QUIET_PATHS = ("/health/",)


def _has_nul(scope: Scope) -> bool:
    """A NUL in the query string or path: PostgreSQL cannot store or compare one, so no
    handler could use it. Refused here, once, for the API and the admin panel alike."""
    query = scope.get("query_string", b"")
    raw_path = scope.get("raw_path") or scope["path"].encode()
    return b"%00" in query.lower() or b"\x00" in query or b"%00" in raw_path.lower() or "\x00" in scope["path"]


# A calendar feed's URL is its secret (calendar apps send no header): never logged.
_FEED_SECRET = re.compile(r"^(/api/v1/calendars/feeds/)[^/]+$")


def loggable_path(path: str) -> str:
    return _FEED_SECRET.sub(r"\1<secret>", path)


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
                # The raw list, edited in place: what MutableHeaders' set and setdefault
                # do, with one pass over the headers instead of one per header.
                headers = list(message.get("headers") or ())
                present = {name.lower() for name, _ in headers}
                if present & _OURS:
                    headers = [(name, value) for name, value in headers if name.lower() not in _OURS]
                headers.append((b"x-request-id", rid.encode("latin-1")))
                headers.append((b"x-process-time", f"{time.perf_counter() - started:.4f}".encode()))
                headers.extend(pair for pair in _SECURITY_RAW if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        async def too_large() -> None:
            error = PayloadTooLarge(f"Request body exceeds {limit // MB} MB")
            await envelope(error.status_code, error.message)(scope, receive, send_with_headers)

        received = 0
        # Set once a body without (or beyond) its Content-Length passes the limit while the
        # app is reading it: the 413 goes out from here, the app is told the client left,
        # and whatever it still tries to send is dropped. Raising instead would reach the
        # framework's body parser, which turns any error into a 400.
        cut_off = False

        async def receive_limited() -> Message:
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    if not status_holder["started"]:
                        await too_large()
                    return {"type": "http.disconnect"}
            return message

        async def send_from_app(message: Message) -> None:
            if not cut_off:
                await send_with_headers(message)

        try:
            if _has_nul(scope):
                field = "query" if b"%00" in scope.get("query_string", b"").lower() else "path"
                await envelope(422, "Request validation failed", details=[{
                    "field": field, "message": "must not contain NUL characters", "type": "value_error",
                }])(scope, receive, send_with_headers)
            elif "\n" in scope["path"] or "\r" in scope["path"]:
                # No route matches a line break (the mounts' patterns stop at one): the
                # same 404 envelope as any unknown resource, not the router's plain text.
                await envelope(404, "Not found")(scope, receive, send_with_headers)
            elif declared and declared.isdigit() and int(declared) > limit:
                await too_large()
            else:
                await self.app(scope, receive_limited, send_from_app)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: never leak a trace
            if not status_holder["started"]:
                access_log.error("unhandled error", exc_info=exc)
                await store_system_log(exc, module=loggable_path(path))
                await envelope(500, GENERIC_500)(scope, receive, send_with_headers)
            # Otherwise the API's own handler already answered and logged it, or the
            # app failed after a 413 had been sent.
        finally:
            if not path.startswith(_QUIET_PATHS):
                self._log(scope, status_holder["status"], started, rid)

    def _log(self, scope: Scope, status: int, started: float, rid: str) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        state = scope.get("state", {})
        access_log.info(
            "request",
            extra={
                "fields": {
                    "request_id": rid,
                    "method": scope["method"],
                    "path": loggable_path(scope["path"]),
                    "status_code": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": state.get("user_id"),
                    "client_ip": client_ip(scope, self.trusted_proxies),
                    "user_agent": (header(scope, b"user-agent") or "")[:200],
                }
            },
        )
