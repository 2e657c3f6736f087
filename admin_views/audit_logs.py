"""The audit log: who changed what, read-only."""

from __future__ import annotations

from admin_views import widgets as w
from admin_views.base import AdminResource, Column, Service
from dashboard.core.roles import Permission
from dashboard.services import audit_logs as audit_log_service
from models import AuditLog


class AuditLogResource(AdminResource):
    url_name = "audit_logs"
    menu_order = 910
    label = "Audit log"
    singular = "audit entry"
    model = AuditLog
    service = Service(audit_log_service, "audit_log")
    icon = "ti ti-history"
    page_pre_title = "Accounts"
    page_title = "Audit log"
    read_permission = Permission.AUDIT_READ
    default_sort = ("id", "desc")
    list_filters = (
        w.SearchFilter(("entity_type",), name="entity_type", label="Entity", placeholder="departments"),
        w.IntegerFilter(name="entity_id", label="Entity ID"),
        w.ChoiceFilter(name="action", label="Action", choices=[("Create", "create"), ("Update", "update"),
                                                              ("Delete", "delete")]),
        w.IntegerFilter(name="user_id", label="User ID"),
    )
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("timestamp", "When", w.DateTime(), sort="timestamp"),
        Column("user", "By", value=lambda r: f"{r['by_first']} {r['by_last']}" if r["by_first"] else "system",
               needs={"by_first": "user__first_name", "by_last": "user__last_name"}),
        Column("action", "Action", w.EnumLabel()),
        Column("entity_type", "Entity"),
        Column("entity_id", "Entity ID", priority=2),
        Column("entity_name", "Name", priority=2),
        Column("changes", "Changes", w.Changes(), value=lambda r: (r["old_value"], r["new_value"]),
               needs={"old_value": "old_value", "new_value": "new_value"}, wrap=True),
        Column("ip_address", "IP", priority=3),
    )
    export_name = "audit_log"


RESOURCES = [AuditLogResource]
