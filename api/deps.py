"""Typed dependencies shared by every router: the caller, paging, permissions metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.params import Depends as DependsMarker
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, Forbidden, NotAuthenticated
from dashboard.core.pagination import MAX_PAGE_SIZE, PageRequest
from dashboard.core.roles import Permission
from dashboard.core.security import TokenClaims
from dashboard.services.auth import actor_from_access_token
from dashboard.settings import get_settings
from dashboard.web.context import client_ip

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")

PUBLIC = "public"
# Routes that authenticate with a refresh token instead of an access token.
REFRESH_TOKEN = "refresh-token"  # noqa: S105 - a route marker, not a secret
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _route_permission(request: Request) -> Permission | None:
    route = request.scope.get("route")
    value = ((getattr(route, "openapi_extra", None) or {}).get("x-permission")) if route else None
    return Permission(value) if value not in (None, PUBLIC, REFRESH_TOKEN) else None


async def _actor_for(request: Request, token: str) -> tuple[Actor, TokenClaims]:
    actor, claims = await actor_from_access_token(
        token,
        ip_address=client_ip(request.scope, get_settings().trusted_proxy_list),
        user_agent=request.headers.get("user-agent"),
        # Reads stay served while Redis is down; writes wait for it (a 503).
        revocation_fail_open=request.method in _SAFE_METHODS,
    )
    request.state.user_id = actor.user_id
    return actor, claims


async def _authenticated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> tuple[Actor, TokenClaims]:
    """The caller, refused with 403 when their role lacks the route's declared permission.
    This runs before the body and parameters are validated, so a role without access
    learns nothing about the route's input."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Not authenticated")
    actor, claims = await _actor_for(request, credentials.credentials)
    permission = _route_permission(request)
    if permission is not None and not actor.can(permission):
        raise Forbidden("You do not have permission to perform this action")
    return actor, claims


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


async def _current_actor(auth: tuple[Actor, TokenClaims] = Depends(_authenticated)) -> Actor:
    return auth[0]


async def _current_claims(auth: tuple[Actor, TokenClaims] = Depends(_authenticated)) -> TokenClaims:
    return auth[1]


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


class QueryCheck:
    """Refuses a query parameter the route does not declare, so that a misspelt filter
    (`?status=` for `?student_status=`) is a 422 naming it instead of every row."""

    def __init__(self) -> None:
        self.accepted: frozenset[str] = frozenset()

    def accept(self, names: Iterable[str]) -> None:
        self.accepted = frozenset(names)

    def __call__(self, request: Request) -> None:
        unknown = sorted(set(request.query_params) - self.accepted - {CACHE_BUSTER})
        if not unknown:
            return
        accepted = ", ".join(sorted(self.accepted)) or "none"
        plural = "s" if len(unknown) > 1 else ""
        raise UnknownQueryParameter(
            f"Unknown query parameter{plural}: {', '.join(unknown)}. Accepted: {accepted}",
            details=[{"field": f"query.{name}", "type": "unknown_parameter",
                      "message": f"Unknown query parameter; accepted: {accepted}"} for name in unknown],
        )


def query_guard(marker: str | None) -> tuple[DependsMarker, QueryCheck]:
    """A route dependency running `QueryCheck`. On a route that needs a permission it
    authenticates first (FastAPI reuses the result for the route's own CurrentActor), so
    a caller without access still gets 401/403 and learns nothing of the route's input."""
    check = QueryCheck()
    guard: Callable[..., Any]
    if marker in (None, PUBLIC, REFRESH_TOKEN):

        async def guard(request: Request) -> None:
            check(request)

    else:

        async def guard(
            request: Request, _: Annotated[tuple[Actor, TokenClaims], Depends(_authenticated)]
        ) -> None:
            check(request)

    return Depends(guard), check
