"""Identity: sign-in, tokens and their revocation, the OTP flows, and turning a verified
token into the Actor that services receive."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
from tortoise import connections

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import asyncpg_dsn, atomic
from dashboard.core.errors import Forbidden, InvalidState, NotAuthenticated, NotFound
from dashboard.core.queue import Job, queue_after_commit
from dashboard.core.roles import Permission
from dashboard.core.security import (
    TokenClaims,
    TokenType,
    create_token,
    decode_token,
    ensure_not_revoked,
    hash_password,
    revoke,
    revoke_all_sessions,
    revoke_once,
    revoke_session,
)
from dashboard.services import admin_sessions, otp
from dashboard.services.students import visible_students
from dashboard.services.users import authenticate_credentials, check_password_rules
from dashboard.settings import get_settings
from models import User
from models.enums import UserType

log = logging.getLogger("dashboard.auth")

INVALID_CREDENTIALS = "Invalid email or password"

# One round trip per request: the user and every profile row linked to it.
_ACTOR_SQL = """
SELECT u.id, u.user_type, u.is_active,
       (SELECT s.id FROM students s WHERE s.user_id = u.id) AS student_id,
       (SELECT f.id FROM faculty f WHERE f.user_id = u.id) AS faculty_id,
       (SELECT p.id FROM parents p WHERE p.user_id = u.id) AS parent_id,
       (SELECT a.id FROM admin_staff a WHERE a.user_id = u.id) AS admin_staff_id,
       ARRAY(SELECT c.id FROM students c JOIN parents cp ON cp.id IN (c.parent_id, c.guardian_id)
             WHERE cp.user_id = u.id ORDER BY c.id) AS children
