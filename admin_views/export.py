"""CSV export of a list: the rows the list shows (same scope, filters and order), every
page of them, streamed through the API's formula-safe writer (dashboard.core.exports)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse
from tortoise.queryset import QuerySet

from admin_views import widgets as w
from admin_views.base import AdminResource, Column
from admin_views.labels import enum_label
from dashboard.core import exports

CHUNK_ROWS = 2000


def _cell(column: Column, value: Any) -> Any:
    display = column.display
    if isinstance(display, w.EnumLabel):
        return enum_label(value)
    if isinstance(display, w.YesNo):
        return "" if value is None else ("Yes" if value else "No")
    if isinstance(display, w.DateTime):
        return w.format_datetime(value, date_only=display.date_only)
    if isinstance(display, w.Changes):
        before, after = value
        return json.dumps({"before": before, "after": after}, sort_keys=True, default=str)
    return value


def exported_columns(resource: type[AdminResource]) -> list[Column]:
    return [c for c in resource.columns if not isinstance(c.display, w.RosterLink)]


async def _chunks(resource: type[AdminResource], qs: QuerySet,
                  columns: Sequence[Column]) -> AsyncIterator[list[list[Any]]]:
    offset = 0
    while True:
        values = await resource.page_query(qs.offset(offset).limit(CHUNK_ROWS))
        if not values:
            return
        yield [[_cell(c, c.compute(v) if c.compute else v.get(c.name)) for c in columns] for v in values]
        if len(values) < CHUNK_ROWS:
            return
        offset += CHUNK_ROWS


async def export_csv(request: Request, resource: type[AdminResource], qs: QuerySet) -> StreamingResponse:
    columns = exported_columns(resource)
    result = exports.export(
        "csv", basename=resource.export_name or resource.name(), header=[c.label for c in columns],
        rows=_chunks(resource, qs, columns),
    )
    return StreamingResponse(
        result.body, media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )
