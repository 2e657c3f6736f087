"""Typed dependencies shared by every router: the caller, paging, permissions metadata,
and the two checks every route's wrapper makes (api.routing.GuardedRoute): the caller's
access token and permission, then the query parameter names."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.types import Scope

from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, Forbidden, NotAuthenticated
from dashboard.core.pagination import MAX_PAGE_SIZE, PageRequest
from dashboard.core.roles import Permission
from dashboard.core.security import TokenClaims
from dashboard.services.auth import actor_from_access_token
from dashboard.settings import get_settings
from dashboard.web.context import client_ip, header

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")

PUBLIC = "public"
# Routes that authenticate with a refresh token instead of an access token.
REFRESH_TOKEN = "refresh-token"  # noqa: S105 - a route marker, not a secret
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _marker_permission(marker: str | None) -> Permission | None:
    return Permission(marker) if marker not in (None, PUBLIC, REFRESH_TOKEN) else None


def needs_access_token(marker: str | None) -> bool:
    """Every route but the public and refresh-token ones is served to a signed-in caller."""
    return marker not in (None, PUBLIC, REFRESH_TOKEN)


def _bearer_token(scope: Scope) -> str | None:
    """The credentials of an `Authorization: Bearer <token>` header, read as HTTPBearer
    reads them (scheme case-insensitive, everything after the first space)."""
    value = header(scope, b"authorization")
    if not value:
        return None
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return None
    return credentials


_AUTH_KEY = "dashboard.auth"


async def _actor_for(request: Request, token: str) -> tuple[Actor, TokenClaims]:
    scope = request.scope
    actor, claims = await actor_from_access_token(
        token,
        ip_address=client_ip(scope, get_settings().trusted_proxy_list),
        user_agent=header(scope, b"user-agent"),
        # Reads stay served while Redis is down; writes wait for it (a 503).
        revocation_fail_open=scope["method"] in _SAFE_METHODS,
    )
    scope.setdefault("state", {})["user_id"] = actor.user_id
    return actor, claims


async def authenticate(request: Request, marker: str | None) -> tuple[Actor, TokenClaims]:
    """The caller of a route that needs an access token, refused with 401 without a live
    one and with 403 when their role lacks the route's permission (`marker`). The route
    wrapper of api.routing calls this before the body and parameters are read or
    validated, so a role without access learns nothing about the route's input; the
    result is kept in the request scope for `CurrentActor` and `CurrentClaims`."""
    token = _bearer_token(request.scope)
    if token is None:
        raise NotAuthenticated("Not authenticated")
    actor, claims = await _actor_for(request, token)
    try:
        permission = _marker_permission(marker)
    except ValueError:
        # A marker naming no permission (the role matrix reports it) lets no one in.
        raise Forbidden("You do not have permission to perform this action") from None
    if permission is not None and not actor.can(permission):
        raise Forbidden("You do not have permission to perform this action")
    request.scope[_AUTH_KEY] = (actor, claims)
    return actor, claims


async def _authenticated(request: Request) -> tuple[Actor, TokenClaims]:
    found: tuple[Actor, TokenClaims] | None = request.scope.get(_AUTH_KEY)
    if found is None:
        # A route outside a ResourceRouter (no wrapper): authenticate here, no permission.
        found = await authenticate(request, None)
    return found


async def _optional_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor | None:
    """Public routes that do more for a signed-in caller: no token is anonymous, a bad
    token is still a 401."""
    if credentials is None:
        return None
    if credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Not authenticated")
    return (await _actor_for(request, credentials.credentials))[0]


async def _current_actor(request: Request) -> Actor:
    return (await _authenticated(request))[0]


async def _current_claims(request: Request) -> TokenClaims:
    return (await _authenticated(request))[1]


CurrentActor = Annotated[Actor, Depends(_current_actor)]
CurrentClaims = Annotated[TokenClaims, Depends(_current_claims)]
OptionalActor = Annotated[Actor | None, Depends(_optional_actor)]


# Dependencies are async even when they do no I/O: FastAPI runs a plain `def` dependency
# in a worker thread, a hand-off that cost more than the rest of a small request.
async def _page_request(
    page: Annotated[int, Query(ge=1, description="Page number (min 1)")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (1-100)")] = 10,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


PageParams = Annotated[PageRequest, Depends(_page_request)]


def requires(permission: Permission | None) -> dict[str, Any]:
    """Route metadata naming the permission a caller's role needs (None: public). It is
    enforced when the caller is authenticated (a 403 before any input is validated), the
    role matrix test calls every endpoint as every role against it, and /docs shows it."""
    return {"x-permission": permission.value if permission else PUBLIC}


def requires_refresh_token() -> dict[str, Any]:
    """Route metadata for an endpoint authenticated by a refresh token (POST /auth/refresh)."""
    return {"x-permission": REFRESH_TOKEN}


# --- unknown query parameters (notes §3.12) -----------------------------------------------

# jQuery and others append `_=<timestamp>` to GETs to defeat caches; it filters nothing.
CACHE_BUSTER = "_"


class UnknownQueryParameter(DomainError):
    status_code = 422
    code = "VALIDATION_ERROR"


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameter names a route reads: its own, its dependencies' (paging), and
    the fields of a query model, each by the name a client sends (the alias)."""
    names: set[str] = set()
    seen: set[int] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for field in current.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names.update(info.alias or name for name, info in annotation.model_fields.items())
            else:
                names.add(field.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


def unknown_query_parameters(request: Request, accepted: frozenset[str]) -> None:
    """Refuses a query parameter the route does not declare, so that a misspelt filter
    (`?status=` for `?student_status=`) is a 422 naming it instead of every row. The route
    wrapper of api.routing calls it with the names the route declares, after
    authentication (a caller without access gets 401/403 and learns nothing of the input)."""
    if not request.scope.get("query_string"):
        return
    unknown = sorted(set(request.query_params) - accepted - {CACHE_BUSTER})
    if not unknown:
        return
    names = ", ".join(sorted(accepted)) or "none"
    plural = "s" if len(unknown) > 1 else ""
    raise UnknownQueryParameter(
        f"Unknown query parameter{plural}: {', '.join(unknown)}. Accepted: {names}",
        details=[{"field": f"query.{name}", "type": "unknown_parameter",
                  "message": f"Unknown query parameter; accepted: {names}"} for name in unknown],
    )
