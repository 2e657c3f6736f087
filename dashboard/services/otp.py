"""One-time codes for password reset and email verification, kept in Redis.

A code is 6 digits from `secrets`. Redis holds only an HMAC of it (keyed by the JWT
secret, so a leaked Redis dump cannot be brute-forced offline), under a key namespaced by
purpose: a reset code never verifies an email. Guesses are counted with INCR before the
comparison, so concurrent guesses cannot slip past the attempt limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

from redis.exceptions import RedisError

from dashboard.core import cache
from dashboard.core.errors import InvalidState, RateLimited, ServiceUnavailable
from dashboard.settings import get_settings

CODE_DIGITS = 6
INVALID = "Invalid or expired OTP"
UNAVAILABLE = "Service temporarily unavailable, please retry shortly"


class OtpPurpose(StrEnum):
    RESET_PASSWORD = "reset-password"  # noqa: S105 - a purpose, not a password
    VERIFY_EMAIL = "verify-email"


def _code_key(purpose: OtpPurpose, email: str) -> str:
    return f"otp:{purpose.value}:{email}"


def _attempts_key(purpose: OtpPurpose, email: str) -> str:
    return f"otp-attempts:{purpose.value}:{email}"


def _digest(purpose: OtpPurpose, email: str, code: str) -> str:
    message = f"{purpose.value}\n{email}\n{code}".encode()
    return hmac.new(get_settings().secret_key().encode(), message, hashlib.sha256).hexdigest()


async def issue(purpose: OtpPurpose, email: str) -> str:
    """A fresh code replacing any earlier one for this purpose and email; the attempt
    counter starts again."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = get_settings().otp_ttl_seconds
    try:
        async with cache.redis().pipeline(transaction=True) as pipe:
            pipe.set(_code_key(purpose, email), _digest(purpose, email, code), ex=ttl)
            pipe.delete(_attempts_key(purpose, email))
            await pipe.execute()
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc
    return code


async def consume(purpose: OtpPurpose, email: str, code: str) -> None:
    """Accept the code once, or raise: RateLimited once the attempts are used up (even
    for the right code), InvalidState for a wrong, expired or already used code."""
    settings = get_settings()
    attempts_key, code_key = _attempts_key(purpose, email), _code_key(purpose, email)
    try:
        async with cache.redis().pipeline(transaction=True) as pipe:
            # The counter lives as long as a code would, from the first guess.
            pipe.set(attempts_key, 0, ex=settings.otp_ttl_seconds, nx=True)
            pipe.incr(attempts_key)
            pipe.ttl(attempts_key)
            pipe.get(code_key)
            _, attempts, ttl, stored = await pipe.execute()
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc
    if attempts > settings.otp_max_attempts:
        raise RateLimited("Too many attempts; request a new code", retry_after=max(int(ttl), 1))
    if stored is None or not hmac.compare_digest(stored.decode(), _digest(purpose, email, code)):
        raise InvalidState(INVALID)
    try:
        # DEL answers 1 to exactly one of two requests racing with the same right code.
        deleted = await cache.redis().delete(code_key)
        if deleted:
            await cache.redis().delete(attempts_key)
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable(UNAVAILABLE) from exc
    if not deleted:
        raise InvalidState(INVALID)
