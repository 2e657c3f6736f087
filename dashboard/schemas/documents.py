"""Request and response bodies of /documents (domain.md §3.16)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import RefId
from models.enums import AccessLevel, DocumentType

MAX_TAGS = 20
Tag = Annotated[str, Field(min_length=1, max_length=50)]


class DocumentCreate(InputModel):
    """The form fields sent with an uploaded file. `tags` is a JSON array or
    comma-separated text; `access_level` wins over `is_public` and sets it (public ⇔
    is_public); without either the document is private. `owner_user_id` is for admin
    and staff filing a document for someone else."""

    title: Annotated[str, Field(min_length=1, max_length=255)]
    document_type: DocumentType
    description: Annotated[str | None, Field(max_length=10000)] = None
    related_entity_type: Annotated[str | None, Field(max_length=50)] = None
    related_entity_id: Annotated[int | None, Field(ge=1, le=2**31 - 1, description="The related row's id")] = None
    is_public: bool | None = None
    access_level: AccessLevel | None = None
    tags: Annotated[list[Tag] | None, Field(max_length=MAX_TAGS)] = None
    owner_user_id: Annotated[RefId | None, Field(description="The owner's user id (admin and staff only)",
                                                validation_alias=AliasChoices("owner_user_id", "user_id"))] = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_from_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as exc:
                raise ValueError("tags must be a JSON array of strings or comma-separated text") from exc
        return [tag.strip() for tag in text.split(",") if tag.strip()]

    @field_validator("description", "related_entity_type", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _one_access_level(self) -> DocumentCreate:
        if self.access_level is None:
            self.access_level = AccessLevel.PUBLIC if self.is_public else AccessLevel.PRIVATE
        elif self.is_public is not None and self.is_public != (self.access_level is AccessLevel.PUBLIC):
            raise ValueError("is_public contradicts access_level")
        self.is_public = self.access_level is AccessLevel.PUBLIC
        return self


class DocumentOut(OutputModel):
    """Never the file's location on the server."""

    id: int
    title: str
    description: str | None
    document_type: DocumentType
    file_name: str
    file_size: int
    mime_type: str | None
    owner_user_id: int = Field(validation_alias=AliasChoices("user_id", "owner_user_id"),
                               description="The owner's user id")
    uploaded_by: int = Field(validation_alias=AliasChoices("uploaded_by_id", "uploaded_by"),
                             description="The uploader's user id")
    related_entity_type: str | None
    related_entity_id: int | None = Field(description="The related row's id")
    is_public: bool
    access_level: AccessLevel | None
    tags: list[str] | None
    uploaded_at: dt.datetime
