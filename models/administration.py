"""Uploaded documents and the audit and system logs."""

from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import IdModel, TimestampedModel
from models.enums import AccessLevel, DocumentType, LogLevel

if TYPE_CHECKING:
    from models import User


class Document(TimestampedModel):
    # The owner; staff may upload on someone's behalf, so it can differ from uploaded_by.
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="documents", db_index=True, on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    title = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    document_type = fields.CharEnumField(DocumentType, max_length=20, db_index=True)
    # Server-only: never returned by the API.
    file_path = fields.CharField(max_length=500)
    # The uploader's original file name.
    file_name = fields.CharField(max_length=255)
    # Bytes.
    file_size = fields.IntField()
    mime_type = fields.CharField(max_length=100, null=True)
    uploaded_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="uploaded_documents",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    uploaded_by_id: int
    related_entity_type = fields.CharField(max_length=50, null=True)
    related_entity_id = fields.IntField(null=True)
    is_public = fields.BooleanField(default=False)
    access_level = fields.CharEnumField(AccessLevel, max_length=20, null=True)
    tags: fields.JSONField[Any] = fields.JSONField(null=True)
    uploaded_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "documents"
        indexes = (("related_entity_type", "related_entity_id"),)

    def __str__(self) -> str:
        return self.title


class AuditLog(IdModel):
    """One create/update/delete made through a service. Never updated or deleted."""

    # Null for the system actor (workers, CLI tasks).
    user: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="audit_logs",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    user_id: int | None
    action = fields.CharField(max_length=50)
    entity_name = fields.CharField(max_length=255)
    entity_type = fields.CharField(max_length=50)
    entity_id = fields.IntField()
    old_value: fields.JSONField[Any] = fields.JSONField(null=True)
    new_value: fields.JSONField[Any] = fields.JSONField(null=True)
    ip_address = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=500, null=True)
    timestamp = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_logs"
        indexes = (("entity_type", "entity_id"),)

    def __str__(self) -> str:
        return f"{self.action} {self.entity_type} {self.entity_id}"


class SystemLog(IdModel):
    log_level = fields.CharEnumField(LogLevel, max_length=20, db_index=True)
    message = fields.TextField()
    module = fields.CharField(max_length=255, null=True)
    function = fields.CharField(max_length=255, null=True)
    stack_trace = fields.TextField(null=True)
    user: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="system_logs",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    user_id: int | None
    request_id = fields.CharField(max_length=64, null=True, db_index=True)
    timestamp = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "system_logs"

    def __str__(self) -> str:
        return f"{self.log_level}: {self.message[:60]}"
