"""Every API endpoint x every role, checked against the role → permission table.

The routes are read from the application itself, so an endpoint added by any later
change is in the matrix without editing this file; one without an `x-permission`
(`openapi_extra=requires(...)`) fails the first test.

For each route the callers are a fresh user of every role and an anonymous client:
- the role lacks the route's permission → 403;
- anonymous on a route that needs a permission → 401;
- the role holds it → neither 401 nor 403 (the dummy ids and bodies make 400, 404 and
  422 normal answers);
- never a 5xx.

And each route again with a query parameter it does not declare (notes §3.12): 422 naming
it for a caller with access, still 401/403 for one without.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api import create_api
from api.deps import PUBLIC, REFRESH_TOKEN
from dashboard.core.roles import ROLE_PERMISSIONS, Permission
from dashboard.core.security import TokenType, create_token
from models.enums import UserType

ROLES = [UserType.ADMIN, UserType.STAFF, UserType.FACULTY, UserType.STUDENT, UserType.PARENT]
MARKERS = {PUBLIC, REFRESH_TOKEN} | {p.value for p in Permission}
# A well-formed id that names nothing.
DUMMY_ID = "999999"
UNKNOWN_PARAMETER = "no_such_parameter"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    permission: str | None
    sends_body: bool

    @property
    def url(self) -> str:
        return re.sub(r"\{[^}]+\}", DUMMY_ID, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _endpoints() -> list[Endpoint]:
    found = []
    for context in iter_route_contexts(create_api().routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        body = route.body_field
        for method in sorted(context.methods or ()):
            found.append(Endpoint(
                method=method,
                path=context.path_format,
                permission=(route.openapi_extra or {}).get("x-permission"),
                sends_body=body is not None and body.field_info.is_required(),
            ))
    return found


ENDPOINTS = _endpoints()


def test_the_matrix_sees_the_api():
    paths = {str(e) for e in ENDPOINTS}
    assert {"POST /api/v1/auth/login", "GET /api/v1/auth/me", "GET /api/v1/staff",
            "GET /api/v1/audit-logs", "GET /api/v1/departments"} <= paths


def test_every_endpoint_declares_a_known_permission():
    undeclared = [str(e) for e in ENDPOINTS if e.permission is None]
    unknown = [f"{e}: {e.permission}" for e in ENDPOINTS if e.permission is not None and e.permission not in MARKERS]
    assert not undeclared, f"routes without openapi_extra=requires(...): {undeclared}"
    assert not unknown, f"routes naming no Permission: {unknown}"


def test_every_role_is_in_the_table():
    assert set(ROLE_PERMISSIONS) == set(UserType)


async def _call(client, endpoint: Endpoint, **kwargs):
    if endpoint.sends_body:
        kwargs.setdefault("json", {})
    return await client.request(endpoint.method, endpoint.url, **kwargs)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_endpoint_answers_every_role_as_the_table_says(endpoint, client, login_as):
    problems: list[str] = []

    def expect(who: str, status: int, *, allowed: bool | None, unauthenticated: bool = False) -> None:
        if status >= 500:
            problems.append(f"{who}: {status}")
        elif unauthenticated and status != 401:
            problems.append(f"{who}: expected 401, got {status}")
        elif allowed is True and status in (401, 403):
            problems.append(f"{who}: expected access, got {status}")
        elif allowed is False and status != 403:
            problems.append(f"{who}: expected 403, got {status}")

    anonymous = await _call(client, endpoint)
    if endpoint.permission == PUBLIC:
        expect("anonymous", anonymous.status_code, allowed=True)
    else:
        expect("anonymous", anonymous.status_code, allowed=None, unauthenticated=True)

    for role in ROLES:
        caller = await login_as(role)
        response = await _call(caller, endpoint)
        if endpoint.permission == PUBLIC:
            expect(role.value, response.status_code, allowed=True)
        elif endpoint.permission == REFRESH_TOKEN:
            # An access token is not a refresh token; the user's own refresh token is.
            expect(f"{role.value} (access token)", response.status_code, allowed=None, unauthenticated=True)
            refresh = create_token(caller.user.id, TokenType.REFRESH)
            with_refresh = await _call(client, endpoint, headers={"Authorization": f"Bearer {refresh}"})
            expect(f"{role.value} (refresh token)", with_refresh.status_code, allowed=True)
        else:
            allowed = Permission(endpoint.permission) in ROLE_PERMISSIONS[role]
            expect(role.value, response.status_code, allowed=allowed)

    assert not problems, f"{endpoint} [{endpoint.permission}]: " + "; ".join(problems)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_endpoint_refuses_an_unknown_query_parameter(endpoint, client, login_as):
    problems: list[str] = []
    typo = {"params": {UNKNOWN_PARAMETER: "1"}}

    def expect(who: str, response, status: int) -> None:
        if response.status_code != status:
            problems.append(f"{who}: expected {status}, got {response.status_code}")
        elif status == 422:
            message = response.json()["error"]["message"]
            if UNKNOWN_PARAMETER not in message or "Accepted:" not in message:
                problems.append(f"{who}: 422 without naming the parameter: {message}")

    needs_access = endpoint.permission not in (PUBLIC, REFRESH_TOKEN)
    expect("anonymous", await _call(client, endpoint, **typo), 401 if needs_access else 422)
    # A public route answers every role alike; more calls would only meet its rate limit.
    for role in ROLES if endpoint.permission != PUBLIC else ROLES[:1]:
        caller = await login_as(role)
        if endpoint.permission == REFRESH_TOKEN:
            refresh = create_token(caller.user.id, TokenType.REFRESH)
            response = await _call(client, endpoint, headers={"Authorization": f"Bearer {refresh}"}, **typo)
            expect(f"{role.value} (refresh token)", response, 422)
            continue
        allowed = not needs_access or Permission(endpoint.permission) in ROLE_PERMISSIONS[role]
        expect(role.value, await _call(caller, endpoint, **typo), 422 if allowed else 403)

    assert not problems, f"{endpoint} [{endpoint.permission}]: " + "; ".join(problems)
