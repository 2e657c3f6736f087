"""Rules every create, partial update and delete shares (domain.md §3.0, notes §3.4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tortoise.models import Model

from dashboard.core import audit
from dashboard.core.actor import Actor
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound


def require_changes(changes: Mapping[str, Any]) -> None:
    if not changes:
        raise InvalidState("No fields to update")


def check_fields(changes: Mapping[str, Any], *, writable: Iterable[str], not_null: Iterable[str] = ()) -> None:
    """Only writable fields, and no null for a column that cannot hold one."""
    unknown = set(changes) - set(writable)
    if unknown:
        raise InvalidState(f"Unknown or read-only fields: {', '.join(sorted(unknown))}")
    for name in not_null:
        if name in changes and changes[name] is None:
            raise InvalidState(f"{name} cannot be null")


def check_changes(changes: Mapping[str, Any], *, writable: Iterable[str], not_null: Iterable[str] = ()) -> None:
    """A partial update: something to change, and only fields that may change."""
    require_changes(changes)
    check_fields(changes, writable=writable, not_null=not_null)


async def ensure_unique(model: type[Model], label: str, *, exclude_id: int | None = None, **values: Any) -> None:
    """Each given column is unique, compared case-insensitively (names and codes typed by
    people); the 409 names the column. None values are not checked."""
    for column, value in values.items():
        if value is None:
            continue
        clash = model.filter(**{f"{column}__iexact": value})
        if exclude_id is not None:
            clash = clash.exclude(id=exclude_id)
        if await clash.exists():
            raise Conflict(f"A {label} with this {column} already exists")


async def delete_unless_referenced(actor: Actor, model: type[Model], row_id: int, *, label: str,
                                   dependants: Iterable[tuple[type[Model], str]], column: str) -> None:
    """A hard delete, refused with a 409 naming what still refers to the row (history is
    never cascaded away, notes §3.4), and audited in the same transaction. `dependants`
    pairs a model whose `column` refers to the row with the words the 409 uses."""
    async with atomic():
        row = await model.select_for_update().get_or_none(id=row_id)
        if row is None:
            raise NotFound(f"{label} not found")
        blocking = [words for dependant, words in dependants if await dependant.exists(**{column: row_id})]
        if blocking:
            raise Conflict(f"{label} cannot be deleted: it still has {', '.join(blocking)}")
        before = audit.snapshot(row)
        await row.delete()
        await audit.record(actor, "delete", row, before=before, after=None)
