"""Typed dependencies shared by every router: the caller, paging, permissions metadata."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dashboard.core.actor import Actor
from dashboard.core.errors import NotAuthenticated
from dashboard.core.pagination import MAX_PAGE_SIZE, PageRequest
from dashboard.core.roles import Permission
from dashboard.core.security import TokenClaims
from dashboard.services.auth import actor_from_access_token
from dashboard.settings import get_settings
from dashboard.web.context import client_ip

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")


async def _authenticated(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> tuple[Actor, TokenClaims]:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Not authenticated")
    actor, claims = await actor_from_access_token(
        credentials.credentials,
        ip_address=client_ip(request.scope, get_settings().trusted_proxy_list),
        user_agent=request.headers.get("user-agent"),
    )
    request.state.user_id = actor.user_id
    return actor, claims


async def _current_actor(auth: tuple[Actor, TokenClaims] = Depends(_authenticated)) -> Actor:
    return auth[0]


async def _current_claims(auth: tuple[Actor, TokenClaims] = Depends(_authenticated)) -> TokenClaims:
    return auth[1]


CurrentActor = Annotated[Actor, Depends(_current_actor)]
CurrentClaims = Annotated[TokenClaims, Depends(_current_claims)]


def _page_request(
    page: Annotated[int, Query(ge=1, description="Page number (min 1)")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (1-100)")] = 10,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


PageParams = Annotated[PageRequest, Depends(_page_request)]


def requires(permission: Permission | None) -> dict[str, Any]:
    """Route metadata naming the permission the service enforces (None: public). The role
    matrix test reads it to call every endpoint as every role; it also shows in /docs."""
    return {"x-permission": permission.value if permission else "public"}
