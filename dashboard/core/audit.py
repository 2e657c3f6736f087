"""The audit trail: one `audit_logs` row per create/update/delete made through a service,
written in the caller's transaction so it commits or rolls back with the change."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from dashboard.core.actor import Actor
from models import AuditLog

# Never copied into an audit row.
_SECRET_FIELDS = frozenset({"hashed_password", "file_path", "profile_picture"})


def _json_safe(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def snapshot(instance: Model) -> dict[str, Any]:
    """The row's stored columns (FKs as `<name>_id`), JSON-safe, secrets left out."""
    data: dict[str, Any] = {}
    for name in instance._meta.db_fields:
        field = instance._meta.fields_db_projection_reverse.get(name, name)
        if name in _SECRET_FIELDS or field in _SECRET_FIELDS:
            continue
        data[name] = _json_safe(getattr(instance, field, None))
    return data


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, old and new side by side."""
    keys = [k for k in after if before.get(k) != after.get(k) and k != "updated_at"]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record(
    actor: Actor,
    action: str,
    instance: Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """`action` is create, update or delete. For updates pass `before`; `after` defaults
    to the instance as it now stands."""
    if after is None and action != "delete":
        after = snapshot(instance)
    if action == "update" and before is not None and after is not None:
        before, after = changes(before, after)
    await AuditLog.create(
        user_id=actor.user_id,
        action=action,
        entity_name=str(instance)[:255],
        entity_type=instance._meta.db_table,
        entity_id=instance.pk,
        old_value=before,
        new_value=after,
        ip_address=actor.ip_address,
        user_agent=(actor.user_agent or "")[:500] or None,
    )
