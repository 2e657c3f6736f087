"""What every import kind shares: a row of the file as it is checked, the import it
belongs to, and the steps of checking a batch that do not depend on the kind.

A batch is checked set-based: the kind loads what its rows refer to with one query per
kind of reference (every student code of the batch at once), never one per row, and
then decides each row in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from dashboard.core.actor import Actor


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a kind's template."""

    name: str
    description: str
    example: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass
class Row:
    number: int
    raw: dict[str, str]
    outcome: str = "created"
    errors: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    target: dict[str, Any] | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    # Filled by a commit.
    entity_id: int | None = None
    audit_id: int | None = None

    def error(self, column: str, message: str) -> None:
        entry = {"column": column, "message": message}
        if entry not in self.errors:
            self.errors.append(entry)

    def has_error(self, *columns: str) -> bool:
        return any(e["column"] in columns for e in self.errors)

    @property
    def target_id(self) -> int | None:
        return self.target["_id"] if self.target else None

    @property
    def version(self) -> str | None:
        return self.target.get("_version") if self.target else None


@dataclass
class ImportContext:
    """One run over one import's rows (the preview, or the commit)."""

    actor: Actor
    import_id: int
    mode: str
    options: dict[str, Any]
    # Per-import caches a kind fills once (programs by code, the assessment).
    cache: dict[str, Any] = field(default_factory=dict)
    # (column, folded value) -> the first row holding it: duplicates within the file.
    seen: dict[str, int] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """A value in the form compared and stored as JSON."""
    if value is None or type(value) in (str, int):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        try:
            return str(Decimal(str(value)).normalize())
        except InvalidOperation:
            return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def same(a: Any, b: Any) -> bool:
    a, b = plain(a), plain(b)
    if isinstance(a, int) and not isinstance(a, bool) and isinstance(b, str):
        return str(a) == b
    if isinstance(b, int) and not isinstance(b, bool) and isinstance(a, str):
        return str(b) == a
    return bool(a == b)


def dumps(value: Any) -> str:
    return json.dumps(value, default=plain)


def fold(value: Any) -> str:
    return str(value).strip().upper()


def validate(row: Row, schema: type[BaseModel], data: dict[str, Any], *, ignore_missing: bool = False
             ) -> dict[str, Any] | None:
    """The schema's own checks, each error on its column in the schema's words."""
    try:
        return schema.model_validate(data).model_dump()
    except ValidationError as exc:
        for err in exc.errors():
            if ignore_missing and err["type"] == "missing":
                continue
            location = err.get("loc") or ()
            row.error(str(location[0]) if location else "", str(err.get("msg", "Invalid value")))
        return None


def check_duplicates(ctx: ImportContext, rows: Iterable[Row], keys: Callable[[Row], list[tuple[str, str]]]) -> None:
    """A value that must be unique and was already on an earlier row of the file: an
    error of this (the later) row. `keys` gives a row's (column, value) pairs."""
    for row in rows:
        for column, value in keys(row):
            key = f"{column}\x00{fold(value)}"
            first = ctx.seen.get(key)
            if first is None:
                ctx.seen[key] = row.number
            elif first != row.number:
                row.error(column, f"Duplicate in this file: the same {column} as row {first}")


def settle(rows: Iterable[Row], compared: Sequence[str]) -> None:
    """Each row's outcome from its errors, its target and what differs from it."""
    for row in rows:
        if row.errors:
            row.outcome = "error"
            continue
        if row.target is None:
            row.outcome = "created"
            continue
        row.changes = {column: row.values[column] for column in compared
                       if column in row.raw and column in row.values
                       and not same(row.values[column], row.target.get(column))}
        row.outcome = "updated" if row.changes else "unchanged"


def merged(row: Row, target: dict[str, Any] | None) -> dict[str, Any]:
    """The row's cells over the existing record's values: an upsert changes only the
    columns the file holds, and the schema checks the whole record as it will be."""
    if target is None:
        return dict(row.raw)
    base = {k: v for k, v in target.items() if not k.startswith("_") and v is not None}
    return base | row.raw
