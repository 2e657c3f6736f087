"""Response and request building blocks shared by every router."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from dashboard.core.pagination import Page

T = TypeVar("T")


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped, so that a
    client writing an immutable or misspelt field hears about it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


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


class ErrorDetail(BaseModel):
    field: str
    message: str
    type: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]
    request_id: str | None


class ErrorEnvelope(BaseModel):
    success: bool = False
    detail: str
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an endpoint documents."""
    return {status: {"model": ErrorEnvelope} for status in statuses}
