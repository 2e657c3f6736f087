"""Administrative staff records (each with an admin or staff account)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from admin_views import widgets as w
from admin_views.adapters import StaffCreate, StaffUpdate, department_service, staff_service
from admin_views.base import Action, Column, FormField, Service, choices
from admin_views.people import (
    NAME_NEEDS,
    PERSON_SEARCH_FIELDS,
    PersonResource,
    account_fields,
    full_name,
)
from dashboard.core.roles import Permission
from models import AdminStaff, Department
from models.enums import AdminStaffRole, PersonStatus


class AdminStaffResource(PersonResource):
    url_name = "staff"
    menu_order = 330
    label = "Staff"
    singular = "staff member"
    model = AdminStaff
    service = Service(staff_service, "staff", things="staff", remove="deactivate")
    create_schema = StaffCreate
    update_schema = StaffUpdate
    icon = "ti ti-id-badge-2"
    page_pre_title = "People"
    page_title = "Administrative staff"
    read_permission = Permission.USERS_CREATE
    write_permission = Permission.STAFF_MANAGE
    default_sort = ("id", "desc")
    list_filters = (
        w.SearchFilter((*PERSON_SEARCH_FIELDS, "employee_id", "designation"), placeholder="Name, email or employee ID"),
        w.EnumFilter(AdminStaffRole, name="role", label="Role"),
        w.EnumFilter(PersonStatus, name="status", label="Status"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department",
                           scope=choices(department_service.visible_departments)),
    )
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("employee_id", "Employee ID", sort="employee_id"),
        Column("name", "Name", value=full_name, needs=NAME_NEEDS),
        Column("email", "Email", source="user__email", priority=2),
        Column("role", "Role", w.EnumLabel()),
        Column("department", "Department", source="department__name", priority=3),
        Column("designation", "Designation", priority=3),
        Column("date_of_joining", "Joined", w.DateTime(date_only=True), priority=3),
        Column("status", "Status", w.EnumLabel()),
    )
    export_name = "staff"
    form_fields = (
        *account_fields(user_type=True),
        FormField("employee_id", "Employee ID", w.TextInput(null=True, help_text="Empty: EMP-<account id>")),
        FormField("role", "Role", w.EnumSelect(AdminStaffRole)),
        FormField("department_id", "Department",
                  w.ForeignKey(Department, scope=choices(department_service.visible_departments), null=True)),
        FormField("designation", "Designation", w.TextInput()),
        FormField("date_of_joining", "Joined", w.DateInput()),
        FormField("status", "Status", w.EnumSelect(PersonStatus), on_create=False),
    )

    @classmethod
    def fields_for(cls, action: Action) -> list[FormField]:
        fields = super().fields_for(action)
        if action is Action.UPDATE:
            # Email and user name change through the account flows (StaffUpdate has neither).
            fields = [f for f in fields if f.name not in ("email", "user_name")]
        return fields

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        if action is Action.CREATE and data.get("employee_id") is None:
            data.pop("employee_id", None)
        return data


RESOURCES = [AdminStaffResource]
