"""The building blocks every domain's schemas share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from dashboard.core.pagination import Page

T = TypeVar("T")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped, so that a
    client writing an immutable or misspelt field hears about it. No text may hold a NUL
    character: PostgreSQL cannot store one, so it would otherwise fail at the database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise ValueError("must not contain NUL characters")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, validated: what a partial update applies."""
        return self.model_dump(include=self.model_fields_set)


class OutputModel(BaseModel):
    """A response body. A service whose read is not a plain model (hand-written SQL, or a
    joined `values()` shape) returns its rows as one of these, so that each read has one
    typed result and a route returns it as it is under `response_model`."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def rows(cls, rows: Iterable[Any]) -> list[Self]:
        return [cls.model_validate(row) for row in rows]


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    total_pages: int

    @classmethod
    def of(cls, page: Page[Any]) -> PageOut[T]:
        return cls(items=page.items, total=page.total, page=page.page,
                   page_size=page.page_size, total_pages=page.total_pages)


class Message(BaseModel):
    message: str
