"""Rate limits counted in Redis with the `limits` library (fixed windows).

`enforce` is the one entry point: the API's middleware calls it for every request and the
admin panel's login calls it too, so every limit lives in the same Redis under one prefix.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from redis.exceptions import RedisError

from dashboard.core import cache
from dashboard.core.errors import RateLimited, ServiceUnavailable
from dashboard.settings import get_settings

KEY_PREFIX = "ratelimit"

# The limiter shares the cache's connection pool; it is rebuilt when that client is
# replaced (a worker adopting its own pool, a test pointing Redis elsewhere).
_state: tuple[Any, FixedWindowRateLimiter] | None = None


def _limiter() -> FixedWindowRateLimiter:
    global _state
    client = cache.redis()
    if _state is None or _state[0] is not client:
        storage = RedisStorage(
            "async+redis://", implementation="redispy", key_prefix=KEY_PREFIX,
            connection_pool=client.connection_pool,  # type: ignore[arg-type]
        )
        _state = (client, FixedWindowRateLimiter(storage))
    return _state[1]


@lru_cache(maxsize=64)
def parse_limit(limit: str) -> RateLimitItem:
    return parse(limit)


async def enforce(limit: str | RateLimitItem, *identifiers: str, fail_closed: bool = True) -> None:
    """Count one hit of `identifiers` (say "login", "ip:203.0.113.9") against `limit`.

    Over the limit → RateLimited with the seconds until the window resets. Redis
    unreachable → ServiceUnavailable when `fail_closed` (the auth endpoints: a limit that
    cannot be counted must not let password guessing through), otherwise the hit passes.
    """
    if not get_settings().rate_limit_enabled:
        return
    item = parse_limit(limit) if isinstance(limit, str) else limit
    try:
        limiter = _limiter()
        if await limiter.hit(item, *identifiers):
            return
        stats = await limiter.get_window_stats(item, *identifiers)
    except (RedisError, OSError) as exc:
        if fail_closed:
            raise ServiceUnavailable("Service temporarily unavailable, please retry shortly") from exc
        return
    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
    raise RateLimited("Too many requests, please slow down", retry_after=retry_after)
