"""What every router documents besides its own schemas: the error envelope."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


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
