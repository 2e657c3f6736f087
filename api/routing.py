"""The router every resource group uses."""

from __future__ import annotations

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class ResourceRouter(APIRouter):
    """An APIRouter that turns away paths outside its own prefix with one string test.

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
