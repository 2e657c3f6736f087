"""Per-request facts shared by middleware, handlers and logs."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.types import Scope

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def accept_request_id(candidate: str | None) -> str:
    """A client's X-Request-ID is kept only when short and plain (it reaches the logs)."""
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def set_request_id(value: str) -> None:
    _request_id.set(value)


def request_id() -> str | None:
    return _request_id.get()


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def client_ip(scope: Scope, trusted_proxies: set[str]) -> str | None:
    """The peer address, or the nearest untrusted hop of X-Forwarded-For when the peer
    is a configured proxy."""
    peer = scope.get("client")
    address = peer[0] if peer else None
    if address is None or address not in trusted_proxies:
        return address
    forwarded = header(scope, b"x-forwarded-for")
    if not forwarded:
        return address
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return hops[0] if hops else address
