"""Admin-panel sessions: opaque tokens in Redis, indexed per user so that every session of a
user can be ended at once. The panel (admin_views.auth) opens and reads them; a password
change in the panel and a password reset by one-time code (services.auth) end them. The key
format lives only here, so that both ends always agree on it."""

from __future__ import annotations

import secrets

from redis.exceptions import RedisError

from dashboard.core import cache
from dashboard.core.errors import ServiceUnavailable

SESSION_SECONDS = 8 * 3600
_SESSION_KEY = "admin:session:{token}"
# Every open session of a user, so that a password change or reset can end them all.
_USER_SESSIONS_KEY = "admin:user-sessions:{user_id}"


def _session_key(token: str) -> str:
    return _SESSION_KEY.format(token=token)


def _user_sessions_key(user_id: int) -> str:
    return _USER_SESSIONS_KEY.format(user_id=user_id)


async def open_session(user_id: int) -> str:
    """A new session token for `user_id`, valid for SESSION_SECONDS."""
    token = secrets.token_urlsafe(32)
    sessions_key = _user_sessions_key(user_id)
    async with cache.redis().pipeline(transaction=True) as pipe:
        pipe.set(_session_key(token), user_id, ex=SESSION_SECONDS)
        pipe.sadd(sessions_key, token)
        pipe.expire(sessions_key, SESSION_SECONDS)
        await pipe.execute()
    return token


async def session_user(token: str) -> int | None:
    """The user id behind a live session token, or None."""
    user_id = await cache.redis().get(_session_key(token))
    return int(user_id) if user_id is not None else None


async def end_session(token: str) -> None:
    redis = cache.redis()
    user_id = await redis.get(_session_key(token))
    await redis.delete(_session_key(token))
    if user_id is not None:
        # redis-py types its set commands for the sync and async clients at once.
        await redis.srem(_user_sessions_key(int(user_id)), token)  # type: ignore[misc]


async def end_all_sessions(user_id: int) -> None:
    """Every open panel session of the user stops working. A Redis failure is a 503 rather
    than a silent success: the caller (a password reset) must not go on believing the
    sessions are over."""
    redis = cache.redis()
    key = _user_sessions_key(user_id)
    try:
        tokens = await redis.smembers(key)  # type: ignore[misc]  # as srem above
        async with redis.pipeline(transaction=True) as pipe:
            for token in tokens:
                pipe.delete(_session_key(token.decode() if isinstance(token, bytes) else token))
            pipe.delete(key)
            await pipe.execute()
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable("Authentication is temporarily unavailable") from exc
