"""Courses and their prerequisites."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from admin_views import widgets as w
from admin_views.adapters import CourseCreate, CourseUpdate, course_service, department_service
from admin_views.base import AdminResource, Column, FormField, Service, choices
from dashboard.core.roles import Permission
from models import Course, Department
from models.enums import CourseType, Level


async def _other_courses(request: Request) -> QuerySet:
    """Prerequisite choices: every course but the one being edited (cycles are the
    service's to refuse)."""
    courses = course_service.visible_courses(request.state.admin.actor)
    pk = w.parse_pk(request.path_params.get("pk"))
    return courses.exclude(id=pk) if pk is not None else courses


class CourseResource(AdminResource):
    url_name = "courses"
    menu_order = 120
    label = "Courses"
    singular = "course"
    model = Course
    service = Service(course_service, "course")
    create_schema = CourseCreate
    update_schema = CourseUpdate
    icon = "ti ti-book"
    page_pre_title = "Academics"
    page_title = "Courses"
    read_permission = Permission.COURSES_WRITE
    write_permission = Permission.COURSES_WRITE
    list_filters = (
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department",
                           scope=choices(department_service.visible_departments)),
        w.EnumFilter(CourseType, name="course_type", label="Type"),
        w.EnumFilter(Level, name="level", label="Level"),
        w.BooleanFilter(name="is_active", label="Active"),
    )
    default_sort = ("code", "asc")
    columns = (
        Column("id", "ID", sort="id", priority=3),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("credits", "Credits", priority=2),
        Column("department", "Department", source="department__name", priority=2),
        Column("course_type", "Type", w.EnumLabel(), priority=3),
        Column("level", "Level", w.EnumLabel(), priority=3),
        Column("prerequisites", "Prerequisites", annotation=RawSQL(
            "(SELECT string_agg(pc.code, ', ' ORDER BY pc.code) FROM course_prerequisites cp "
            "JOIN courses pc ON pc.id = cp.prerequisite_id WHERE cp.course_id = courses.id)"
        ), priority=3),
        Column("is_active", "Active", w.YesNo(), priority=2),
    )
    export_name = "courses"
    form_fields = (
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("credits", "Credits", w.IntegerInput()),
        FormField("department_id", "Department",
                  w.ForeignKey(Department, scope=choices(department_service.visible_departments))),
        FormField("course_type", "Type", w.EnumSelect(CourseType)),
        FormField("level", "Level", w.EnumSelect(Level)),
        FormField("max_students", "Max students", w.IntegerInput(null=True)),
        FormField("prerequisites", "Prerequisites", w.ManyForeignKeys(Course, scope=_other_courses)),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("syllabus", "Syllabus", w.TextArea(null=True)),
        FormField("is_active", "Active", w.Switch()),
    )

    @classmethod
    async def initial_values(cls, request: Request, obj: Any) -> dict[str, Any]:
        values = await super().initial_values(request, obj)
        # The service's read of the course carries its prerequisite ids.
        course = await course_service.get_course(request.state.admin.actor, course_id=obj.id)
        values["prerequisites"] = list(course.prerequisites or [])
        return values


RESOURCES = [CourseResource]
