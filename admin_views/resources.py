"""The resources the panel shows, in menu order.

Filters mirror each API list's query parameters (same names where the API has them, so
an API URL's query string works on the panel's list). Columns read foreign-key names in
the page query. Sorting is offered on the id and on indexed columns. Writes go through
the service named by each resource; a resource whose service does not exist yet is
read-only.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.expressions import RawSQL, Subquery
from tortoise.queryset import QuerySet

import admin_views.compat  # noqa: F401
from admin_views import widgets as w
from admin_views.base import Access, Action, AdminResource, Column, FormField
from dashboard.core.roles import Permission
from dashboard.schemas.course_offerings import OfferingCreate, OfferingUpdate
from dashboard.schemas.courses import CourseCreate, CourseUpdate
from dashboard.schemas.departments import DepartmentCreate, DepartmentUpdate
from dashboard.schemas.faculty import FacultyCreate, FacultyUpdate
from dashboard.schemas.programs import ProgramCreate, ProgramUpdate
from dashboard.schemas.staff import StaffCreate, StaffUpdate
from dashboard.schemas.students import StudentCreate, StudentUpdate
from dashboard.services import course_offerings as offering_service
from dashboard.services import courses as course_service
from dashboard.services import departments as department_service
from dashboard.services import faculty as faculty_service
from dashboard.services import programs as program_service
from dashboard.services import staff as staff_service
from dashboard.services import students as student_service
from models import (
    AdminStaff,
    AuditLog,
    Course,
    CourseOffering,
    CoursePrerequisite,
    Department,
    Enrollment,
    Faculty,
    OfferingFaculty,
    Parent,
    Program,
    Student,
    User,
)
from models.enums import (
    AdminStaffRole,
    Category,
    CourseType,
    DegreeType,
    EmploymentType,
    FacultyStatus,
    Gender,
    Level,
    OfferingStatus,
    PersonStatus,
    RegistrationStatus,
    UserType,
)

# --- shared scopes and labels ---------------------------------------------------------------


async def all_departments(request: Request) -> QuerySet:
    return Department.all()


async def all_programs(request: Request) -> QuerySet:
    return Program.all()


def _person(row: Any) -> str:
    user = row.user
    return f"{user.first_name} {user.last_name} ({row.employee_id})"


def _full_name(row: dict[str, Any]) -> str:
    return f"{row['first_name']} {row['last_name']}"


_NAME_NEEDS = {"first_name": "user__first_name", "last_name": "user__last_name"}
_ACCOUNT_SHOWN = ("first_name", "middle_name", "last_name", "email", "user_name", "phone", "gender", "date_of_birth",
                  "user_type")


async def _with_account(values: dict[str, Any], obj: Any) -> dict[str, Any]:
    """A person's form shows their account's fields beside the profile's."""
    user = await User.get(id=obj.user_id)
    for name in _ACCOUNT_SHOWN:
        values[name] = getattr(user, name)
    return values


def _account_fields(*, user_type: bool = False) -> list[FormField]:
    fields = [
        FormField("first_name", "First name", w.TextInput()),
        FormField("last_name", "Last name", w.TextInput()),
        FormField("email", "Email", w.EmailInput()),
        FormField("user_name", "User name", w.TextInput(), on_update=False),
        FormField("password", "Password", w.PasswordInput(help_text="At least 8 characters")),
        FormField("phone", "Phone", w.TextInput(null=True)),
    ]
    if user_type:
        fields.insert(0, FormField("user_type", "Account type",
                                   w.EnumSelect(UserType, only=(UserType.STAFF, UserType.ADMIN))))
    return fields


def students_registered_in(offering_id: int) -> Subquery:
    """The students with a live registration (not dropped) in the offering: its roster."""
    registrations = Enrollment.filter(course_registrations__course_offering_id=offering_id,
                                      course_registrations__status__not=RegistrationStatus.DROPPED)
    return Subquery(registrations.values("student_id"))


# --- catalogue ------------------------------------------------------------------------------


