"""The check shared by the tests of trigger-kept count tables: what a table keeps equals
a recount from the detail rows."""

from decimal import Decimal
from typing import Any

from tortoise import connections


def _value(v: Any) -> str:
    # 2.50 and 2.5 are the same sum: a kept numeric and a recount may differ in scale.
    return str(v.normalize()) if isinstance(v, Decimal) else str(v)


async def assert_kept_counts_match(recounts: dict[str, str], empty: dict[str, str]) -> None:
    """Each table's non-empty rows (`empty[table]` says which rows are all zeros) equal
    the rows of its recount query, in any order."""
    db = connections.get("default")
    for table, recount in recounts.items():
        kept = await db.execute_query_dict(f"SELECT * FROM {table} WHERE NOT ({empty[table]})")
        counted = await db.execute_query_dict(recount)

        def key(row: dict) -> tuple:
            return tuple(sorted((k, _value(v)) for k, v in row.items()))

        assert sorted(map(key, kept)) == sorted(map(key, counted)), table
