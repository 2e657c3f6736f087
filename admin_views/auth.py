"""Admin panel sign-in against the app's own `users` table, sessions in Redis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN

import admin_views.compat  # noqa: F401  (before fastapi_admin)

# isort: split
from fastapi_admin.i18n import _
from fastapi_admin.providers import Provider
from fastapi_admin.template import templates

from admin_views.widgets import has_control_characters
from dashboard.core import ratelimit
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotAuthenticated, RateLimited
from dashboard.core.roles import Permission
from dashboard.core.security import verify_password
from dashboard.services.admin_sessions import SESSION_SECONDS, end_session, open_session, session_user
from dashboard.services.auth import load_actor
from dashboard.services.users import authenticate_credentials, change_password, record_panel_sign_in
from dashboard.settings import get_settings
from dashboard.web.context import client_ip
from models.enums import UserType

SESSION_COOKIE = "admin_session"
LOGIN_TITLE = "University Dashboard"
# Told only to a student or parent who typed their correct password: a guesser learns
# nothing, and the owner learns where to go instead of retrying.
NOT_FOR_YOU = ("The admin panel is for university staff. Students and parents sign in to the "
               "University Dashboard app with the same email and password.")
_NOT_STAFF = frozenset({UserType.STUDENT, UserType.PARENT})

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
    password_path = "/password"  # noqa: S105  (a URL path, not a secret)

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

    def _login_page(self, request: Request, error: str, status_code: int,
                    headers: dict[str, str] | None = None) -> Response:
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
        if has_control_characters(login) or has_control_characters(password):
            # No account can hold such a login (PostgreSQL refuses a NUL in a query), so
            # it is a failed sign-in, after the bcrypt work an unknown account costs.
            await verify_password(password, None)
            user = None
        else:
            user = await authenticate_credentials(login, password) if login and password else None
        # The same answer for an unknown user, a wrong password and a deactivated account,
        # so the form reveals nothing about who exists.
        actor = None
        if user is not None and user.is_active:
            try:
                actor = await load_actor(user.id)
            except NotAuthenticated:
                actor = None
        if actor is not None and not actor.can(Permission.ADMIN_PANEL) and actor.role in _NOT_STAFF:
            return self._login_page(request, NOT_FOR_YOU, HTTP_403_FORBIDDEN)
        if actor is None or not actor.can(Permission.ADMIN_PANEL):
            return self._login_page(request, _("login_failed"), HTTP_401_UNAUTHORIZED)
        await record_panel_sign_in(actor.user_id)  # type: ignore[arg-type]
        token = await open_session(actor.user_id)  # type: ignore[arg-type]
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
            await end_session(token)
        response = RedirectResponse(url=request.app.admin_path + self.login_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path=request.app.admin_path)
        return response

    async def authenticate(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Reload the user on every request, so deactivation or a role change applies at once."""
        request.state.admin = None
        token = request.cookies.get(SESSION_COOKIE)
        if token and len(token) < 100:
            user_id = await session_user(token)
            if user_id is not None:
                settings = get_settings()
                try:
                    actor = await load_actor(
                        user_id,
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
        if any(has_control_characters(value) for value in (old, new, repeated)):
            # The API refuses such text outright, so a new password holding one could be
            # set here and then never typed into the API's login.
            return self._password_page(request, error="Passwords cannot contain control characters",
                                       status_code=HTTP_400_BAD_REQUEST)
        try:
            await change_password(admin.actor, old_password=old, new_password=new, repeated=repeated)
        except DomainError as exc:
            return self._password_page(request, error=exc.message, status_code=exc.status_code)
        # The service has ended every session of the account, this one included.
        response = RedirectResponse(url=request.app.admin_path + self.login_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path=request.app.admin_path)
        return response

async def _display_name(actor: Actor) -> str:
    from dashboard.services.users import display_name

    return await display_name(actor.user_id)  # type: ignore[arg-type]

def login_redirect(request: Request) -> HTTPException:
    return HTTPException(
        status_code=HTTP_303_SEE_OTHER, headers={"Location": request.app.admin_path + AppLoginProvider.login_path}
    )