FROM users u WHERE u.id = $1
"""


class _LiveUserReader:
    """One PostgreSQL connection of this process kept for the row every request reads.
    Through the pool the same query cost about five times the CPU (check-out, release and
    their bookkeeping, then Tortoise's wrapper around them); the query takes a fraction
    of a millisecond, so one connection serves a worker's requests in turn. It reads
    committed rows outside any transaction, as each request's check does; on any trouble
    with it the pool answers instead."""

    def __init__(self) -> None:
        self._connection: asyncpg.Connection | None = None
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # After a failure the pool serves alone for a while, so that an outage does not
        # make every request wait on a new connection in turn.
        self._pool_until = 0.0

    async def fetch(self, user_id: int) -> asyncpg.Record | None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests, a forked worker)
            self._connection, self._lock, self._loop = None, asyncio.Lock(), loop
        if self._lock is None or loop.time() < self._pool_until:
            return await self._from_pool(user_id)
        try:
            async with self._lock:
                if self._connection is None or self._connection.is_closed():
                    self._connection = await asyncpg.connect(
                        **asyncpg_dsn(get_settings().database_url or ""), timeout=2, statement_cache_size=16)
                return await self._connection.fetchrow(_ACTOR_SQL, user_id)
        # Anything wrong with this one connection (refused, cut, terminated by the server,
        # which asyncpg may report as an InternalClientError) sends the check to the pool,
        # where a real database failure is raised as usual.
        except Exception as exc:  # noqa: BLE001
            log.warning("live-user connection failed (%r); using the pool", exc)
            self._pool_until = loop.time() + 5
            await self.close()
            return await self._from_pool(user_id)

    @staticmethod
    async def _from_pool(user_id: int) -> asyncpg.Record | None:
        async with connections.get("default").acquire_connection() as connection:
            return await connection.fetchrow(_ACTOR_SQL, user_id)

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)


_live_users = _LiveUserReader()


async def close_live_user_reader() -> None:
    """At shutdown (the app's lifespan)."""
    await _live_users.close()


def _actor_from_row(row: Any, *, ip_address: str | None, user_agent: str | None) -> Actor:
    if row is None or not row["is_active"]:
        raise NotAuthenticated("Invalid or expired token")
    student_id = row["student_id"]
    own = (student_id,) if student_id is not None else tuple(row["children"] or ())
    return Actor.for_user(
        user_id=row["id"],
        role=UserType(row["user_type"]),
        student_id=student_id,
        faculty_id=row["faculty_id"],
        parent_id=row["parent_id"],
        admin_staff_id=row["admin_staff_id"],
        own_student_ids=own,
        ip_address=ip_address,
        user_agent=user_agent,
    )


async def load_actor(user_id: int, *, ip_address: str | None = None, user_agent: str | None = None) -> Actor:
    """The live user behind a token: a deactivated or deleted user is refused at once,
    and a changed role takes effect on the next request. Read through the ORM's
    connection, so inside a transaction it sees that transaction's writes."""
    async with connections.get("default").acquire_connection() as connection:
        row = await connection.fetchrow(_ACTOR_SQL, user_id)
    return _actor_from_row(row, ip_address=ip_address, user_agent=user_agent)


async def actor_from_access_token(
    token: str, *, ip_address: str | None = None, user_agent: str | None = None,
    revocation_fail_open: bool = False,
) -> tuple[Actor, TokenClaims]:
    """Every request's check: the token, its revocation (Redis) and the live user row
    (PostgreSQL, never cached between requests). The two lookups are in flight at once:
    the user row's query is sent before the Redis answer is awaited, so the request
    waits for the slower of the two round trips instead of their sum. A revoked token is
    still refused before the row is looked at."""
    claims = decode_token(token, TokenType.ACCESS)
    fetching = asyncio.ensure_future(_live_users.fetch(claims.user_id))
    try:
        await ensure_not_revoked(claims, fail_open=revocation_fail_open)
    except BaseException:
        # Not cancelled: cancelling a query on the shared live-user connection costs the
        # server a cancel request; the answer is a fraction of a millisecond away.
        with contextlib.suppress(Exception):
            await fetching
        raise
    row = await fetching
    return _actor_from_row(row, ip_address=ip_address, user_agent=user_agent), claims


# --- tokens -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret


def _issue_pair(user_id: int, session_id: str | None = None) -> TokenPair:
    session_id = session_id or uuid.uuid4().hex
    return TokenPair(
        access_token=create_token(user_id, TokenType.ACCESS, sid=session_id),
        refresh_token=create_token(user_id, TokenType.REFRESH, sid=session_id),
    )


async def login(*, email: str, password: str) -> TokenPair:
    """One bcrypt check whatever the email (a dummy one for unknown accounts, and for
    passwords too long for bcrypt); a deactivated account is told so only after its
    password matched, so the 403 reveals nothing to someone without the password."""
    user = await authenticate_credentials(email, password)
    if user is None:
        raise NotAuthenticated(INVALID_CREDENTIALS)
    if not user.is_active:
        raise Forbidden("Account is deactivated")
    await User.filter(id=user.id).update(last_login=dt.datetime.now(dt.UTC))
    return _issue_pair(user.id)


async def refresh_tokens(*, refresh_token: str) -> TokenPair:
    """A new pair for a live refresh token of an active user. The old refresh token is
    spent: presenting it again means it was copied, so the whole session is revoked."""
    claims = decode_token(refresh_token, TokenType.REFRESH)
    try:
        await ensure_not_revoked(claims)
        await load_actor(claims.user_id)  # a deactivated or deleted user → 401
        if not await revoke_once(claims):  # lost a race with the same token
            raise NotAuthenticated("Token has been revoked")
    except NotAuthenticated:
        if claims.session_id:
            await revoke_session(claims.session_id)
        log.warning("refused refresh token", extra={"fields": {"user_id": claims.user_id}})
        raise
    return _issue_pair(claims.user_id, claims.session_id)


async def logout(actor: Actor, claims: TokenClaims, *, refresh_token: str | None = None) -> None:
    """Ends the session of this access token: the token itself, its refresh token (sent
    or not: they share a session id) and anything rotated from them."""
    refresh: TokenClaims | None = None
    if refresh_token:
        try:
            refresh = decode_token(refresh_token, TokenType.REFRESH)
        except NotAuthenticated:
            refresh = None  # invalid or expired: it opens nothing, so nothing to revoke
        if refresh is not None and refresh.user_id != actor.user_id:
            raise InvalidState("The refresh token belongs to another account")
    await revoke(claims)
    if claims.session_id:
        await revoke_session(claims.session_id)
    if refresh is not None:
        await revoke(refresh)
        if refresh.session_id and refresh.session_id != claims.session_id:
            await revoke_session(refresh.session_id)


@dataclass(frozen=True, slots=True)
class LinkedStudent:
    id: int
    student_code: str
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class Me:
    """The caller's account and their place in the university."""

    user: User
    student_id: int | None
    faculty_id: int | None
    staff_id: int | None
    parent_id: int | None
    linked_students: tuple[LinkedStudent, ...]


async def get_me(actor: Actor) -> Me:
    authorize(actor, Permission.AUTH_SESSION)
    user = await User.get_or_none(id=actor.user_id)
    if user is None:
        raise NotFound("User not found")
    linked: tuple[LinkedStudent, ...] = ()
    if actor.parent_id is not None:
        # The students a parent may see are their children (as parent or guardian).
        rows = await visible_students(actor).order_by("id").values_list(
            "id", "student_code", "user__first_name", "user__last_name")
        linked = tuple(LinkedStudent(*row) for row in rows)
    return Me(user=user, student_id=actor.student_id, faculty_id=actor.faculty_id,
              staff_id=actor.admin_staff_id, parent_id=actor.parent_id, linked_students=linked)


# --- one-time codes by email --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SendOneTimeCode(Job):
    """Email a user a fresh one-time code (jobs.emails.send_one_time_code). The job makes
    the code itself, so that it never sits in a job's arguments, in arq's log line or in
    Redis beyond its HMAC."""

    user_id: int
    purpose: otp.OtpPurpose

    def job_id(self) -> str:
        # Repeated requests while one email is on its way send that one email.
        return f"one-time-code:{self.purpose.value}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class CodeLetter:
    """What the email of a one-time code needs."""

    email: str
    first_name: str
    code: str
    minutes: int


def _normal_email(email: str) -> str:
    return email.strip().lower()


async def _send_code(purpose: otp.OtpPurpose, email: str, user: User | None) -> None:
    """Queue the email for an account; for an address without one, issue a code that no
    one receives, so that known and unknown addresses cost the same Redis round trip and
    answer alike."""
    if user is None:
        await otp.issue(purpose, email)
        return
    await queue_after_commit(SendOneTimeCode(user_id=user.id, purpose=purpose))


async def issue_code_letter(actor: Actor, *, user_id: int, purpose: otp.OtpPurpose) -> CodeLetter | None:
    """A fresh code for the user, replacing any earlier one, and what its email says; None
    when the account no longer qualifies (deactivated since, or already verified). Only
    the worker calls this: a code leaves the process only inside the email."""
    if not actor.is_system:
        raise Forbidden("You do not have permission to perform this action")
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or (purpose is otp.OtpPurpose.VERIFY_EMAIL and user.is_verified):
        return None
    code = await otp.issue(purpose, user.email)
    return CodeLetter(email=user.email, first_name=user.first_name, code=code,
                      minutes=get_settings().otp_ttl_seconds // 60)


async def request_password_reset(*, email: str) -> None:
    email = _normal_email(email)
    user = await User.get_or_none(email=email, is_active=True)
    await _send_code(otp.OtpPurpose.RESET_PASSWORD, email, user)


async def reset_password(*, email: str, code: str, new_password: str) -> None:
    """The code is checked first, so that a wrong one costs an attempt whatever else is
    wrong. Success revokes every session of the user, API tokens and admin-panel sessions
    alike: a reset often follows a theft."""
    check_password_rules(new_password)
    email = _normal_email(email)
    await otp.consume(otp.OtpPurpose.RESET_PASSWORD, email, code)
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        raise InvalidState(otp.INVALID)
    hashed = await hash_password(new_password)
    # Before the write: if Redis fails here the password is unchanged and the code spent,
    # rather than a new password with the old sessions still open.
    await revoke_all_sessions(user.id)
    await admin_sessions.end_all_sessions(user.id)
    actor = Actor.for_user(user_id=user.id, role=UserType(user.user_type))
    async with atomic():
        user.hashed_password = hashed
        user.updated_at = dt.datetime.now(dt.UTC)
        user.updated_by_id = user.id
        await user.save(update_fields=["hashed_password", "updated_at", "updated_by_id"])
        await audit.record(actor, "password_reset", user, before={}, after={})


async def send_verification(*, email: str) -> None:
    email = _normal_email(email)
    user = await User.get_or_none(email=email, is_active=True, is_verified=False)
    await _send_code(otp.OtpPurpose.VERIFY_EMAIL, email, user)


async def verify_email(*, email: str, code: str) -> User:
    email = _normal_email(email)
    await otp.consume(otp.OtpPurpose.VERIFY_EMAIL, email, code)
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        raise InvalidState(otp.INVALID)
    if not user.is_verified:
        actor = Actor.for_user(user_id=user.id, role=UserType(user.user_type))
        async with atomic():
            before = audit.snapshot(user)
            user.is_verified = True
            user.updated_at = dt.datetime.now(dt.UTC)
            await user.save(update_fields=["is_verified", "updated_at"])
            await audit.record(actor, "update", user, before=before)
    return user
