"""The book search can use its trigram indexes (models.constraints, migrations 1 and 4):
one UNION branch per column, each on exactly the indexed expression. As in the student
search's test, sequential scans are priced out so that what is checked is that every
branch *can* be served by its index."""

from __future__ import annotations

import datetime as dt
import json

import asyncpg
import pytest

from dashboard.core.db import asyncpg_dsn
from dashboard.services import library
from dashboard.services.students import like_pattern

ROWS = 3000
INDEXES = {f"trgm_library_books_{column}" for column in ("title", "author", "isbn", "category", "publisher")}


def _index_scans(plan: dict) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _index_scans(child)
    return found


async def test_book_search_plan_uses_every_trigram_index(app, services):
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        present = {r["indexname"] for r in await connection.fetch(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'trgm_library_books_%'")}
        if not present >= INDEXES:
            pytest.skip("this PostgreSQL has no pg_trgm, so the migrations left the trigram indexes out")
        now = dt.datetime.now(dt.UTC)
        await connection.copy_records_to_table("library_books", columns=[
            "title", "author", "isbn", "category", "publisher", "copies_total", "copies_available", "is_reference",
            "created_at"], records=[
            (f"Title {n:05d}", f"Author {n % 311}", f"978{n:010d}", f"Category {n % 17}", f"Press {n % 41}", 1, 1,
             False, now) for n in range(ROWS)])
        await connection.execute("ANALYZE library_books")
        async with connection.transaction():
            await connection.execute("SET LOCAL enable_seqscan = off")
            raw = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {library.SEARCH_BY_INDEX_SQL}",
                                            like_pattern("title 0012"), 20)
        assert _index_scans(json.loads(raw)[0]["Plan"]) >= INDEXES
        rows = await connection.fetch(library.SEARCH_BY_INDEX_SQL, like_pattern("title 0012"), 20)
        assert [r["title"] for r in rows] == [f"Title 0012{d}" for d in range(10)]
    finally:
        await connection.close()
