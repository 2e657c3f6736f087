"""Admin panel sign-in against the app's own `users` table, sessions in Redis."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER, HTTP_401_UNAUTHORIZED

import admin_views.compat  # noqa: F401  (before fastapi_admin)
from fastapi_admin.i18n import _
from fastapi_admin.providers import Provider
from fastapi_admin.template import templates
from dashboard.core import ratelimit
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotAuthenticated, RateLimited
from dashboard.core.roles import Permission
from dashboard.services.auth import load_actor
from dashboard.services.users import authenticate_credentials, change_password
from dashboard.settings import get_settings
from dashboard.web.context import client_ip
from models import User

SESSION_COOKIE = "admin_session"
SESSION_SECONDS = 8 * 3600
_SESSION_KEY = "admin:session:{token}"
# Every open session of a user, so that a password change can end them all.
_USER_SESSIONS_KEY = "admin:user-sessions:{user_id}"
LOGIN_TITLE = "University Dashboard"

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
    user name, and only roles holding ADMIN_PANEL get in. Logins are rate-limited with the
    API's limiter; password change is our own (the stock one crashes on a missing template
    and stores the new password unvalidated)."""

    name = "login_provider"
    template = "providers/login/login.html"
    login_path = "/login"
    logout_path = "/logout"
    password_path = "/password"

    async def register(self, app: Any) -> None:
        await super().register(app)
        app.get(self.login_path, include_in_schema=False)(self.login_view)
        app.post(self.login_path, include_in_schema=False)(self.login)
        app.post(self.logout_path, include_in_schema=False)(self.logout)
        app.get(self.password_path, include_in_schema=False)(self.password_view)
        app.post(self.password_path, include_in_schema=False)(self.password)
        app.add_middleware(BaseHTTPMiddleware, dispatch=self.authenticate)

    # --- sign in / out --------------------------------------------------------------------

    async def login_view(self, request: Request) -> Response:
        return templates.TemplateResponse(request, self.template, {"request": request, "login_title": LOGIN_TITLE})

    def _login_page(self, request: Request, error: str, status_code: int, headers: dict[str, str] | None = None) -> Response:
        return templates.TemplateResponse(
            request, self.template, {"request": request, "error": error, "login_title": LOGIN_TITLE},
            status_code=status_code, headers=headers,
        )

    async def login(self, request: Request) -> Response:
        settings = get_settings()
        try:
            # The API's login limit and limiter, counted per client IP in its own bucket.
            await ratelimit.enforce(settings.rate_limit_login, "admin-login",
                                    f"ip:{client_ip(request.scope, settings.trusted_proxy_list)}")
        except RateLimited as exc:
            return self._login_page(request, "Too many sign-in attempts. Try again in a minute.", exc.status_code,
                                    {"Retry-After": str(exc.retry_after)})
        except DomainError as exc:
            return self._login_page(request, exc.message, exc.status_code)
        form = await request.form()
        login = str(form.get("username") or "")[:255]
        password = str(form.get("password") or "")[:1024]
        user = await authenticate_credentials(login, password) if login and password else None
        # The same answer for an unknown user, a wrong password, a deactivated account and
        # a role without access, so the form reveals nothing about who exists.
        actor = None
        if user is not None and user.is_active:
            try:
                actor = await load_actor(user.id)
            except NotAuthenticated:
                actor = None
        if actor is None or not actor.can(Permission.ADMIN_PANEL):
            return self._login_page(request, _("login_failed"), HTTP_401_UNAUTHORIZED)
        await User.filter(id=user.id).update(last_login=dt.datetime.now(dt.UTC))  # type: ignore[union-attr]
        token = secrets.token_urlsafe(32)
        redis = request.app.redis
        sessions_key = _USER_SESSIONS_KEY.format(user_id=user.id)  # type: ignore[union-attr]
        async with redis.pipeline(transaction=True) as pipe:
            pipe.set(_SESSION_KEY.format(token=token), user.id, ex=SESSION_SECONDS)  # type: ignore[union-attr]
            pipe.sadd(sessions_key, token)
            pipe.expire(sessions_key, SESSION_SECONDS)
            await pipe.execute()
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
            redis = request.app.redis
            user_id = await redis.get(_SESSION_KEY.format(token=token))
            await redis.delete(_SESSION_KEY.format(token=token))
            if user_id is not None:
                await redis.srem(_USER_SESSIONS_KEY.format(user_id=int(user_id)), token)
        response = RedirectResponse(url=request.app.admin_path + self.login_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path=request.app.admin_path)
        return response

    async def authenticate(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Reload the user on every request, so deactivation or a role change applies at once."""
        request.state.admin = None
        token = request.cookies.get(SESSION_COOKIE)
        if token and len(token) < 100:
            user_id = await request.app.redis.get(_SESSION_KEY.format(token=token))
            if user_id is not None:
                settings = get_settings()
                try:
                    actor = await load_actor(
                        int(user_id),
                        ip_address=client_ip(request.scope, settings.trusted_proxy_list),
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

    # --- password change ------------------------------------------------------------------

    def _password_page(self, request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
        from admin_views.guard import visible_resources

        return templates.TemplateResponse(
            request, "providers/login/password.html",
            {"request": request, "resources": visible_resources(request), "error": error,
             "page_title": "Change password"},
            status_code=status_code,
        )

    async def password_view(self, request: Request) -> Response:
        from admin_views.guard import require_admin_session

        require_admin_session(request)
        return self._password_page(request)

    async def password(self, request: Request) -> Response:
        from admin_views.guard import require_admin_session

        admin = require_admin_session(request)
        form = await request.form()
        old = str(form.get("old_password") or "")
        new = str(form.get("new_password") or "")
        repeated = str(form.get("re_new_password") or "")
        try:
            await change_password(admin.actor, old_password=old, new_password=new, repeated=repeated)
        except DomainError as exc:
            return self._password_page(request, error=exc.message, status_code=exc.status_code)
        await end_all_sessions(request.app.redis, admin.actor.user_id)  # type: ignore[arg-type]
        response = RedirectResponse(url=request.app.admin_path + self.login_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path=request.app.admin_path)
        return response

async def end_all_sessions(redis: Any, user_id: int) -> None:
    key = _USER_SESSIONS_KEY.format(user_id=user_id)
    tokens = await redis.smembers(key)
    async with redis.pipeline(transaction=True) as pipe:
        for token in tokens:
            pipe.delete(_SESSION_KEY.format(token=token.decode() if isinstance(token, bytes) else token))
        pipe.delete(key)
        await pipe.execute()

async def _display_name(actor: Actor) -> str:
    from dashboard.services.users import display_name

    return await display_name(actor.user_id)  # type: ignore[arg-type]

def login_redirect(request: Request) -> HTTPException:
    return HTTPException(
        status_code=HTTP_303_SEE_OTHER, headers={"Location": request.app.admin_path + AppLoginProvider.login_path}
    )

