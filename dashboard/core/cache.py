"""The shared Redis client (token blacklist, OTPs, rate limits) and the job queue
(dashboard.core.queue puts typed jobs on it).

One `ArqRedis` serves both: arq's client is a redis.asyncio.Redis with `enqueue_job`.
It is created at start-up (web lifespan, worker on_startup) and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any, cast

import hiredis
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

_client: ArqRedis | None = None
# One connection of its own for the per-request token check (dashboard.core.security),
# spoken to by `TokenCheckClient` below: pipelined, without the pool's checkout, health
# probe and release, or a lock held across each round trip.
# Each paired with the shared client it follows (a worker or a test may swap that one), kept
# until close(), so that none is dropped unclosed.
_auth_clients: list[tuple[ArqRedis, TokenCheckClient | Redis]] = []


class _RespProtocol(asyncio.Protocol):
    """Replies matched to requests in the order sent (RESP answers in order)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reader = hiredis.Reader(replyError=ResponseError)
        self.waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a stream connection's transport

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while True:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError:
                # Not RESP: nothing more on this connection can be trusted.
                if self.transport is not None:
                    self.transport.close()
                return
            if reply is False:
                return
            waiter = self.waiting.popleft()
            if waiter.done():  # its request was cancelled; the reply is still its own
                continue
            if isinstance(reply, Exception):
                waiter.set_exception(reply)
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(RedisConnectionError("Connection to Redis lost"))

    def request(self, payload: bytes) -> asyncio.Future[Any]:
        if self.closed or self.transport is None:
            raise RedisConnectionError("Connection to Redis lost")
        waiter = asyncio.get_running_loop().create_future()
        self.waiting.append(waiter)
        self.transport.write(payload)
        return waiter


def _command(*parts: str | bytes) -> bytes:
    encoded = [part.encode() if isinstance(part, str) else part for part in parts]
    return b"".join([b"*%d\r\n" % len(encoded), *(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)])


class TokenCheckClient:
    """MGET on one connection of this process, for the token check every request makes.

    Through redis-py's single-connection client a command took a lock for its whole
    round trip (concurrent requests queued behind each other's) and passed its command
    packer, connection object and stream reader; here a request writes its packed MGET
    and awaits a future that the protocol resolves in reply order (hiredis parses), so
    a worker's concurrent checks share the connection in flight. Failures are redis-py's
    exception classes (or OSError), as callers expect; a lost connection is made again
    by the next call."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self._kwargs = kwargs
        self._protocol: _RespProtocol | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Future[_RespProtocol] | None = None

    async def _connected(self) -> _RespProtocol:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests, a forked worker)
            self._protocol, self._connecting, self._loop = None, None, loop
        if self._protocol is not None and not self._protocol.closed:
            return self._protocol
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
        connecting = self._connecting
        try:
            self._protocol = await asyncio.shield(connecting)
        finally:
            if self._connecting is connecting and connecting.done():
                self._connecting = None
        return self._protocol

    async def _connect(self) -> _RespProtocol:
        kwargs = self._kwargs
        loop = asyncio.get_running_loop()
        timeout = kwargs.get("socket_connect_timeout")
        async with asyncio.timeout(timeout):
            if "path" in kwargs:
                _, protocol = await loop.create_unix_connection(_RespProtocol, kwargs["path"])
            else:
                _, protocol = await loop.create_connection(_RespProtocol, kwargs.get("host", "localhost"),
                                                           kwargs.get("port", 6379))
            setup = []
            if kwargs.get("password"):
                setup.append(("AUTH", *([kwargs["username"]] if kwargs.get("username") else []), kwargs["password"]))
            if kwargs.get("db"):
                setup.append(("SELECT", str(kwargs["db"])))
            for command in setup:
                await protocol.request(_command(*command))
        return protocol

    async def mget(self, keys: list[str]) -> list[bytes | None]:
        protocol = await self._connected()
        return await protocol.request(_command("MGET", *keys))

    async def aclose(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.transport.close()


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
        if isinstance(own, Redis):
            await own.connection_pool.disconnect()
    if _client is not None:
        await _client.aclose()
        _client = None


def redis() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not connected; the app lifespan or worker start-up connects it")
    return _client


def auth_redis() -> TokenCheckClient | Redis:
    """The token check's own connection to the same Redis as `redis()` (a redis-py
    single-connection client for what `TokenCheckClient` does not speak: TLS)."""
    shared = redis()
    for followed, own in _auth_clients:
        if followed is shared:
            return own
    pool = shared.connection_pool
    kwargs = dict(pool.connection_kwargs)
    checker: TokenCheckClient | Redis
    if pool.connection_class in (Connection, UnixDomainSocketConnection) and not kwargs.get("credential_provider"):
        checker = TokenCheckClient(kwargs)
    else:
        checker = Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, max_connections=1,
                                                       **kwargs), single_connection_client=True)
    _auth_clients.append((shared, checker))
    return checker
