"""Tortoise configuration, transactions, and the aerich migration runner."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

from tortoise import Tortoise
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
MODEL_MODULES = ["models", "aerich.models"]


def _connection(db_url: str) -> dict[str, Any]:
    """asyncpg credentials from a URL; a `?host=/dir` query means a unix socket."""
    url = urlparse(db_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    credentials: dict[str, Any] = {
        "host": query.pop("host", None) or url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password or "",
        "database": url.path.lstrip("/") or "postgres",
        "minsize": int(query.pop("minsize", 1)),
        "maxsize": int(query.pop("maxsize", 10)),
        "reset": _keep_session_state,
    }
    return {"engine": "tortoise.backends.asyncpg", "credentials": credentials}


async def _keep_session_state(_connection: Any) -> None:
    """asyncpg's default pool reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL` on every release, and Tortoise releases after every query, so
    a request paid an extra round trip per query. This code keeps no session state (no
    LISTEN, session SETs, session advisory locks or cursors outside a transaction), so
    nothing needs resetting; an open transaction is still rolled back by asyncpg itself
    before this hook runs."""


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(db_url)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _config_for_aerich_cli() -> dict[str, Any]:
    from dashboard.settings import get_settings

    return tortoise_config(get_settings().database_url or "postgres://postgres@127.0.0.1/dashboard")


class _LazyConfig(dict):
    """`aerich` reads TORTOISE_ORM at import; resolve the settings only when it is used."""

    def _load(self) -> None:
        if not self:
            self.update(_config_for_aerich_cli())

    def __getitem__(self, key: str) -> Any:
        self._load()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._load()
        return super().get(key, default)

    def keys(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().keys()


TORTOISE_ORM = _LazyConfig()


async def init_orm(db_url: str) -> None:
    # The global fallback keeps the ORM usable from every task under uvicorn and arq
    # (Tortoise 1.x keeps its state in a ContextVar; see stack-notes §1).
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)


async def close_orm() -> None:
    await Tortoise.close_connections()


async def apply_migrations(db_url: str) -> list[str]:
    """Apply every pending aerich migration; returns the names applied."""
    from aerich import Command

    config = tortoise_config(db_url)
    # aerich skips Tortoise.init when the ORM was initialised before in this process, even
    # if its connections have since been closed; initialise it afresh for this database.
    await Tortoise.init(config=config)
    command = Command(tortoise_config=config, app="models", location=str(MIGRATIONS_DIR))
    await command.init()
    try:
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


async def create_database(db_url: str) -> None:
    """Create the URL's database when it does not exist yet."""
    import asyncpg

    conn_cfg = _connection(db_url)["credentials"]
    name = conn_cfg["database"]
    admin = await asyncpg.connect(
        host=conn_cfg["host"], port=conn_cfg["port"], user=conn_cfg["user"],
        password=conn_cfg["password"] or None, database="postgres",
    )
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_database(db_url: str) -> None:
    import asyncpg

    conn_cfg = _connection(db_url)["credentials"]
    admin = await asyncpg.connect(
        host=conn_cfg["host"], port=conn_cfg["port"], user=conn_cfg["user"],
        password=conn_cfg["password"] or None, database="postgres",
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{conn_cfg["database"]}" WITH (FORCE)')
    finally:
        await admin.close()


def with_database(db_url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    url = urlparse(db_url)
    return url._replace(path="/" + name).geturl()


def asyncpg_dsn(db_url: str) -> dict[str, Any]:
    """Keyword arguments for asyncpg.connect/create_pool (used by COPY-based loaders)."""
    cfg = _connection(db_url)["credentials"]
    return {
        "host": cfg["host"], "port": cfg["port"], "user": cfg["user"],
        "password": cfg["password"] or None, "database": cfg["database"],
    }


# Jobs queued inside `atomic()` wait here until the outermost transaction commits.
AfterCommit = Callable[[], Awaitable[None]]
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("after_commit", default=None)


@contextlib.asynccontextmanager
async def atomic() -> AsyncIterator[Any]:
    """A transaction; nested calls join the outer one. Callbacks registered with
    `on_commit` run only once the outermost transaction has committed."""
    if _after_commit.get() is not None:
        async with in_transaction() as connection:
            yield connection
        return
    callbacks: list[AfterCommit] = []
    token = _after_commit.set(callbacks)
    try:
        async with in_transaction() as connection:
            yield connection
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        await callback()


async def on_commit(callback: AfterCommit) -> None:
    """Run `callback` after the current transaction commits, or now outside one."""
    pending = _after_commit.get()
    if pending is None:
        await callback()
    else:
        pending.append(callback)


async def ids_of(query: QuerySet[Any], column: str) -> list[int]:
    """One integer column of the query's rows. Tortoise types `values_list(..., flat=True)`
    as a list of tuples whatever `flat` says, so the cast lives here once."""
    return cast("list[int]", await query.values_list(column, flat=True))
