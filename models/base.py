"""Abstract bases shared by every table."""

from tortoise import fields
from tortoise.models import Model


class IdModel(Model):
    """An integer primary key and nothing else.

    For the tables whose own time column replaces ``created_at`` (attendance's
    ``marked_at``, the logs' ``timestamp``).
    """

    id = fields.IntField(primary_key=True)

    class Meta:
        abstract = True


class TimestampedModel(IdModel):
    """``created_at`` set on insert; ``updated_at`` left to the services that update a row."""

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True
