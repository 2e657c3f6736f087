"""The shared Redis client (token blacklist, OTPs, rate limits) and the job queue
(dashboard.core.queue puts typed jobs on it).

One `ArqRedis` serves both: arq's client is a redis.asyncio.Redis with `enqueue_job`.
It is created at start-up (web lifespan, worker on_startup) and closed at shutdown.
"""

from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings, create_pool

_client: ArqRedis | None = None


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
    if _client is not None:
        await _client.aclose()
        _client = None


def redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not connected; the app lifespan or worker start-up connects it")
    return _client
