"""Faculty members."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from admin_views import widgets as w
from admin_views.adapters import FacultyCreate, FacultyUpdate, department_service, faculty_service
from admin_views.base import Action, Column, FormField, Service, choices
from admin_views.people import (
    NAME_NEEDS,
    PERSON_SEARCH_FIELDS,
    PersonResource,
    account_fields,
    full_name,
)
from dashboard.core.roles import Permission
from models import Department, Faculty
from models.enums import EmploymentType, FacultyStatus


class FacultyResource(PersonResource):
    url_name = "faculty"
    menu_order = 310
    label = "Faculty"
    singular = "faculty member"
    model = Faculty
    service = Service(faculty_service, "faculty", things="faculty", remove="deactivate")
    create_schema = FacultyCreate
    update_schema = FacultyUpdate
    icon = "ti ti-user-star"
    page_pre_title = "People"
    page_title = "Faculty"
    read_permission = Permission.FACULTY_WRITE
    write_permission = Permission.FACULTY_WRITE
    list_filters = (
        w.SearchFilter((*PERSON_SEARCH_FIELDS, "employee_id", "designation"), placeholder="Name, email or employee ID"),
        w.EnumFilter(FacultyStatus, name="faculty_status", label="Status", field="status"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department",
                           scope=choices(department_service.visible_departments)),
        w.EnumFilter(EmploymentType, name="employment_type", label="Employment"),
        w.BooleanFilter(name="is_hod", label="Head of department"),
    )
    default_sort = ("employee_id", "asc")
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("employee_id", "Employee ID", sort="employee_id"),
        Column("name", "Name", value=full_name, needs=NAME_NEEDS),
        Column("email", "Email", source="user__email", priority=2),
        Column("department", "Department", source="department__name", priority=2),
        Column("designation", "Designation", priority=3),
        Column("employment_type", "Employment", w.EnumLabel(), priority=3),
        Column("is_hod", "Head", w.YesNo(), priority=3),
        Column("status", "Status", w.EnumLabel()),
    )
    export_name = "faculty"
    form_fields = (
        *account_fields(),
        FormField("employee_id", "Employee ID", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("department_id", "Department",
                  w.ForeignKey(Department, scope=choices(department_service.visible_departments))),
        FormField("designation", "Designation", w.TextInput()),
        FormField("employment_type", "Employment", w.EnumSelect(EmploymentType)),
        FormField("specialization", "Specialization", w.TextInput(null=True)),
        FormField("qualification", "Qualification", w.TextInput(null=True)),
        FormField("date_of_joining", "Joined", w.DateInput(null=True)),
        FormField("experience_years", "Years of experience", w.IntegerInput(null=True)),
        FormField("is_hod", "Head of department", w.Switch()),
        FormField("status", "Status", w.EnumSelect(FacultyStatus)),
    )

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        if action is Action.CREATE:
            # The API's create names the department by code; the form picks a row.
            actor = request.state.admin.actor
            data["department_code"] = (await department_service.visible_departments(actor).get(
                id=data.pop("department_id"))).code
        return data


RESOURCES = [FacultyResource]
