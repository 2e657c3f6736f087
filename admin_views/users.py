"""User accounts: the admin's list of every account, with deactivate, reactivate, end
sessions and send a password-reset code (the users service does each)."""

from __future__ import annotations

from admin_views import widgets as w
from admin_views.adapters import user_service
from admin_views.base import AdminResource, Column, RowAction, Service
from admin_views.people import full_name
from dashboard.core.roles import Permission
from models import User
from models.enums import UserType

_ACTIVE = {"is_active": "is_active"}


class UserResource(AdminResource):
    url_name = "users"
    menu_order = 900
    label = "Users"
    singular = "user"
    model = User
    service = Service(user_service, "user")
    icon = "ti ti-user-circle"
    page_pre_title = "Accounts"
    page_title = "Users"
    # Account administration is the admin's alone (staff do not see this list).
    read_permission = Permission.STAFF_MANAGE
    write_permission = Permission.STAFF_MANAGE
    default_sort = ("id", "desc")
    row_actions = (
        RowAction("deactivate", "Deactivate", icon="ti ti-user-off", danger=True,
                  run=lambda actor, pk: user_service.set_user_active(actor, user_id=pk, active=False),
                  confirm="Deactivate this account? Its owner is signed out everywhere and cannot sign in "
                          "until it is reactivated.",
                  done="The account is deactivated and every session of it has ended.",
                  when=lambda row: row["is_active"], needs=_ACTIVE),
        RowAction("reactivate", "Reactivate", icon="ti ti-user-check",
                  run=lambda actor, pk: user_service.set_user_active(actor, user_id=pk, active=True),
                  done="The account is active again; its owner can sign in.",
                  when=lambda row: not row["is_active"], needs=_ACTIVE),
        RowAction("end_sessions", "End all sessions", icon="ti ti-logout",
                  run=lambda actor, pk: user_service.end_user_sessions(actor, user_id=pk),
                  confirm="Sign this account out of the app and the panel on every device?",
                  done="Every session of the account has ended; its owner must sign in again.",
                  when=lambda row: row["is_active"], needs=_ACTIVE),
        RowAction("send_reset_code", "Send password-reset code", icon="ti ti-mail-forward",
                  run=lambda actor, pk: user_service.send_password_reset_code(actor, user_id=pk),
                  confirm="Email this account a one-time code to choose a new password?",
                  done="A password-reset code is on its way to the account's email address.",
                  when=lambda row: row["is_active"], needs=_ACTIVE),
    )
    list_filters = (
        w.SearchFilter(("email", "user_name", "first_name", "last_name"), placeholder="Name, email or user name"),
        w.EnumFilter(UserType, name="user_type", label="Role"),
        w.BooleanFilter(name="is_active", label="Active"),
    )
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("user_name", "User name", sort="user_name", priority=2),
        Column("name", "Name", value=full_name, needs={"first_name": "first_name", "last_name": "last_name"}),
        Column("email", "Email", sort="email"),
        Column("user_type", "Role", w.EnumLabel()),
        Column("is_active", "Active", w.YesNo()),
        Column("is_verified", "Verified", w.YesNo(), priority=3),
        Column("last_login", "Last login", w.DateTime(), priority=2),
        Column("created_at", "Created", w.DateTime(), sort="created_at", priority=3),
    )
    export_name = "users"


RESOURCES = [UserResource]
