"""Course offerings: a course taught in one program, year and semester. Faculty see the
offerings they teach, read-only."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from admin_views import widgets as w
from admin_views.adapters import (
    OfferingCreate,
    OfferingUpdate,
    course_service,
    faculty_service,
    offering_service,
    program_service,
)
from admin_views.base import (
    Access,
    AdminResource,
    ChoicesOfVisibleRows,
    Column,
    FormField,
    Service,
    choices,
)
from admin_views.people import person_label
from dashboard.core.actor import Actor
from dashboard.core.roles import Permission
from models import Course, CourseOffering, Faculty, Program
from models.enums import FacultyStatus, OfferingStatus


async def _active_faculty(request: Request) -> QuerySet:
    return faculty_service.visible_faculty(request.state.admin.actor).filter(
        status=FacultyStatus.ACTIVE).select_related("user")


def offering_label(row: Any) -> str:
    section = f" {row.section}" if row.section else ""
    return f"{row.course.code} {row.academic_year} S{row.semester}{section}"


class CourseOfferingResource(AdminResource):
    url_name = "course_offerings"
    menu_order = 200
    label = "Course offerings"
    singular = "course offering"
    model = CourseOffering
    service = Service(offering_service, "offering", things="offerings")
    create_schema = OfferingCreate
    update_schema = OfferingUpdate
    icon = "ti ti-calendar-event"
    page_pre_title = "Teaching"
    page_title = "Course offerings"
    read_permission = Permission.OFFERINGS_WRITE
    write_permission = Permission.OFFERINGS_WRITE
    faculty_read_permission = Permission.OFFERINGS_READ
    list_filters = (
        w.SearchFilter(("course__code", "course__name", "section"), placeholder="Course code or name"),
        ChoicesOfVisibleRows(Program, name="program_id", label="Program", options=program_service.visible_programs,
                             owner=lambda: CourseOfferingResource),
        ChoicesOfVisibleRows(Course, name="course_id", label="Course", options=course_service.visible_courses,
                             owner=lambda: CourseOfferingResource),
        w.IntegerFilter(name="semester", label="Semester"),
        w.SearchFilter(("academic_year",), name="academic_year", label="Academic year", placeholder="2025-26"),
        w.EnumFilter(OfferingStatus, name="offering_status", label="Status", field="status"),
    )
    default_sort = ("academic_year", "desc")
    default_sort_words = "newest year first"
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("course", "Course", value=lambda r: f"{r['course_code']} {r['course_name']}",
               needs={"course_code": "course__code", "course_name": "course__name"}),
        Column("program", "Program", source="program__code", priority=2),
        Column("academic_year", "Year", sort="academic_year"),
        Column("semester", "Semester", sort="semester"),
        Column("section", "Section", priority=3),
        Column("status", "Status", w.EnumLabel()),
        Column("faculty", "Faculty", annotation=RawSQL(
            "(SELECT string_agg(fu.first_name || ' ' || fu.last_name, ', ' ORDER BY fu.last_name) "
            "FROM offering_faculty ofa JOIN faculty ff ON ff.id = ofa.faculty_id "
            "JOIN users fu ON fu.id = ff.user_id WHERE ofa.offering_id = course_offerings.id)"
        ), priority=2),
        Column("enrolled_students", "Registered", priority=2),
        Column("max_capacity", "Capacity", priority=3),
        Column("roster", "Roster", w.RosterLink(), value=lambda r: r["id"]),
    )
    export_name = "course_offerings"
    form_fields = (
        FormField("program_id", "Program", w.ForeignKey(Program, scope=choices(program_service.visible_programs)),
                  on_update=False),
        FormField("course_id", "Course", w.ForeignKey(Course, scope=choices(course_service.visible_courses)),
                  on_update=False),
        FormField("academic_year", "Academic year", w.TextInput(help_text="e.g. 2025-26"), on_update=False),
        FormField("semester", "Semester", w.IntegerInput()),
        FormField("section", "Section", w.TextInput(null=True)),
        FormField("room_number", "Room", w.TextInput(null=True)),
        FormField("max_capacity", "Capacity", w.IntegerInput(null=True)),
        FormField("faculty_ids", "Faculty", w.ManyForeignKeys(Faculty, scope=_active_faculty, label=person_label)),
        FormField("status", "Status", w.EnumSelect(OfferingStatus)),
        FormField("start_date", "Starts", w.DateInput()),
        FormField("end_date", "Ends", w.DateInput()),
    )

    @classmethod
    def scope(cls, actor: Actor) -> QuerySet:
        # The catalogue is everyone's to read, but a faculty member's panel is their own
        # teaching: the offerings they are listed on.
        if cls.access(actor) is Access.SCOPED:
            return offering_service.offerings_taught_by(actor.faculty_id)  # type: ignore[arg-type]  # SCOPED means a faculty member
        return super().scope(actor)

    @classmethod
    async def initial_values(cls, request: Request, obj: Any) -> dict[str, Any]:
        values = await super().initial_values(request, obj)
        offering = await offering_service.get_offering(request.state.admin.actor, offering_id=obj.id)
        values["faculty_ids"] = list(offering.faculty_ids or [])
        return values

    @classmethod
    async def resolve_query_params(cls, request: Request, values: dict, qs: QuerySet) -> tuple[dict, QuerySet]:
        # The API's misspelt parameter names are aliases of academic_year (notes §3.5).
        for alias in ("acedemic_year", "acedamic_year"):
            if values.get(alias) and not values.get("academic_year"):
                values = {**values, "academic_year": values[alias]}
        return await super().resolve_query_params(request, values, qs)


async def offerings_with_course(request: Request) -> QuerySet:
    """The offerings the signed-in actor sees, for dropdowns labelled by course."""
    return (await CourseOfferingResource.base_queryset(request)).select_related("course")


RESOURCES = [CourseOfferingResource]
