"""Migration 8: the tables it creates outside the Tortoise models
(models.constraints.COMMUNICATION_TABLES), the nullable sender, and its downgrade."""

from __future__ import annotations

import importlib.util
import uuid

import asyncpg
from tortoise import Tortoise, connections

from dashboard.core.db import (
    MIGRATIONS_DIR,
    apply_migrations,
    asyncpg_dsn,
    create_database,
    drop_database,
    tortoise_config,
    with_database,
)
from models.constraints import COMMUNICATION_TABLES

_TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
_NULLABLE_SQL = ("SELECT is_nullable FROM information_schema.columns "
                 "WHERE table_name = 'notifications' AND column_name = 'sent_by_id'")


def _migration_8():
    (path,) = (MIGRATIONS_DIR / "models").glob("8_*.py")
    spec = importlib.util.spec_from_file_location("migration_8", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_tables_exist_and_a_notice_may_have_no_sender(app):
    connection = connections.get("default")
    assert set(COMMUNICATION_TABLES) <= {row["tablename"] for row in await connection.execute_query_dict(_TABLES_SQL)}
    assert (await connection.execute_query_dict(_NULLABLE_SQL))[0]["is_nullable"] == "YES"


async def test_the_migration_reverts_and_applies_again(app, services):
    url = with_database(services["database_url"], f"dashboard_m8_{uuid.uuid4().hex[:8]}")
    await create_database(url)
    try:
        await apply_migrations(url)
        # apply_migrations re-initialised the ORM for the scratch database: back to the app's.
        await Tortoise.init(config=tortoise_config(services["database_url"]), _enable_global_fallback=True)
        migration = _migration_8()
        scratch = await asyncpg.connect(**asyncpg_dsn(url))
        try:
            async with scratch.transaction():
                await scratch.execute(await migration.downgrade(None))
            tables = {row["tablename"] for row in await scratch.fetch(_TABLES_SQL)}
            assert not set(COMMUNICATION_TABLES) & tables
            assert await scratch.fetchval(_NULLABLE_SQL) == "NO"
            async with scratch.transaction():
                await scratch.execute(await migration.upgrade(None))
            assert set(COMMUNICATION_TABLES) <= {row["tablename"] for row in await scratch.fetch(_TABLES_SQL)}
            assert await scratch.fetchval(_NULLABLE_SQL) == "YES"
        finally:
            await scratch.close()
    finally:
        await drop_database(url)
