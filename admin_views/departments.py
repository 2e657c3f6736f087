"""Departments: the catalogue's top level."""

from __future__ import annotations

from starlette.requests import Request
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from admin_views import widgets as w
from admin_views.adapters import (
    DepartmentCreate,
    DepartmentUpdate,
    department_service,
    faculty_service,
)
from admin_views.base import AdminResource, Column, FormField, Service
from admin_views.people import person_label
from dashboard.core.roles import Permission
from models import Department, Faculty


async def _department_faculty(request: Request) -> QuerySet:
    """Head-of-department choices: the faculty of the department being edited."""
    pk = w.parse_pk(request.path_params.get("pk"))
    if pk is None:
        return faculty_service.visible_faculty(request.state.admin.actor).filter(id__in=[])
    return faculty_service.visible_faculty(request.state.admin.actor).filter(department_id=pk).select_related("user")


class DepartmentResource(AdminResource):
    url_name = "departments"
    menu_order = 100
    label = "Departments"
    singular = "department"
    model = Department
    service = Service(department_service, "department")
    create_schema = DepartmentCreate
    update_schema = DepartmentUpdate
    icon = "ti ti-building"
    page_pre_title = "Academics"
    page_title = "Departments"
    read_permission = Permission.DEPARTMENTS_WRITE
    write_permission = Permission.DEPARTMENTS_WRITE
    list_filters = (
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.BooleanFilter(name="is_active", label="Active"),
    )
    default_sort = ("name", "asc")
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("head", "Head of department", annotation=RawSQL(
            "(SELECT hu.first_name || ' ' || hu.last_name FROM faculty hf "
            "JOIN users hu ON hu.id = hf.user_id WHERE hf.id = departments.hod_id)"
        ), priority=2),
        Column("building", "Building", priority=3),
        Column("email", "Email", priority=2),
        Column("is_active", "Active", w.YesNo()),
    )
    form_fields = (
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("hod_id", "Head of department", w.ForeignKey(Faculty, scope=_department_faculty, null=True,
                                                               label=person_label), on_create=False),
        FormField("phone", "Phone", w.TextInput(null=True)),
        FormField("email", "Email", w.EmailInput(null=True)),
        FormField("building", "Building", w.TextInput(null=True)),
        FormField("floor", "Floor", w.IntegerInput(null=True)),
        FormField("is_active", "Active", w.Switch(), on_create=False),
    )
    export_name = "departments"


RESOURCES = [DepartmentResource]
