"""Students. Faculty see, read-only, the students registered in the offerings they teach."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.queryset import QuerySet

from admin_views import widgets as w
from admin_views.adapters import (
    StudentCreate,
    StudentUpdate,
    department_service,
    program_service,
    student_service,
    students_registered_in,
)
from admin_views.base import Action, ChoicesOfVisibleRows, Column, FormField, Service, choices
from admin_views.course_offerings import offering_label, offerings_with_course
from admin_views.people import (
    NAME_NEEDS,
    PERSON_SEARCH_FIELDS,
    PersonResource,
    account_fields,
    full_name,
)
from dashboard.core.roles import Permission
from models import CourseOffering, Department, Program, Student
from models.enums import Category, Gender, PersonStatus


class StudentSearch(w.SearchFilter):
    """Names, emails, student IDs and admission numbers through the students search
    service (its trigram indexes serve 50,000 students); every further typed word narrows
    the service's matches ("asha rao")."""

    def __init__(self) -> None:
        super().__init__((*PERSON_SEARCH_FIELDS, "student_code", "admission_number"),
                         placeholder="Name, email or student ID")

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        words = w.search_words(value)
        if not words:
            return qs
        limit = student_service.SEARCH_LIMIT_MAX
        longest = max(words, key=len)
        found = await student_service.search_students(request.state.admin.actor, q=longest, limit=limit)
        if len(found) == limit:
            request.state.search_note = (f"More than {limit} students match “{longest}”: the first "
                                         f"{limit} by ID are searched. Type more of the name to narrow it.")
        return await super().apply(request, value, qs.filter(id__in=[row.id for row in found]))


class _OfferingRosterFilter(w.ForeignKeyFilter):
    """`offering`: the roster of one offering (students registered in it). Its choices
    are the offerings the actor may see, so a faculty member can pick only their own."""

    def __init__(self) -> None:
        super().__init__(CourseOffering, name="offering", label="Offering", scope=offerings_with_course,
                         option_label=offering_label, apply=lambda qs, pk: qs.filter(id__in=students_registered_in(pk)))


class StudentResource(PersonResource):
    url_name = "students"
    menu_order = 300
    label = "Students"
    singular = "student"
    model = Student
    # People are deactivated, never removed (notes §3.4).
    service = Service(student_service, "student", remove="deactivate")
    create_schema = StudentCreate
    update_schema = StudentUpdate
    icon = "ti ti-users"
    page_pre_title = "People"
    page_title = "Students"
    read_permission = Permission.STUDENTS_WRITE
    write_permission = Permission.STUDENTS_WRITE
    faculty_read_permission = Permission.STUDENTS_READ
    list_filters = (
        StudentSearch(),
        w.EnumFilter(PersonStatus, name="student_status", label="Status", field="status"),
        ChoicesOfVisibleRows(Department, name="department_id", label="Department",
                             options=department_service.visible_departments, owner=lambda: StudentResource),
        ChoicesOfVisibleRows(Program, name="program_id", label="Program", options=program_service.visible_programs,
                             owner=lambda: StudentResource),
        w.IntegerFilter(name="batch_year", label="Batch"),
        w.IntegerFilter(name="semester", label="Semester"),
        w.EnumFilter(Category, name="category", label="Category"),
        _OfferingRosterFilter(),
    )
    default_sort = ("student_code", "asc")
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("student_code", "Student ID", sort="student_code"),
        Column("name", "Name", value=full_name, needs=NAME_NEEDS),
        Column("email", "Email", source="user__email", priority=2),
        Column("department", "Department", source="department__name", priority=3),
        Column("program", "Program", source="program__code"),
        Column("batch_year", "Batch", sort="batch_year", priority=2),
        Column("semester", "Semester", priority=2),
        Column("category", "Category", w.EnumLabel(), priority=3),
        Column("status", "Status", w.EnumLabel()),
    )
    form_fields = (
        *account_fields(),
        FormField("gender", "Gender", w.EnumSelect(Gender, null=True)),
        FormField("date_of_birth", "Date of birth", w.DateInput(null=True)),
        FormField("student_code", "Student ID", w.TextInput()),
        FormField("admission_number", "Admission number", w.TextInput()),
        FormField("admission_date", "Admission date", w.DateInput()),
        FormField("program_id", "Program", w.ForeignKey(Program, scope=choices(program_service.visible_programs))),
        FormField("department_id", "Department",
                  w.ForeignKey(Department, scope=choices(department_service.visible_departments))),
        FormField("batch_year", "Batch year", w.IntegerInput()),
        FormField("semester", "Semester", w.IntegerInput()),
        FormField("section", "Section", w.TextInput(null=True)),
        FormField("category", "Category", w.EnumSelect(Category, null=True)),
        FormField("status", "Status", w.EnumSelect(PersonStatus)),
    )

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        if action is Action.CREATE:
            # The API's create takes codes (domain.md §3.3); the form picks rows (checked
            # against the same scopes by the dropdowns).
            actor = request.state.admin.actor
            program = await program_service.visible_programs(actor).get(id=data.pop("program_id"))
            department = await department_service.visible_departments(actor).get(id=data.pop("department_id"))
            data.update(program_code=program.code, department_code=department.code)
        return data


RESOURCES = [StudentResource]
