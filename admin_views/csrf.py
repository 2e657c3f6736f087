"""Cross-site request forgery defence for the panel (stock fastapi-admin has none).

Every unsafe method (anything but GET, HEAD and OPTIONS) must carry an `Origin` header,
or failing that a `Referer`, naming the panel's own origin: the configured PUBLIC_ORIGIN,
else the request's own scheme and host. Anything else, a missing header included, is a
403 before the request reaches authentication or a route. Browsers send `Origin` on every
cross-origin request and on same-origin POST/DELETE, so legitimate forms and fetches pass;
the session cookie's `SameSite=strict` is the second wall.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str | None) -> str | None:
    """`scheme://host[:port]` in lower case with the default port dropped, or None."""
    if not value or value == "null":
        return None
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class OriginCheckMiddleware:
    def __init__(self, app: ASGIApp, *, public_origin: str | None = None) -> None:
        self.app = app
        self.public_origin = normalise_origin(public_origin) if public_origin else None

    def expected_origin(self, scope: Scope) -> str | None:
        if self.public_origin:
            return self.public_origin
        host = _header(scope, b"host")
        return normalise_origin(f"{scope.get('scheme', 'http')}://{host}") if host else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        claimed = normalise_origin(origin) if origin is not None else normalise_origin(_header(scope, b"referer"))
        expected = self.expected_origin(scope)
        if claimed is None or expected is None or claimed != expected:
            response = PlainTextResponse("Cross-origin request refused", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
