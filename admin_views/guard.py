"""Server-side authorization for every admin route.

Stock fastapi-admin has none: any signed-in user could list, update or delete any row of
any Tortoise model, registered or not (stack-notes §4(b)). This module replaces
`fastapi_admin.depends.get_current_admin`, the dependency every resource route carries,
with one that decides from the path alone:

- no session → to the login page;
- a resource that is not registered → 404 (whatever the method, so nothing is written);
- the route's action (list/export, create, update, delete, bulk delete) not allowed for
  the actor on that resource → 403.

Rows are narrowed afterwards by each resource's `base_queryset` (faculty see their own
offerings and the students registered in them), and foreign-key inputs accept only ids
from their own scoped querysets (admin_views.widgets).
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.status import HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND

from admin_views.auth import AdminIdentity, login_redirect
from admin_views.base import Action, AdminResource

# Route name → the action it performs. A resource route missing here is refused.
ROUTE_ACTIONS = {
    "list_view": Action.LIST,
    "export": Action.LIST,
    "create_view": Action.CREATE,
    "create": Action.CREATE,
    "update_view": Action.UPDATE,
    "update": Action.UPDATE,
    "delete": Action.DELETE,
    "bulk_delete": Action.DELETE,
    "row_action": Action.ROW_ACTION,
}


def require_admin_session(request: Request) -> AdminIdentity:
    admin = getattr(request.state, "admin", None)
    if admin is None:
        raise login_redirect(request)
    return admin


def registered_resource(request: Request, name: str) -> type[AdminResource] | None:
    for resource in request.app.model_resources.values():
        if issubclass(resource, AdminResource) and resource.name() == name:
            return resource
    return None


def authorize_admin_request(request: Request) -> AdminIdentity:
    """The override of `get_current_admin` (see the module docstring)."""
    admin = require_admin_session(request)
    name = request.path_params.get("resource")
    if name is None:
        return admin
    resource = registered_resource(request, name)
    if resource is None:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    route = request.scope.get("route")
    action = ROUTE_ACTIONS.get(getattr(route, "name", ""))
    if action is None or not resource.allows(admin.actor, action):
        raise HTTPException(status_code=HTTP_403_FORBIDDEN)
    return admin


def visible_resources(request: Request) -> list[dict]:
    """The override of `fastapi_admin.depends.get_resources`: the menu lists only what the
    actor may open (the guard enforces the same rule on the server)."""
    admin = getattr(request.state, "admin", None)
    if admin is None:
        return []
    from admin_views.registry import menu_items

    return menu_items(admin.actor)
