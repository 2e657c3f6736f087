"""Parents and guardians (read-only: no service writes them yet)."""

from __future__ import annotations

from tortoise.expressions import RawSQL

from admin_views import widgets as w
from admin_views.adapters import parent_service
from admin_views.base import AdminResource, Column, Service
from admin_views.people import NAME_NEEDS, PERSON_SEARCH_FIELDS, full_name
from dashboard.core.roles import Permission
from models import Parent


class ParentResource(AdminResource):
    url_name = "parents"
    menu_order = 320
    label = "Parents"
    singular = "parent"
    model = Parent
    service = Service(parent_service, "parent")
    icon = "ti ti-users-group"
    page_pre_title = "People"
    page_title = "Parents"
    read_permission = Permission.USERS_CREATE
    default_sort = ("id", "desc")
    list_filters = (
        w.SearchFilter((*PERSON_SEARCH_FIELDS, "father_name", "mother_name"), placeholder="Name or email"),
    )
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("account", "Account", value=full_name, needs=NAME_NEEDS),
        Column("email", "Email", source="user__email", priority=2),
        Column("father_name", "Father"),
        Column("mother_name", "Mother"),
        Column("father_contact", "Father's phone", priority=3),
        Column("mother_contact", "Mother's phone", priority=3),
        Column("city", "City", priority=3),
        Column("children", "Children", annotation=RawSQL(
            "(SELECT string_agg(ps.student_code, ', ' ORDER BY ps.student_code) FROM students ps "
            "WHERE parents.id IN (ps.parent_id, ps.guardian_id))"
        ), priority=2),
    )
    export_name = "parents"


RESOURCES = [ParentResource]
