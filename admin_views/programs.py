"""Programs: the degrees a department runs."""

from __future__ import annotations

from admin_views import widgets as w
from admin_views.adapters import ProgramCreate, ProgramUpdate, department_service, program_service
from admin_views.base import AdminResource, Column, FormField, Service, choices
from dashboard.core.roles import Permission
from models import Department, Program
from models.enums import DegreeType


class ProgramResource(AdminResource):
    url_name = "programs"
    menu_order = 110
    label = "Programs"
    singular = "program"
    model = Program
    service = Service(program_service, "program")
    create_schema = ProgramCreate
    update_schema = ProgramUpdate
    icon = "ti ti-school"
    page_pre_title = "Academics"
    page_title = "Programs"
    read_permission = Permission.PROGRAMS_WRITE
    write_permission = Permission.PROGRAMS_WRITE
    list_filters = (
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department",
                           scope=choices(department_service.visible_departments)),
        w.EnumFilter(DegreeType, name="degree_type", label="Degree"),
        w.BooleanFilter(name="is_active", label="Active"),
    )
    default_sort = ("name", "asc")
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("degree_type", "Degree", w.EnumLabel(), priority=2),
        Column("department", "Department", source="department__name", priority=2),
        Column("duration_years", "Years", priority=3),
        Column("total_semesters", "Semesters", priority=3),
        Column("total_credits", "Credits", priority=3),
        Column("is_active", "Active", w.YesNo()),
    )
    export_name = "programs"
    form_fields = (
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("degree_type", "Degree", w.EnumSelect(DegreeType)),
        FormField("department_id", "Department",
                  w.ForeignKey(Department, scope=choices(department_service.visible_departments))),
        FormField("duration_years", "Years", w.IntegerInput()),
        FormField("total_semesters", "Semesters", w.IntegerInput()),
        FormField("total_credits", "Credits", w.IntegerInput()),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("eligibility_criteria", "Eligibility", w.TextArea(null=True)),
        FormField("is_active", "Active", w.Switch()),
    )


RESOURCES = [ProgramResource]
