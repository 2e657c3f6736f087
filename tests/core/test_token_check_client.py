"""The token check's own Redis client (dashboard.core.cache.TokenCheckClient): replies in
the order asked even when requests overlap, Redis errors as redis-py's exceptions, and a
lost connection made again by the next call."""

from __future__ import annotations

import asyncio
import socket

import pytest
from redis.exceptions import RedisError, ResponseError

from dashboard.core import cache
from dashboard.core.cache import TokenCheckClient


async def test_overlapping_checks_get_their_own_replies(app):
    shared = cache.redis()
    await shared.mset({f"check:{n}": str(n) for n in range(50)})
    checker = cache.auth_redis()
    assert isinstance(checker, TokenCheckClient)
    replies = await asyncio.gather(*(checker.mget([f"check:{n}", "check:none"]) for n in range(50)))
    assert replies == [[str(n).encode(), None] for n in range(50)]


async def test_an_error_reply_is_a_redis_error_and_the_connection_is_made_again(app):
    checker = cache.auth_redis()
    assert isinstance(checker, TokenCheckClient)
    await checker.mget(["check:warm"])
    protocol = await checker._connected()
    with pytest.raises(ResponseError):
        await protocol.request(b"*1\r\n$7\r\nNOSUCHC\r\n")
    # The server closes this one connection (as a restart would): the next call reconnects.
    own_id = await protocol.request(b"*2\r\n$6\r\nCLIENT\r\n$2\r\nID\r\n")
    await cache.redis().execute_command("CLIENT", "KILL", "ID", str(own_id))
    for _ in range(100):
        if protocol.closed:
            break
        await asyncio.sleep(0.01)
    with pytest.raises(RedisError):
        await protocol.request(b"*1\r\n$4\r\nPING\r\n")
    await cache.redis().set("check:after", b"1")
    assert await checker.mget(["check:after"]) == [b"1"]


async def test_an_unreachable_redis_is_an_os_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    checker = TokenCheckClient({"host": "127.0.0.1", "port": port, "socket_connect_timeout": 1})
    with pytest.raises(ConnectionRefusedError):
        await checker.mget(["any"])
    await checker.aclose()
