"""The audit trail: response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from dashboard.schemas.base import OutputModel


class AuditLogOut(OutputModel):
    id: int
    user_id: int | None = Field(description="Who made the change: a user id (null for the system)")
    action: str
    entity_type: str = Field(description="The changed row's table, e.g. departments")
    entity_id: int = Field(description="The changed row's id in the table `entity_type` names")
    entity_name: str
    old_value: dict[str, Any] | None
    new_value: dict[str, Any] | None
    ip_address: str | None
    user_agent: str | None
    timestamp: dt.datetime
