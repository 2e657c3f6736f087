"""Passwords (bcrypt, in a thread) and tokens (PyJWT HS256 with Redis revocation)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import bcrypt
import jwt
from redis.exceptions import RedisError

from dashboard.core import cache
from dashboard.core.errors import NotAuthenticated, ServiceUnavailable
from dashboard.settings import get_settings

log = logging.getLogger("dashboard.security")

BCRYPT_MAX_BYTES = 72

def password_fits_bcrypt(password: str) -> bool:
    return len(password.encode()) <= BCRYPT_MAX_BYTES


async def hash_password(password: str) -> str:
    if not password_fits_bcrypt(password):
        raise ValueError("password longer than 72 bytes")
    rounds = get_settings().bcrypt_rounds
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), bcrypt.gensalt(rounds=rounds))
    return hashed.decode()


async def verify_password(password: str, hashed: str | None) -> bool:
    """False for a wrong or over-long password; the dummy check keeps timing even."""
    if hashed is None:
        # In the thread too: making the dummy hash the first time costs a full bcrypt.
        await asyncio.to_thread(lambda: bcrypt.checkpw(b"not-the-password", _dummy_hash()))
        return False
    _note_stored_cost(hashed)
    if not password_fits_bcrypt(password):
        await asyncio.to_thread(bcrypt.checkpw, b"not-the-password", hashed.encode())
        return False
    return await asyncio.to_thread(bcrypt.checkpw, password.encode(), hashed.encode())


# Checked against unknown emails so that a login costs the same whether or not the
# account exists. Its cost factor is that of the stored hashes last checked, not the one
# new passwords get: accounts hashed at another cost (imported, or made before the
# setting changed; the demo university's are cost 10 against a default of 12) would
# otherwise answer an unknown email four times slower than a known one, which both tells
# the two apart and made a mixed login load half as fast. Made once per cost factor.
_dummy_by_cost: dict[int, bytes] = {}
_stored_cost: int | None = None


def _note_stored_cost(hashed: str) -> None:
    global _stored_cost
    # "$2b$10$...": the two digits after the second "$".
    cost = hashed[4:6]
    if len(hashed) == 60 and hashed[0] == "$" and hashed[6] == "$" and cost.isdigit():
        _stored_cost = int(cost)


def _dummy_hash() -> bytes:
    rounds = _stored_cost or get_settings().bcrypt_rounds
    if rounds not in _dummy_by_cost:
        _dummy_by_cost[rounds] = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=rounds))
    return _dummy_by_cost[rounds]


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    token_type: TokenType
    jti: str
    issued_at: float
    expires_at: int
    # One login: the access and refresh tokens it issued, and every pair rotated from them.
    session_id: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_token(user_id: int, token_type: TokenType, **extra: object) -> str:
    settings = get_settings()
    lifetime = (
        dt.timedelta(minutes=settings.jwt_access_token_expire_minutes)
        if token_type is TokenType.ACCESS
        else dt.timedelta(days=settings.jwt_refresh_token_expire_days)
    )
    now = _now()
    claims = {
        "sub": str(user_id),
        "type": token_type.value,
        "jti": uuid.uuid4().hex,
        # Sub-second, so that a password reset revokes tokens issued the same second.
        "iat": now.timestamp(),
        "exp": int((now + lifetime).timestamp()),
        **extra,
    }
    return jwt.encode(claims, settings.secret_key(), algorithm=settings.jwt_algorithm)


# Verified payloads by token string. A client sends the same token with every request for
# up to 30 minutes; checking its signature once spares the HMAC, base64 and JSON work on
# the rest. The key is the whole token, signature included, so only a token that has
# passed verification can be found here; expiry is still checked on every use.
_VERIFIED_CAPACITY = 4096
_verified: OrderedDict[str, dict[str, Any]] = OrderedDict()


def _verified_claims(token: str) -> dict[str, Any]:
    """The payload of a token signed with our key; raises jwt.PyJWTError otherwise, or
    once it has expired."""
    settings = get_settings()
    cache_key = token + "\0" + settings.secret_key()
    claims = _verified.get(cache_key)
    if claims is None:
        claims = jwt.decode(
            token,
            settings.secret_key(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["sub", "type", "jti", "iat", "exp"]},
        )
        _verified[cache_key] = claims
        if len(_verified) > _VERIFIED_CAPACITY:
            _verified.popitem(last=False)
    elif claims["exp"] <= time.time():
        _verified.pop(cache_key, None)
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims


def decode_token(token: str, expected: TokenType) -> TokenClaims:
    try:
        claims = _verified_claims(token)
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("Invalid or expired token") from exc
    if claims.get("type") != expected.value:
        raise NotAuthenticated("Invalid token type")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise NotAuthenticated("Invalid or expired token") from exc
    return TokenClaims(
        user_id=user_id,
        token_type=expected,
        jti=str(claims["jti"]),
        issued_at=float(claims["iat"]),
        expires_at=int(claims["exp"]),
        session_id=str(claims["sid"]) if claims.get("sid") else None,
    )


def token_subject(token: str) -> str | None:
    """The user id of a validly signed, unexpired token of either type, without touching
    Redis or the database (rate limits key on it); None for anything else."""
    try:
        claims = _verified_claims(token)
    except jwt.PyJWTError:
        return None
    return str(claims["sub"])


def _revoked_key(jti: str) -> str:
    return f"auth:revoked:{jti}"


def _sessions_after_key(user_id: int) -> str:
    return f"auth:sessions-after:{user_id}"


def _revoked_session_key(session_id: str) -> str:
    return f"auth:revoked-session:{session_id}"


@contextlib.contextmanager
def _redis_needed() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable("Authentication is temporarily unavailable") from exc


async def ensure_not_revoked(claims: TokenClaims, *, fail_open: bool = False) -> None:
    """One round trip: the token's own revocation, its session's (logout), and the user's
    "revoke everything issued before" mark (password reset).

    `fail_open` serves the request when Redis is unreachable (reads: the user is still
    loaded from the database, so deactivation keeps working); otherwise that is a 503."""
    keys = [_revoked_key(claims.jti), _sessions_after_key(claims.user_id)]
    if claims.session_id:
        keys.append(_revoked_session_key(claims.session_id))
    try:
        revoked, sessions_after, *session_revoked = await cache.auth_redis().mget(keys)
    except (RedisError, OSError) as exc:
        if fail_open:
            log.warning("token revocation not checked: Redis unreachable (%r)", exc)
            return
        raise ServiceUnavailable("Authentication is temporarily unavailable") from exc
    if revoked is not None or any(value is not None for value in session_revoked):
        raise NotAuthenticated("Token has been revoked")
    if sessions_after is not None and claims.issued_at <= float(sessions_after):
        raise NotAuthenticated("Token has been revoked")


def _remaining_life(claims: TokenClaims) -> int:
    return max(claims.expires_at - int(_now().timestamp()), 1)


def _refresh_lifetime_seconds() -> int:
    return int(dt.timedelta(days=get_settings().jwt_refresh_token_expire_days).total_seconds()) + 60


async def revoke(claims: TokenClaims) -> None:
    with _redis_needed():
        await cache.redis().set(_revoked_key(claims.jti), b"1", ex=_remaining_life(claims))


async def revoke_once(claims: TokenClaims) -> bool:
    """Revoke the token and say whether this call did it: of two requests rotating the
    same refresh token at once, exactly one gets True."""
    with _redis_needed():
        return bool(await cache.redis().set(_revoked_key(claims.jti), b"1", ex=_remaining_life(claims), nx=True))


async def revoke_session(session_id: str) -> None:
    """Every token of one login (both of the pair, and all rotated from them)."""
    with _redis_needed():
        await cache.redis().set(_revoked_session_key(session_id), b"1", ex=_refresh_lifetime_seconds())


async def revoke_all_sessions(user_id: int) -> None:
    """Every token issued up to now stops working (kept as long as a refresh lives)."""
    with _redis_needed():
        await cache.redis().set(
            _sessions_after_key(user_id), repr(_now().timestamp()), ex=_refresh_lifetime_seconds()
        )
