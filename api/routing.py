"""The router every resource group uses, and what it gives each route for free.

Every route added to a `ResourceRouter` gets, from its `openapi_extra=requires(...)`
marker and its docstring:
- a summary and description: the docstring's first line is the summary, the rest is the
  description (what the route does and changes; `summary=` and `description=` win over
  them), to which a "Who may call" paragraph is added, derived from the marker and the role
  table (dashboard/core/roles.py), so it cannot drift from what is enforced;
- a 422 for any query parameter the route does not declare (api.deps.query_guard).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from api.deps import PUBLIC, REFRESH_TOKEN, declared_query_names, query_guard
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


class ResourceRouter(APIRouter):
    """An APIRouter that turns away paths outside its own prefix with one string test,
    and documents and guards each route it adds (see the module docstring).

    FastAPI 0.165 matches a request against every route of every included router in
    turn, each with a regex and some bookkeeping: with ~150 routes that was about half a
    millisecond of CPU per request before the handler ran. `served_prefix` is set by
    `api.create_api` when the router is mounted.
    """

    served_prefix: str | None = None

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
        guard, check = query_guard(marker)
        kwargs["dependencies"] = [*(kwargs.get("dependencies") or ()), guard]
        super().add_api_route(path, endpoint, **kwargs)
        route = self.routes[-1]
        if isinstance(route, APIRoute):
            check.accept(declared_query_names(route.dependant))
