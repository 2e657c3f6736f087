"""Rules every create, partial update and delete shares (domain.md §3.0, notes §3.4)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound

M = TypeVar("M", bound=Model)


async def get_or_404(source: type[M] | QuerySet[M], row_id: int, *, label: str,
                     for_update: bool = False) -> M:
    """The row with this id, or NotFound("<label> not found"). `source` is a model or a
    scope (`visible_<things>(actor)`), so a row outside the caller's scope is the same 404
    as a row that does not exist. `for_update` locks it until the transaction ends."""
    query = source.all() if isinstance(source, type) else source
    if for_update:
        query = query.select_for_update()
    row = await query.get_or_none(id=row_id)
    if row is None:
        raise NotFound(f"{label} not found")
    return row


def touch(row: Model) -> None:
    """`updated_at` is set here and nowhere else."""
    row.updated_at = dt.datetime.now(dt.UTC)


@contextlib.asynccontextmanager
async def audited_change(actor: Actor, row: M, *, fields: Iterable[str] | None = None,
                         also: Mapping[str, tuple[Any, Any]] | None = None) -> AsyncIterator[M]:
    """The steps after the lock, for a row the caller has already locked (when a rule needs
    other locks taken before it): snapshot, let the caller change it, set `updated_at`,
    save (only `fields` and updated_at, when given), write the audit row. Call inside the
    transaction that holds the lock. `also` (filled in by the caller inside the block)
    adds changes that are not columns, as name: (before, after), to the same audit row."""
    before = audit.snapshot(row)
    yield row
    has_timestamp = "updated_at" in row._meta.fields_map
    if has_timestamp:
        touch(row)
    if fields is None:
        await row.save()
    else:
        await row.save(update_fields=[*fields, *(["updated_at"] if has_timestamp else [])])
    after = audit.snapshot(row)
    for name, (old, new) in (also or {}).items():
        before[name], after[name] = old, new
    await audit.record(actor, "update", row, before=before, after=after)


@contextlib.asynccontextmanager
async def audited_edit(actor: Actor, source: type[M] | QuerySet[M], row_id: int, *,
                       label: str) -> AsyncIterator[M]:
    """Every step of an audited update, so none can be forgotten: in one transaction, lock
    the row (404 outside `source`), snapshot it, let the caller check and change it, then
    set `updated_at`, save and write the audit row. An exception inside the block rolls
    everything back and writes nothing."""
    async with atomic():
        row = await get_or_404(source, row_id, label=label, for_update=True)
        async with audited_change(actor, row):
            yield row


async def audited_update(actor: Actor, source: type[M] | QuerySet[M], row_id: int, *, label: str,
                         changes: Mapping[str, Any]) -> M:
    """A partial update of plain columns (`changes` from the schema's `model_fields_set`),
    audited; rules that need the locked row use `audited_edit` directly."""
    require_changes(changes)
    model = source if isinstance(source, type) else source.model
    refuse_nulls(model, changes)
    async with audited_edit(actor, source, row_id, label=label) as row:
        row.update_from_dict(dict(changes))
    return row


def require_changes(changes: Mapping[str, Any]) -> None:
    if not changes:
        raise InvalidState("No fields to update")


def refuse_nulls(model: type[Model], changes: Mapping[str, Any]) -> None:
    """A partial update's schema lets a field be left out, so it types every field as
    optional; a null sent for a column that cannot hold one (or for a list that replaces
    a set) is refused here, from the model's own column definitions."""
    fields = model._meta.fields_map
    for name, value in changes.items():
        if value is None and (name not in fields or not fields[name].null):
            raise InvalidState(f"{name} cannot be null")


def check_fields(changes: Mapping[str, Any], *, writable: Iterable[str], not_null: Iterable[str] = ()) -> None:
    """Only writable fields, and no null for a column that cannot hold one. The existing
    sections need neither list (their Update schema is the list of writable fields, and
    `refuse_nulls` reads the model's columns); kept for the sections that still call it."""
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


async def delete_unless_referenced(actor: Actor, source: type[Model] | QuerySet[Model], row_id: int, *,
                                   label: str, dependants: Iterable[tuple[type[Model], str]], column: str) -> None:
    """A hard delete, refused with a 409 naming what still refers to the row (history is
    never cascaded away, notes §3.4), and audited in the same transaction. `dependants`
    pairs a model whose `column` refers to the row with the words the 409 uses."""
    async with atomic():
        row = await get_or_404(source, row_id, label=label, for_update=True)
        blocking = [words for dependant, words in dependants if await dependant.exists(**{column: row_id})]  # type: ignore[arg-type]
        if blocking:
            raise Conflict(f"{label} cannot be deleted: it still has {', '.join(blocking)}")
        before = audit.snapshot(row)
        await row.delete()
        await audit.record(actor, "delete", row, before=before, after=None)