async def _department_faculty(request: Request) -> QuerySet:
    """Head-of-department choices: the faculty of the department being edited."""
    pk = request.path_params.get("pk")
    if pk is None or not str(pk).isdigit():
        return Faculty.none()
    return Faculty.filter(department_id=int(pk)).select_related("user")


class DepartmentResource(AdminResource):
    label = "Departments"
    model = Department
    icon = "ti ti-building"
    page_pre_title = "Academics"
    page_title = "Departments"
    read_permission = Permission.DEPARTMENTS_WRITE
    write_permission = Permission.DEPARTMENTS_WRITE
    list_filters = [
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.BooleanFilter(name="is_active", label="Active"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("head", "Head of department", annotation=RawSQL(
            "(SELECT hu.first_name || ' ' || hu.last_name FROM faculty hf "
            "JOIN users hu ON hu.id = hf.user_id WHERE hf.id = departments.hod_id)"
        )),
        Column("building", "Building"),
        Column("email", "Email"),
        Column("is_active", "Active", w.YesNo()),
    ]
    form_fields = [
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("hod_id", "Head of department", w.ForeignKey(Faculty, scope=_department_faculty, null=True,
                                                               label=_person), on_create=False),
        FormField("phone", "Phone", w.TextInput(null=True)),
        FormField("email", "Email", w.EmailInput(null=True)),
        FormField("building", "Building", w.TextInput(null=True)),
        FormField("floor", "Floor", w.IntegerInput(null=True)),
        FormField("is_active", "Active", w.Switch(), on_create=False),
    ]
    create_schema = DepartmentCreate
    update_schema = DepartmentUpdate
    export_name = "departments"

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await department_service.create_department(actor, data=DepartmentCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await department_service.update_department(actor, department_id=pk, changes=DepartmentUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await department_service.delete_department(actor, department_id=pk)


class ProgramResource(AdminResource):
    label = "Programs"
    model = Program
    icon = "ti ti-school"
    page_pre_title = "Academics"
    page_title = "Programs"
    read_permission = Permission.PROGRAMS_WRITE
    write_permission = Permission.PROGRAMS_WRITE
    list_filters = [
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department", scope=all_departments),
        w.EnumFilter(DegreeType, name="degree_type", label="Degree"),
        w.BooleanFilter(name="is_active", label="Active"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("degree_type", "Degree", w.EnumLabel()),
        Column("department", "Department", source="department__name"),
        Column("duration_years", "Years"),
        Column("total_semesters", "Semesters"),
        Column("total_credits", "Credits"),
        Column("is_active", "Active", w.YesNo()),
    ]
    export_name = "programs"
    form_fields = [
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("degree_type", "Degree", w.EnumSelect(DegreeType)),
        FormField("department_id", "Department", w.ForeignKey(Department, scope=all_departments)),
        FormField("duration_years", "Years", w.IntegerInput()),
        FormField("total_semesters", "Semesters", w.IntegerInput()),
        FormField("total_credits", "Credits", w.IntegerInput()),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("eligibility_criteria", "Eligibility", w.TextArea(null=True)),
        FormField("is_active", "Active", w.Switch()),
    ]
    create_schema = ProgramCreate
    update_schema = ProgramUpdate

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await program_service.create_program(actor, data=ProgramCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await program_service.update_program(actor, program_id=pk, changes=ProgramUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await program_service.delete_program(actor, program_id=pk)


async def _other_courses(request: Request) -> QuerySet:
    """Prerequisite choices: every course but the one being edited (cycles are the
    service's to refuse)."""
    pk = request.path_params.get("pk")
    qs = Course.all()
    return qs.exclude(id=int(pk)) if pk is not None and str(pk).isdigit() else qs


class CourseResource(AdminResource):
    label = "Courses"
    model = Course
    icon = "ti ti-book"
    page_pre_title = "Academics"
    page_title = "Courses"
    read_permission = Permission.COURSES_WRITE
    write_permission = Permission.COURSES_WRITE
    list_filters = [
        w.SearchFilter(("name", "code"), placeholder="Name or code"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department", scope=all_departments),
        w.EnumFilter(CourseType, name="course_type", label="Type"),
        w.EnumFilter(Level, name="level", label="Level"),
        w.BooleanFilter(name="is_active", label="Active"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("code", "Code", sort="code"),
        Column("name", "Name", sort="name"),
        Column("credits", "Credits"),
        Column("department", "Department", source="department__name"),
        Column("course_type", "Type", w.EnumLabel()),
        Column("level", "Level", w.EnumLabel()),
        Column("prerequisites", "Prerequisites", annotation=RawSQL(
            "(SELECT string_agg(pc.code, ', ' ORDER BY pc.code) FROM course_prerequisites cp "
            "JOIN courses pc ON pc.id = cp.prerequisite_id WHERE cp.course_id = courses.id)"
        )),
        Column("is_active", "Active", w.YesNo()),
    ]
    export_name = "courses"
    form_fields = [
        FormField("name", "Name", w.TextInput()),
        FormField("code", "Code", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("credits", "Credits", w.IntegerInput()),
        FormField("department_id", "Department", w.ForeignKey(Department, scope=all_departments)),
        FormField("course_type", "Type", w.EnumSelect(CourseType)),
        FormField("level", "Level", w.EnumSelect(Level)),
        FormField("max_students", "Max students", w.IntegerInput(null=True)),
        FormField("prerequisites", "Prerequisites", w.ManyForeignKeys(Course, scope=_other_courses)),
        FormField("description", "Description", w.TextArea(null=True)),
        FormField("syllabus", "Syllabus", w.TextArea(null=True)),
        FormField("is_active", "Active", w.Switch()),
    ]
    create_schema = CourseCreate
    update_schema = CourseUpdate

    @classmethod
    async def initial_values(cls, obj: Any) -> dict[str, Any]:
        values = await super().initial_values(obj)
        values["prerequisites"] = await CoursePrerequisite.filter(course_id=obj.id).values_list(
            "prerequisite_id", flat=True)
        return values

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await course_service.create_course(actor, data=CourseCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await course_service.update_course(actor, course_id=pk, changes=CourseUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await course_service.delete_course(actor, course_id=pk)


# --- teaching -------------------------------------------------------------------------------


async def all_courses(request: Request) -> QuerySet:
    return Course.all()


async def _active_faculty(request: Request) -> QuerySet:
    return Faculty.filter(status=FacultyStatus.ACTIVE).select_related("user")


async def _offerings_visible(request: Request) -> QuerySet:
    return await CourseOfferingResource.base_queryset(request)


def _offering_label(row: Any) -> str:
    section = f" {row.section}" if row.section else ""
    return f"{row.course.code} {row.academic_year} S{row.semester}{section}"


async def _offerings_visible_with_course(request: Request) -> QuerySet:
    return (await _offerings_visible(request)).select_related("course")


class ChoicesOfVisibleRows(w.ForeignKeyFilter):
    """A foreign-key filter whose choices, for an actor who sees only some rows (faculty),
    are the values those rows hold: nothing outside their scope is listed or accepted."""

    def __init__(self, model: Any, *, name: str, label: str, owner: Any, column: str | None = None) -> None:
        column = column or name

        async def scope(request: Request) -> QuerySet:
            resource = owner()
            if resource.access(request.state.admin.actor) is Access.SCOPED:
                visible = await resource.base_queryset(request)
                return model.filter(id__in=Subquery(visible.values(column)))
            return model.all()

        super().__init__(model, name=name, label=label, scope=scope)


class CourseOfferingResource(AdminResource):
    label = "Course offerings"
    model = CourseOffering
    icon = "ti ti-calendar-event"
    page_pre_title = "Teaching"
    page_title = "Course offerings"
    read_permission = Permission.OFFERINGS_WRITE
    write_permission = Permission.OFFERINGS_WRITE
    faculty_read_permission = Permission.OFFERINGS_READ
    list_filters = [
        ChoicesOfVisibleRows(Program, name="program_id", label="Program", owner=lambda: CourseOfferingResource),
        ChoicesOfVisibleRows(Course, name="course_id", label="Course", owner=lambda: CourseOfferingResource),
        w.IntegerFilter(name="semester", label="Semester"),
        w.SearchFilter(("academic_year",), name="academic_year", label="Academic year", placeholder="2025-26"),
        w.EnumFilter(OfferingStatus, name="offering_status", label="Status", field="status"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("course", "Course", value=lambda r: f"{r['course_code']} {r['course_name']}",
               needs={"course_code": "course__code", "course_name": "course__name"}),
        Column("program", "Program", source="program__code"),
        Column("academic_year", "Year", sort="academic_year"),
        Column("semester", "Semester", sort="semester"),
        Column("section", "Section"),
        Column("status", "Status", w.EnumLabel()),
        Column("faculty", "Faculty", annotation=RawSQL(
            "(SELECT string_agg(fu.first_name || ' ' || fu.last_name, ', ' ORDER BY fu.last_name) "
            "FROM offering_faculty ofa JOIN faculty ff ON ff.id = ofa.faculty_id "
            "JOIN users fu ON fu.id = ff.user_id WHERE ofa.offering_id = course_offerings.id)"
        )),
        Column("enrolled_students", "Registered"),
        Column("max_capacity", "Capacity"),
        Column("roster", "Roster", w.RosterLink(), value=lambda r: r["id"]),
    ]
    export_name = "course_offerings"
    form_fields = [
        FormField("program_id", "Program", w.ForeignKey(Program, scope=all_programs), on_update=False),
        FormField("course_id", "Course", w.ForeignKey(Course, scope=all_courses), on_update=False),
        FormField("academic_year", "Academic year", w.TextInput(help_text="e.g. 2025-26"), on_update=False),
        FormField("semester", "Semester", w.IntegerInput()),
        FormField("section", "Section", w.TextInput(null=True)),
        FormField("room_number", "Room", w.TextInput(null=True)),
        FormField("max_capacity", "Capacity", w.IntegerInput(null=True)),
        FormField("faculty_ids", "Faculty", w.ManyForeignKeys(Faculty, scope=_active_faculty, label=_person)),
        FormField("status", "Status", w.EnumSelect(OfferingStatus)),
        FormField("start_date", "Starts", w.DateInput()),
        FormField("end_date", "Ends", w.DateInput()),
    ]
    create_schema = OfferingCreate
    update_schema = OfferingUpdate

    @classmethod
    async def initial_values(cls, obj: Any) -> dict[str, Any]:
        values = await super().initial_values(obj)
        values["faculty_ids"] = await OfferingFaculty.filter(offering_id=obj.id).values_list("faculty_id", flat=True)
        return values

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await offering_service.create_offering(actor, data=OfferingCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await offering_service.update_offering(actor, offering_id=pk, changes=OfferingUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await offering_service.delete_offering(actor, offering_id=pk)

    @classmethod
    async def resolve_query_params(cls, request: Request, values: dict, qs: QuerySet) -> tuple[dict, QuerySet]:
        # The API's misspelt parameter names are aliases of academic_year (notes §3.5).
        for alias in ("acedemic_year", "acedamic_year"):
            if values.get(alias) and not values.get("academic_year"):
                values = {**values, "academic_year": values[alias]}
        return await super().resolve_query_params(request, values, qs)

    @classmethod
    async def faculty_scope(cls, request: Request, faculty_id: int, qs: QuerySet) -> QuerySet:
        return qs.filter(id__in=Subquery(offering_service.offerings_taught_by(faculty_id).values("id")))


# --- people ---------------------------------------------------------------------------------


class _OfferingRosterFilter(w.ForeignKeyFilter):
    """`offering`: the roster of one offering (students registered in it). Its choices
    are the offerings the actor may see, so a faculty member can pick only their own."""

    def __init__(self) -> None:
        super().__init__(CourseOffering, name="offering", label="Offering", scope=_offerings_visible_with_course,
                         option_label=_offering_label,
                         apply=lambda qs, pk: qs.filter(id__in=students_registered_in(pk)))


class PersonResource(AdminResource):
    """A profile row (student, faculty member, staff member) edited together with its
    user account on one form."""

    @classmethod
    def fields_for(cls, action: Action) -> list[FormField]:
        # A password is set at creation; afterwards it is the person's own (or a reset).
        fields = super().fields_for(action)
        return fields if action is Action.CREATE else [f for f in fields if f.name != "password"]

    @classmethod
    async def initial_values(cls, obj: Any) -> dict[str, Any]:
        return await _with_account(await super().initial_values(obj), obj)


class StudentResource(PersonResource):
    label = "Students"
    model = Student
    icon = "ti ti-users"
    page_pre_title = "People"
    page_title = "Students"
    read_permission = Permission.STUDENTS_WRITE
    write_permission = Permission.STUDENTS_WRITE
    faculty_read_permission = Permission.STUDENTS_READ
    list_filters = [
        w.SearchFilter(("student_code", "admission_number"), placeholder="Student ID or admission no."),
        w.EnumFilter(PersonStatus, name="student_status", label="Status", field="status"),
        ChoicesOfVisibleRows(Department, name="department_id", label="Department", owner=lambda: StudentResource),
        ChoicesOfVisibleRows(Program, name="program_id", label="Program", owner=lambda: StudentResource),
        w.IntegerFilter(name="batch_year", label="Batch"),
        w.IntegerFilter(name="semester", label="Semester"),
        w.EnumFilter(Category, name="category", label="Category"),
        _OfferingRosterFilter(),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("student_code", "Student ID", sort="student_code"),
        Column("name", "Name", value=_full_name, needs=_NAME_NEEDS),
        Column("email", "Email", source="user__email"),
        Column("department", "Department", source="department__name"),
        Column("program", "Program", source="program__code"),
        Column("batch_year", "Batch", sort="batch_year"),
        Column("semester", "Semester"),
        Column("category", "Category", w.EnumLabel()),
        Column("status", "Status", w.EnumLabel()),
    ]
    form_fields = [
        *_account_fields(),
        FormField("gender", "Gender", w.EnumSelect(Gender, null=True)),
        FormField("date_of_birth", "Date of birth", w.DateInput(null=True)),
        FormField("student_code", "Student ID", w.TextInput()),
        FormField("admission_number", "Admission number", w.TextInput()),
        FormField("admission_date", "Admission date", w.DateInput()),
        FormField("program_id", "Program", w.ForeignKey(Program, scope=all_programs)),
        FormField("department_id", "Department", w.ForeignKey(Department, scope=all_departments)),
        FormField("batch_year", "Batch year", w.IntegerInput()),
        FormField("semester", "Semester", w.IntegerInput()),
        FormField("section", "Section", w.TextInput(null=True)),
        FormField("category", "Category", w.EnumSelect(Category, null=True)),
        FormField("status", "Status", w.EnumSelect(PersonStatus)),
    ]
    create_schema = StudentCreate
    update_schema = StudentUpdate

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        if action is Action.CREATE:
            # The API's create takes codes (domain.md §3.3); the form picks rows.
            program = await Program.get(id=data.pop("program_id"))
            department = await Department.get(id=data.pop("department_id"))
            data.update(program_code=program.code, department_code=department.code)
        return data

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await student_service.create_student(actor, data=StudentCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await student_service.update_student(actor, student_id=pk, changes=StudentUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        # People are deactivated, never removed (notes §3.4).
        await student_service.deactivate_student(actor, student_id=pk)

    @classmethod
    async def faculty_scope(cls, request: Request, faculty_id: int, qs: QuerySet) -> QuerySet:
        return qs.filter(id__in=Subquery(student_service.students_taught_by(faculty_id).values("id")))


class FacultyResource(PersonResource):
    label = "Faculty"
    model = Faculty
    icon = "ti ti-user-star"
    page_pre_title = "People"
    page_title = "Faculty"
    read_permission = Permission.FACULTY_WRITE
    write_permission = Permission.FACULTY_WRITE
    list_filters = [
        w.SearchFilter(("employee_id", "designation"), placeholder="Employee ID or designation"),
        w.EnumFilter(FacultyStatus, name="faculty_status", label="Status", field="status"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department", scope=all_departments),
        w.EnumFilter(EmploymentType, name="employment_type", label="Employment"),
        w.BooleanFilter(name="is_hod", label="Head of department"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("employee_id", "Employee ID", sort="employee_id"),
        Column("name", "Name", value=_full_name, needs=_NAME_NEEDS),
        Column("email", "Email", source="user__email"),
        Column("department", "Department", source="department__name"),
        Column("designation", "Designation"),
        Column("employment_type", "Employment", w.EnumLabel()),
        Column("is_hod", "Head", w.YesNo()),
        Column("status", "Status", w.EnumLabel()),
    ]
    export_name = "faculty"
    form_fields = [
        *_account_fields(),
        FormField("employee_id", "Employee ID", w.TextInput(help_text="Cannot be changed later"), on_update=False),
        FormField("department_id", "Department", w.ForeignKey(Department, scope=all_departments)),
        FormField("designation", "Designation", w.TextInput()),
        FormField("employment_type", "Employment", w.EnumSelect(EmploymentType)),
        FormField("specialization", "Specialization", w.TextInput(null=True)),
        FormField("qualification", "Qualification", w.TextInput(null=True)),
        FormField("date_of_joining", "Joined", w.DateInput(null=True)),
        FormField("experience_years", "Years of experience", w.IntegerInput(null=True)),
        FormField("is_hod", "Head of department", w.Switch()),
        FormField("status", "Status", w.EnumSelect(FacultyStatus)),
    ]
    create_schema = FacultyCreate
    update_schema = FacultyUpdate

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        if action is Action.CREATE:
            # The API's create names the department by code; the form picks a row.
            data["department_code"] = (await Department.get(id=data.pop("department_id"))).code
        return data

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await faculty_service.create_faculty(actor, data=FacultyCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await faculty_service.update_faculty(actor, faculty_id=pk, changes=FacultyUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await faculty_service.deactivate_faculty(actor, faculty_id=pk)


class ParentResource(AdminResource):
    label = "Parents"
    model = Parent
    icon = "ti ti-users-group"
    page_pre_title = "People"
    page_title = "Parents"
    read_permission = Permission.USERS_CREATE
    default_order = "-id"
    list_filters = [
        w.SearchFilter(("father_name", "mother_name", "user__email"), placeholder="Parent name or email"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("account", "Account", value=_full_name, needs=_NAME_NEEDS),
        Column("email", "Email", source="user__email"),
        Column("father_name", "Father"),
        Column("mother_name", "Mother"),
        Column("father_contact", "Father's phone"),
        Column("mother_contact", "Mother's phone"),
        Column("city", "City"),
        Column("children", "Children", annotation=RawSQL(
            "(SELECT string_agg(ps.student_code, ', ' ORDER BY ps.student_code) FROM students ps "
            "WHERE parents.id IN (ps.parent_id, ps.guardian_id))"
        )),
    ]
    export_name = "parents"


class AdminStaffResource(PersonResource):
    label = "Staff"
    model = AdminStaff
    icon = "ti ti-id-badge-2"
    page_pre_title = "People"
    page_title = "Administrative staff"
    read_permission = Permission.USERS_CREATE
    write_permission = Permission.STAFF_MANAGE
    default_order = "-id"
    list_filters = [
        w.SearchFilter(("employee_id", "designation"), placeholder="Employee ID or designation"),
        w.EnumFilter(AdminStaffRole, name="role", label="Role"),
        w.EnumFilter(PersonStatus, name="status", label="Status"),
        w.ForeignKeyFilter(Department, name="department_id", label="Department", scope=all_departments),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("employee_id", "Employee ID", sort="employee_id"),
        Column("name", "Name", value=_full_name, needs=_NAME_NEEDS),
        Column("email", "Email", source="user__email"),
        Column("role", "Role", w.EnumLabel()),
        Column("department", "Department", source="department__name"),
        Column("designation", "Designation"),
        Column("date_of_joining", "Joined", w.DateTime(date_only=True)),
        Column("status", "Status", w.EnumLabel()),
    ]
    export_name = "staff"
    form_fields = [
        *_account_fields(user_type=True),
        FormField("employee_id", "Employee ID", w.TextInput(null=True, help_text="Empty: EMP-<account id>")),
        FormField("role", "Role", w.EnumSelect(AdminStaffRole)),
        FormField("department_id", "Department", w.ForeignKey(Department, scope=all_departments, null=True)),
        FormField("designation", "Designation", w.TextInput()),
        FormField("date_of_joining", "Joined", w.DateInput()),
        FormField("status", "Status", w.EnumSelect(PersonStatus), on_create=False),
    ]
    create_schema = StaffCreate
    update_schema = StaffUpdate

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

    @staticmethod
    async def service_create(actor: Any, data: dict[str, Any]) -> Any:
        return await staff_service.create_staff(actor, data=StaffCreate.model_validate(data))

    @staticmethod
    async def service_update(actor: Any, pk: int, changes: dict[str, Any]) -> Any:
        return await staff_service.update_staff(actor, staff_id=pk, changes=StaffUpdate.model_validate(changes))

    @staticmethod
    async def service_delete(actor: Any, pk: int) -> None:
        await staff_service.deactivate_staff(actor, staff_id=pk)


class UserResource(AdminResource):
    label = "Users"
    model = User
    icon = "ti ti-user-circle"
    page_pre_title = "Accounts"
    page_title = "Users"
    # Account administration is the admin's alone (staff do not see this list).
    read_permission = Permission.STAFF_MANAGE
    write_permission = Permission.STAFF_MANAGE
    default_order = "-id"
    list_filters = [
        w.SearchFilter(("email", "user_name", "first_name", "last_name"), placeholder="Name, email or user name"),
        w.EnumFilter(UserType, name="user_type", label="Role"),
        w.BooleanFilter(name="is_active", label="Active"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("user_name", "User name", sort="user_name"),
        Column("name", "Name", value=_full_name, needs={"first_name": "first_name", "last_name": "last_name"}),
        Column("email", "Email", sort="email"),
        Column("user_type", "Role", w.EnumLabel()),
        Column("is_active", "Active", w.YesNo()),
        Column("is_verified", "Verified", w.YesNo()),
        Column("last_login", "Last login", w.DateTime()),
        Column("created_at", "Created", w.DateTime(), sort="created_at"),
    ]
    export_name = "users"


class AuditLogResource(AdminResource):
    label = "Audit log"
    model = AuditLog
    icon = "ti ti-history"
    page_pre_title = "Accounts"
    page_title = "Audit log"
    read_permission = Permission.AUDIT_READ
    default_order = "-id"
    list_filters = [
        w.SearchFilter(("entity_type",), name="entity_type", label="Entity", placeholder="departments"),
        w.IntegerFilter(name="entity_id", label="Entity ID"),
        w.ChoiceFilter(name="action", label="Action", choices=[("Create", "create"), ("Update", "update"),
                                                              ("Delete", "delete")]),
        w.IntegerFilter(name="user_id", label="User ID"),
    ]
    columns = [
        Column("id", "ID", sort="id"),
        Column("timestamp", "When", w.DateTime(), sort="timestamp"),
        Column("user", "By", value=lambda r: f"{r['by_first']} {r['by_last']}" if r["by_first"] else "system",
               needs={"by_first": "user__first_name", "by_last": "user__last_name"}),
        Column("action", "Action", w.EnumLabel()),
        Column("entity_type", "Entity"),
        Column("entity_id", "Entity ID"),
        Column("entity_name", "Name"),
        Column("changes", "Changes", w.Changes(), value=lambda r: (r["old_value"], r["new_value"]),
               needs={"old_value": "old_value", "new_value": "new_value"}),
        Column("ip_address", "IP"),
    ]
    export_name = "audit_log"


RESOURCES: list[type[AdminResource]] = [
    DepartmentResource,
    ProgramResource,
    CourseResource,
    CourseOfferingResource,
    StudentResource,
    FacultyResource,
    ParentResource,
    AdminStaffResource,
    UserResource,
    AuditLogResource,
]
