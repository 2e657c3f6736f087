"""The tables migration 4 creates outside the Tortoise models (models.constraints.CAMPUS_TABLES)."""

from __future__ import annotations

from tortoise import connections

from models.constraints import CAMPUS_TABLES


async def test_the_campus_tables_exist(app):
    rows = await connections.get("default").execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert set(CAMPUS_TABLES) <= {row["tablename"] for row in rows}
