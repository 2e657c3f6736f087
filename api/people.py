"""What the API's routes share beyond their schemas: id query filters and photo answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from dashboard.schemas.fields import MAX_INT

# Ids in query strings: PostgreSQL integers, so larger values are a 422 rather than a
# database error.
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_INT)]

PHOTO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}, "description": "The photo"},
}
