"""Admin panel sign-in against the app's own `users` table, sessions in Redis."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER, HTTP_401_UNAUTHORIZED

import admin_views.compat  # noqa: F401  (before fastapi_admin)
from dashboard.core.actor import Actor
from dashboard.core.errors import NotAuthenticated
from dashboard.core.roles import Permission
from dashboard.services.auth import load_actor
from dashboard.services.users import authenticate_credentials
from fastapi_admin.i18n import _
from fastapi_admin.providers import Provider
from fastapi_admin.template import templates

SESSION_COOKIE = "admin_session"
SESSION_SECONDS = 8 * 3600
_SESSION_KEY = "admin:session:{token}"


@dataclass(frozen=True, slots=True)
class AdminIdentity:
    """What the admin templates read as `request.state.admin`."""

    actor: Actor
    username: str
    avatar: str = ""

    @property
    def pk(self) -> int | None:
        return self.actor.user_id


class AppLoginProvider(Provider):
    """Replaces the stock UsernamePasswordProvider: no `/init` route (the first admin comes
    from `dashboard createuser`), no pre_save signal re-hashing passwords, login by email or
    user name, and only roles holding ADMIN_PANEL get in."""

    name = "login_provider"
    template = "providers/login/login.html"
    login_path = "/login"
    logout_path = "/logout"

    async def register(self, app: Any) -> None:
        await super().register(app)
        app.get(self.login_path, include_in_schema=False)(self.login_view)
        app.post(self.login_path, include_in_schema=False)(self.login)
        app.post(self.logout_path, include_in_schema=False)(self.logout)
        app.add_middleware(BaseHTTPMiddleware, dispatch=self.authenticate)

    async def login_view(self, request: Request) -> Response:
        return templates.TemplateResponse(
            self.template, context={"request": request, "login_title": "University Dashboard"}
        )

    def _refused(self, request: Request) -> Response:
        # The same answer for an unknown user, a wrong password and a role without access.
        return templates.TemplateResponse(
            self.template,
            status_code=HTTP_401_UNAUTHORIZED,
            context={"request": request, "error": _("login_failed"), "login_title": "University Dashboard"},
        )

    async def login(self, request: Request) -> Response:
        form = await request.form()
        login = str(form.get("username") or "")
        password = str(form.get("password") or "")
        user = await authenticate_credentials(login, password)
        if user is None or not user.is_active:
            return self._refused(request)
        actor = await load_actor(user.id)
        if not actor.can(Permission.ADMIN_PANEL):
            return self._refused(request)
        token = secrets.token_urlsafe(32)
        await request.app.redis.set(_SESSION_KEY.format(token=token), user.id, ex=SESSION_SECONDS)
        response = RedirectResponse(url=request.app.admin_path + "/", status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=SESSION_SECONDS,
            path=request.app.admin_path,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await request.app.redis.delete(_SESSION_KEY.format(token=token))
        response = RedirectResponse(url=request.app.admin_path + self.login_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path=request.app.admin_path)
        return response

    async def authenticate(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Reload the user on every request, so deactivation or a role change applies at once."""
        request.state.admin = None
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            user_id = await request.app.redis.get(_SESSION_KEY.format(token=token))
            if user_id is not None:
                try:
                    actor = await load_actor(
                        int(user_id),
                        ip_address=request.client.host if request.client else None,
                        user_agent=request.headers.get("user-agent"),
                    )
                except NotAuthenticated:
                    actor = None
                if actor is not None and actor.can(Permission.ADMIN_PANEL):
                    request.state.admin = AdminIdentity(actor=actor, username=await _display_name(actor))
                    request.state.user_id = actor.user_id
        if request.scope["path"].endswith(self.login_path) and request.state.admin and request.method == "GET":
            return RedirectResponse(url=request.app.admin_path + "/", status_code=HTTP_303_SEE_OTHER)
        return await call_next(request)


async def _display_name(actor: Actor) -> str:
    from dashboard.services.users import display_name

    return await display_name(actor.user_id)  # type: ignore[arg-type]


def login_redirect(request: Request) -> HTTPException:
    return HTTPException(
        status_code=HTTP_303_SEE_OTHER, headers={"Location": request.app.admin_path + AppLoginProvider.login_path}
    )
