"""Pages of rows: one query for the page and one for the count."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.queryset import QuerySet

T = TypeVar("T")
U = TypeVar("U")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    page_size: int = 10

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.page_size) if self.total else 0

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page holding `items` (the rows typed by the caller)."""
        return Page(items=items, total=self.total, page=self.page, page_size=self.page_size)


async def paginate(queryset: QuerySet[T], request: PageRequest) -> Page[T]:  # type: ignore[type-var]
    total = await queryset.count()
    items: list[T] = []
    if total and request.offset < total:
        items = await queryset.offset(request.offset).limit(request.page_size)
    return Page(items=items, total=total, page=request.page, page_size=request.page_size)


async def paginate_values(queryset: QuerySet[T], request: PageRequest, *fields: str,  # type: ignore[type-var]
                          **aliased: str) -> Page[dict]:
    """As `paginate`, but the page is fetched as `values(*fields, **aliased)` dicts: one
    joined query for the rows (no model instances, no per-row relation loads)."""
    total = await queryset.count()
    items: list[dict] = []
    if total and request.offset < total:
        items = await queryset.offset(request.offset).limit(request.page_size).values(*fields, **aliased)
    return Page(items=items, total=total, page=request.page, page_size=request.page_size)
