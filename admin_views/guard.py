"""Server-side authorization for every admin route (stock fastapi-admin has none: any
signed-in user could update or delete any row of any model)."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.status import HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND

from admin_views.auth import AdminIdentity, login_redirect


def require_admin_session(request: Request) -> AdminIdentity:
    admin = getattr(request.state, "admin", None)
    if admin is None:
        raise login_redirect(request)
    return admin


def authorize_admin_request(request: Request) -> AdminIdentity:
    """Replaces fastapi-admin's get_current_admin on every resource route. A resource
    that is not registered is a 404 whatever the method; writes are refused until they
    are routed through the services."""
    admin = require_admin_session(request)
    resource = request.path_params.get("resource")
    registered = {r.model.__name__.lower() for r in request.app.model_resources.values()}
    if resource is not None and resource not in registered:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    if request.method not in ("GET", "HEAD"):
        raise HTTPException(status_code=HTTP_403_FORBIDDEN)
    return admin
