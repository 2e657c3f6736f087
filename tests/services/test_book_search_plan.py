"""The book search is one expression over the searched columns
(models.constraints.BOOK_SEARCH_TEXT) with one trigram index on exactly that expression
(migration 5), so the planner can choose per term: a common term walks the title index in
result order and stops at the limit, a rare one takes the trigram index. Both plans are
checked, so a change that loses either fails here (as in the student search's test, the
rare term's plan is taken with sequential scans priced out: what is checked is that the
index fits the expression)."""

from __future__ import annotations

import datetime as dt
import json

import asyncpg
import pytest
from tortoise.expressions import Q

from dashboard.core.actor import Actor
from dashboard.core.db import asyncpg_dsn
from dashboard.services import library
from dashboard.services.students import like_pattern
from models import LibraryBook

ROWS = 3000


def _nodes(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


@pytest.fixture
async def seeded(app, services):
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        now = dt.datetime.now(dt.UTC)
        await connection.copy_records_to_table("library_books", columns=[
            "title", "author", "isbn", "category", "publisher", "copies_total", "copies_available", "is_reference",
            "created_at"], records=[
            (f"Title {n:05d}", f"Author {n % 311}", f"978{n:010d}", f"Category {n % 17}" if n % 5 else None,
             f"Press {n % 41}", 1, 1, False, now) for n in range(ROWS)])
        await connection.execute("ANALYZE library_books")
        yield connection
    finally:
        await connection.close()


async def _plan(connection, *args, settings: str = "") -> dict:
    async with connection.transaction():
        if settings:
            await connection.execute(settings)
        raw = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {library.SEARCH_SQL}", *args)
    return json.loads(raw)[0]["Plan"]


async def _skip_without_trigram_index(connection: asyncpg.Connection) -> None:
    present = await connection.fetchval(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'trgm_library_books_search'")
    if not present:
        # The planner's estimate for the expression comes from the statistics ANALYZE
        # keeps for the index on it; without one it guesses a handful of rows.
        pytest.skip("this PostgreSQL has no pg_trgm, so the migrations left the trigram index out")


async def test_a_common_term_walks_the_title_order_and_stops_at_the_limit(seeded):
    await _skip_without_trigram_index(seeded)
    plan = await _plan(seeded, like_pattern("title"), 20)
    assert plan["Node Type"] == "Limit", plan
    below = _nodes(plan)
    assert not any(n["Node Type"] == "Sort" for n in below), plan
    assert any(n["Node Type"] == "Index Scan" and n["Index Name"] in ("idx_library_boo_title_17bed6",)
               for n in below), plan


async def test_a_rare_term_can_take_the_trigram_index(seeded):
    await _skip_without_trigram_index(seeded)
    plan = await _plan(seeded, like_pattern("title 0012"), 20, settings="SET LOCAL enable_seqscan = off")
    assert "trgm_library_books_search" in {n.get("Index Name") for n in _nodes(plan)}, plan
    rows = await seeded.fetch(library.SEARCH_SQL, like_pattern("title 0012"), 20)
    assert [r["title"] for r in rows] == [f"Title 0012{d}" for d in range(10)]


async def test_the_answers_are_those_of_the_column_by_column_search(seeded):
    for term in ("title 01", "author 3", "9780000000", "category 1", "press 4", "ss 1", "%", "none-such"):
        found = await library.search_books(Actor.system(), q=term, limit=20)
        expected = await LibraryBook.filter(
            Q(title__icontains=term) | Q(author__icontains=term) | Q(isbn__icontains=term)
            | Q(category__icontains=term) | Q(publisher__icontains=term)).order_by("title", "id").limit(20) \
            .values_list("id", flat=True)
        assert [r["id"] for r in found] == list(expected), term
    assert await library.search_books(Actor.system(), q="Title 00001\x1fAuthor") == []
