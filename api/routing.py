"""The router every resource group uses, and what it gives each route for free.

Every route added to a `ResourceRouter` gets, from its `openapi_extra=requires(...)`
marker and its docstring:
- a summary and description: the docstring's first line is the summary, the rest is the
  description (what the route does and changes; `summary=` and `description=` win over
  them), to which a "Who may call" paragraph is added, derived from the marker and the role
  table (dashboard/core/roles.py), so it cannot drift from what is enforced;
- authentication in the route's own wrapper (`GuardedRoute`): a 401 without a live access
  token and a 403 for a role without the route's permission, before the body or any
  parameter is read, then a 422 for any query parameter the route does not declare
  (checked against a set computed once per route).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from api.deps import (
    PUBLIC,
    REFRESH_TOKEN,
    authenticate,
    declared_query_names,
    needs_access_token,
    unknown_query_parameters,
)
from dashboard.core.roles import ROLE_PERMISSIONS, Permission
from models.enums import UserType

WHO_MAY_CALL = "**Who may call:**"


def split_docstring(text: str | None) -> tuple[str | None, str]:
    """PEP 257: a one-line summary, a blank line, then the description. A docstring whose
    first paragraph spans lines has no summary; all of it is the description."""
    text = inspect.cleandoc(text or "").split("\f")[0].strip()
    if not text:
        return None, ""
    first, _, rest = text.partition("\n\n")
    if "\n" in first:
        return None, text
    return first.rstrip(".").strip(), rest.strip()


def _permission(marker: str | None) -> Permission | None:
    """None for the public and refresh-token markers, and for a marker naming no
    Permission (tests/test_role_matrix.py reports that one)."""
    try:
        return Permission(marker) if marker not in (None, PUBLIC, REFRESH_TOKEN) else None
    except ValueError:
        return None


def roles_holding(permission: Permission) -> list[UserType]:
    return [role for role in UserType if permission in ROLE_PERMISSIONS.get(role, frozenset())]


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def who_may_call(marker: str | None) -> str:
    """The paragraph /docs shows for a route's `x-permission` marker."""
    if marker == PUBLIC:
        return f"{WHO_MAY_CALL} anyone; no access token is needed."
    if marker == REFRESH_TOKEN:
        return (f"{WHO_MAY_CALL} the holder of a refresh token from `POST /api/v1/auth/login`, "
                "sent as `Authorization: Bearer <refresh token>` (or in the body); an access token "
                "is refused (401).")
    permission = _permission(marker)
    if permission is None:
        return ""
    roles = roles_holding(permission)
    if not roles:
        holders = "no role"
    elif len(roles) == len(UserType):
        holders = "any signed-in user"
    else:
        holders = _listed([role.value for role in roles])
    return (f"{WHO_MAY_CALL} {holders} (permission `{permission.value}`). "
            "Other roles get 403; a request without a valid access token gets 401.")


def describe(text: str, marker: str | None) -> str:
    return "\n\n".join(part for part in (text, who_may_call(marker)) if part)


def route_text(description: str) -> str:
    """The part of a generated description that the route itself wrote."""
    return description.split(WHO_MAY_CALL)[0].strip()


# The security scheme /docs shows for a route that needs an access token (api.deps._bearer).
_BEARER_SECURITY: list[dict[str, list[str]]] = [{"HTTPBearer": []}]


def _declares_security(dependant: Dependant) -> bool:
    pending = list(dependant.dependencies)
    while pending:
        current = pending.pop()
        call: object = current.call  # a SecurityBase instance is a callable mypy cannot see
        if isinstance(call, SecurityBase):
            return True
        pending.extend(current.dependencies)
    return False


class GuardedRoute(APIRoute):
    """An APIRoute whose handler first authenticates the caller (routes that need an
    access token) and then refuses undeclared query parameters, before FastAPI reads the
    body and resolves the dependencies. Both used to be FastAPI dependencies of every
    route; resolving them cost more CPU than many a route's own query."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        marker = (self.openapi_extra or {}).get("x-permission")
        accepted = declared_query_names(self.dependant)

        if not needs_access_token(marker):

            async def public(request: Request) -> Response:
                unknown_query_parameters(request, accepted)
                return await handler(request)

            return public

        async def guarded(request: Request) -> Response:
            await authenticate(request, marker)
            unknown_query_parameters(request, accepted)
            return await handler(request)

        return guarded


class ResourceRouter(APIRouter):
    """An APIRouter that turns away paths outside its own prefix with one string test,
    and documents and guards each route it adds (see the module docstring).

    FastAPI 0.165 matches a request against every route of every included router in
    turn, each with a regex and some bookkeeping: with ~150 routes that was about half a
    millisecond of CPU per request before the handler ran. `served_prefix` is set by
    `api.create_api` when the router is mounted.
    """

    served_prefix: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", GuardedRoute)
        super().__init__(**kwargs)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        prefix = self.served_prefix
        if prefix:
            path = get_route_path(scope)
            if path != prefix and not path.startswith(prefix + "/"):
                return Match.NONE, {}
        return super().matches(scope)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        extra = dict(kwargs.get("openapi_extra") or {})
        marker = extra.get("x-permission")
        summary, text = split_docstring(endpoint.__doc__)
        if kwargs.get("description"):
            text = inspect.cleandoc(kwargs["description"])
        kwargs["summary"] = kwargs.get("summary") or summary
        kwargs["description"] = describe(text, marker)
        permission = _permission(marker)
        if permission is not None:
            extra["x-roles"] = [role.value for role in roles_holding(permission)]
            kwargs["openapi_extra"] = extra
        super().add_api_route(path, endpoint, **kwargs)
        route = self.routes[-1]
        if (needs_access_token(marker) and isinstance(route, APIRoute)
                and not _declares_security(route.dependant)):
            # The wrapper, not a dependency, reads the token now: say so in /docs as the
            # HTTPBearer dependency did.
            route.openapi_extra = {**(route.openapi_extra or {}), "security": _BEARER_SECURITY}
