"""The shared Redis client (token blacklist, OTPs, rate limits) and the job queue
(dashboard.core.queue puts typed jobs on it).

One `ArqRedis` serves both: arq's client is a redis.asyncio.Redis with `enqueue_job`.
It is created at start-up (web lifespan, worker on_startup) and closed at shutdown.
"""

from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import ConnectionPool, Redis

_client: ArqRedis | None = None
# One connection of its own for the per-request token check (dashboard.core.security):
# a single-connection client skips the pool's checkout, health probe and release, about
# half of what a command cost through the shared pool.
_auth_client: tuple[ArqRedis, Redis] | None = None


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 1
    return settings


async def connect(url: str) -> ArqRedis:
    global _client
    _client = await create_pool(redis_settings(url))
    return _client


def use(client: ArqRedis) -> None:
    """Adopt a client created elsewhere (the worker's own pool)."""
    global _client
    _client = client


async def close() -> None:
    global _client, _auth_client
    if _auth_client is not None:
        await _auth_client[1].aclose()
        await _auth_client[1].connection_pool.disconnect()
        _auth_client = None
    if _client is not None:
        await _client.aclose()
        _client = None


def redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not connected; the app lifespan or worker start-up connects it")
    return _client


def auth_redis() -> Redis:
    """The token check's own connection to the same Redis as `redis()`."""
    global _auth_client
    shared = redis()
    if _auth_client is None or _auth_client[0] is not shared:
        pool = shared.connection_pool
        own = ConnectionPool(connection_class=pool.connection_class, max_connections=1, **pool.connection_kwargs)
        _auth_client = (shared, Redis(connection_pool=own, single_connection_client=True))
    return _auth_client[1]
