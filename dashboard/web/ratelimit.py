"""Per-caller request limits for the REST API, checked before routing so that even
requests that fail validation or authentication are counted.

The caller is the user of a validly signed bearer token (decoded here, without Redis or
the database), else the client IP (X-Forwarded-For only from TRUSTED_PROXIES).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard.core import ratelimit
from dashboard.core.errors import RateLimited, ServiceUnavailable
from dashboard.core.security import token_subject
from dashboard.settings import Settings, get_settings
from dashboard.web.context import client_ip, header
from dashboard.web.errors import envelope

API_PREFIX = "/api/v1"
AUTH_PREFIX = f"{API_PREFIX}/auth"

# The auth endpoints with a limit of their own, each counted separately; everything else
# under /api/v1 shares one default bucket per caller.
_AUTH_LIMITS = {
    "register": "rate_limit_auth",
    "forgot-password": "rate_limit_auth",
    "reset-password": "rate_limit_auth",
    "verify-email": "rate_limit_auth",
    "send-verification": "rate_limit_auth",
    "login": "rate_limit_login",
    "refresh": "rate_limit_refresh",
}


def _rule(path: str, settings: Settings) -> tuple[str, str]:
    """(bucket, limit) for an API path."""
    if path.startswith(AUTH_PREFIX + "/"):
        name = path[len(AUTH_PREFIX) + 1 :]
        if name in _AUTH_LIMITS:
            return f"auth-{name}", getattr(settings, _AUTH_LIMITS[name])
    return "api", settings.rate_limit_default


def caller_key(scope: Scope, settings: Settings, *, bucket: str = "api") -> str:
    """Who a hit counts against. The auth endpoints' own limits (login, register, the code
    flows, refresh) count per client IP only: keyed by a token's subject, anyone holding
    some valid token (a refresh token, a logged-out one, a freshly self-registered
    account's) would get a fresh bucket of password or code guesses per account."""
    ip_key = f"ip:{client_ip(scope, settings.trusted_proxy_list)}"
    if bucket.startswith("auth-"):
        return ip_key
    authorization = header(scope, b"authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token:
        subject = token_subject(token.strip())
        if subject is not None:
            return f"user:{subject}"
    return ip_key


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or not path.startswith(API_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        if not settings.rate_limit_enabled:
            await self.app(scope, receive, send)
            return
        bucket, limit = _rule(path, settings)
        try:
            # Auth endpoints fail closed when Redis is down; the rest stay served.
            await ratelimit.enforce(limit, bucket, caller_key(scope, settings, bucket=bucket),
                                    fail_closed=path.startswith(AUTH_PREFIX + "/"))
        except RateLimited as exc:
            await envelope(exc.status_code, exc.message,
                           headers={"Retry-After": str(exc.retry_after)})(scope, receive, send)
            return
        except ServiceUnavailable as exc:
            await envelope(exc.status_code, exc.message)(scope, receive, send)
            return
        await self.app(scope, receive, send)
