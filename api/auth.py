"""/api/v1/auth: accounts, sign-in, tokens and the one-time-code flows."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import CurrentActor, CurrentClaims, OptionalActor, requires, requires_refresh_token
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.errors import NotAuthenticated
from dashboard.core.roles import Permission
from dashboard.schemas.auth import (
    CurrentUser,
    EmailIn,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokenOut,
    UserInfo,
    VerifyEmailIn,
)
from dashboard.schemas.base import Message
from dashboard.services import auth as service
from dashboard.services import users

router = ResourceRouter(prefix="/auth", tags=["Authentication"], responses=error_responses(422, 429, 503))

FORGOT_ANSWER = "OTP has been sent to your email"
VERIFICATION_ANSWER = "If the account exists and is not yet verified, a code has been sent to it"


_refresh_bearer = HTTPBearer(auto_error=False, scheme_name="RefreshToken",
                             description="A refresh token from /api/v1/auth/login")


@router.post(
    "/register", status_code=201, response_model=UserInfo,
    responses=error_responses(401, 403, 409), openapi_extra=requires(None),
)
async def register(actor: OptionalActor, body: RegisterIn) -> UserInfo:
    """Open an account

    Anyone may open a student or parent account (unless `ALLOW_SELF_REGISTRATION` is off); with an
    admin or staff token, any type. Creates an active, unverified user. A duplicate email or user
    name is one generic 409 that does not say which exists. Limited per caller
    (`RATE_LIMIT_AUTH`)."""
    user = await users.register_user(actor, **body.model_dump(exclude_none=True))
    return UserInfo.model_validate(user)


@router.post("/login", response_model=TokenOut, responses=error_responses(401, 403),
             openapi_extra=requires(None))
async def login(body: LoginIn) -> TokenOut:
    """Sign in

    Checks the email and password and answers an access token and a refresh token. A wrong email
    or password is the same 401; a deactivated account is told so (403) only after its password
    matched. Records the sign-in time. Limited per caller (`RATE_LIMIT_LOGIN`)."""
    pair = await service.login(email=body.email, password=body.password)
    return TokenOut.model_validate(pair)


@router.post("/logout", response_model=Message, responses=error_responses(400, 401),
             openapi_extra=requires(Permission.AUTH_SESSION))
async def logout(actor: CurrentActor, claims: CurrentClaims,
                 body: Annotated[LogoutIn | None, Body()] = None) -> Message:
    """Sign out

    Ends the session of this access token: the token, its refresh token (sent or not) and every
    token rotated from them are revoked until they would have expired."""
    await service.logout(actor, claims, refresh_token=body.refresh_token if body else None)
    return Message(message="Successfully logged out")


@router.post("/refresh", response_model=TokenOut, responses=error_responses(401),
             openapi_extra=requires_refresh_token())
async def refresh(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_refresh_bearer)],
    body: Annotated[RefreshIn | None, Body()] = None,
) -> TokenOut:
    """Exchange a refresh token for a new pair

    The refresh token goes in the Authorization header (or as `refresh_token` in the body). It is
    spent: use the new one returned. Presenting a spent refresh token again revokes the whole
    session, since it means the token was copied. Limited per caller (`RATE_LIMIT_REFRESH`)."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = credentials.credentials
    elif body is not None:
        token = body.refresh_token
    else:
        raise NotAuthenticated("Not authenticated")
    pair = await service.refresh_tokens(refresh_token=token)
    return TokenOut.model_validate(pair)


@router.post("/forgot-password", response_model=Message, openapi_extra=requires(None))
async def forgot_password(body: EmailIn) -> Message:
    """Email a password-reset code

    Sends a 6-digit one-time code to the account's email, replacing any earlier code. The answer
    is the same whether or not the email belongs to an account. Limited per caller
    (`RATE_LIMIT_AUTH`)."""
    await service.request_password_reset(email=body.email)
    return Message(message=FORGOT_ANSWER)


@router.post("/reset-password", response_model=Message, responses=error_responses(400),
             openapi_extra=requires(None))
async def reset_password(body: ResetPasswordIn) -> Message:
    """Reset a password with an emailed code

    Sets the new password when the code matches. After 5 wrong codes the email is locked out (429)
    until a new code is requested. Success signs the user out everywhere: every API token and
    admin-panel session is revoked. Limited per caller (`RATE_LIMIT_AUTH`)."""
    await service.reset_password(email=body.email, code=body.otp, new_password=body.new_password)
    return Message(message="Password has been reset successfully")


@router.post("/send-verification", response_model=Message, openapi_extra=requires(None))
async def send_verification(body: EmailIn) -> Message:
    """Email an address-verification code

    Sends a 6-digit code to an account that is not yet verified. The answer is the same whether or
    not such an account exists. Limited per caller (`RATE_LIMIT_AUTH`)."""
    await service.send_verification(email=body.email)
    return Message(message=VERIFICATION_ANSWER)


@router.post("/verify-email", response_model=Message, responses=error_responses(400),
             openapi_extra=requires(None))
async def verify_email(body: VerifyEmailIn) -> Message:
    """Verify an email address with its code

    Marks the account verified when the code matches; a wrong or expired code is a 400. Limited
    per caller (`RATE_LIMIT_AUTH`)."""
    await service.verify_email(email=body.email, code=body.otp)
    return Message(message="Email verified successfully")


@router.get("/me", response_model=CurrentUser, responses=error_responses(401),
            openapi_extra=requires(Permission.AUTH_SESSION))
async def me(actor: CurrentActor) -> CurrentUser:
    """The signed-in user

    Their account, and who they are in the university (their student, faculty or staff id, or a
    parent's linked students), so that a client needs no second lookup to show "my grades".
    Reads only."""
    return CurrentUser.of(await service.get_me(actor))
