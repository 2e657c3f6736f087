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
# Each paired with the shared client it follows (a worker or a test may swap that one), kept
# until close(), so that none is dropped unclosed.
_auth_clients: list[tuple[ArqRedis, Redis]] = []


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
    global _client
    while _auth_clients:
        _, own = _auth_clients.pop()
        await own.aclose()
        await own.connection_pool.disconnect()
    if _client is not None:
        await _client.aclose()
        _client = None


def redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not connected; the app lifespan or worker start-up connects it")
    return _client


def auth_redis() -> Redis:
    """The token check's own connection to the same Redis as `redis()`."""
    shared = redis()
    for followed, own in _auth_clients:
        if followed is shared:
            return own
    pool = shared.connection_pool
    own = Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, max_connections=1,
                                               **pool.connection_kwargs), single_connection_client=True)
    _auth_clients.append((shared, own))
    return own
