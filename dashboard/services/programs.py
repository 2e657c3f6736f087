"""Programs and their curriculum (program_courses): domain.md §3.5 with its RECs."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.functions import Max

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_edit,
    delete_unless_referenced,
    ensure_unique,
    get_or_404,
    refuse_nulls,
    require_changes,
)
from dashboard.schemas.programs import CurriculumAdd, CurriculumOut, ProgramCreate, ProgramUpdate
from models import (
    Course,
    CourseOffering,
    Department,
    Enrollment,
    FeeStructure,
    Program,
    ProgramCourse,
    Student,
)
from models.enums import DegreeType

# What blocks a delete, in the words the 409 uses. The curriculum goes with the program.
_DEPENDANTS = (
    (Student, "students"),
    (Enrollment, "enrollments"),
    (CourseOffering, "course offerings"),
    (FeeStructure, "fee structures"),
)
LABEL = "Program"


async def _get(program_id: int) -> Program:
    return await get_or_404(Program, program_id, label=LABEL)


async def list_programs(
    actor: Actor, *, page: PageRequest, department_id: int | None = None, degree_type: DegreeType | None = None,
    is_active: bool | None = None, search: str | None = None,
) -> Page[Program]:
    authorize(actor, Permission.PROGRAMS_READ)
    filters = {"department_id": department_id, "degree_type": degree_type, "is_active": is_active}
    query = Program.filter(**{k: v for k, v in filters.items() if v is not None})
    if search:
        query = query.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return await paginate(query.order_by("id"), page)


async def get_program(actor: Actor, *, program_id: int) -> Program:
    authorize(actor, Permission.PROGRAMS_READ)
    return await _get(program_id)


async def _check_department(department_id: int) -> None:
    if not await Department.exists(id=department_id):
        raise NotFound("Department not found")


async def create_program(actor: Actor, *, data: ProgramCreate) -> Program:
    authorize(actor, Permission.PROGRAMS_WRITE)
    async with atomic():
        await ensure_unique(Program, "program", name=data.name, code=data.code)
        await _check_department(data.department_id)
        program = await Program.create(**data.model_dump())
        await audit.record(actor, "create", program)
    return program


async def _highest_semester_in_use(program_id: int) -> int:
    """The highest semester the curriculum, offerings or students of the program use."""
    highest = 0
    for model in (ProgramCourse, CourseOffering, Student):
        rows = await model.filter(program_id=program_id).annotate(top=Max("semester")).values("top")
        if rows and rows[0]["top"] is not None:
            highest = max(highest, rows[0]["top"])
    return highest


async def update_program(actor: Actor, *, program_id: int, changes: ProgramUpdate) -> Program:
    """A partial update; the code is immutable. The department of a program with students
    stays (each student's department is their program's); total_semesters cannot drop
    below a semester already in use."""
    authorize(actor, Permission.PROGRAMS_WRITE)
    fields = changes.changes()
    require_changes(fields)
    refuse_nulls(Program, fields)
    async with audited_edit(actor, Program, program_id, label=LABEL) as program:
        if "name" in fields:
            await ensure_unique(Program, "program", name=fields["name"], exclude_id=program.id)
        if fields.get("department_id") not in (None, program.department_id):
            await _check_department(fields["department_id"])
            if await Student.exists(program_id=program.id):
                raise Conflict("The department of a program with students cannot change")
        if fields.get("total_semesters") is not None:
            in_use = await _highest_semester_in_use(program.id)
            if fields["total_semesters"] < in_use:
                raise InvalidState(f"total_semesters cannot be below semester {in_use}, which is in use")
        program.update_from_dict(fields)
    return program


async def delete_program(actor: Actor, *, program_id: int) -> None:
    authorize(actor, Permission.PROGRAMS_WRITE)
    await delete_unless_referenced(actor, Program, program_id, label="Program",
                                   dependants=_DEPENDANTS, column="program_id")


# --- curriculum ---------------------------------------------------------------------------

_CURRICULUM_FIELDS = ("id", "course_id", "semester", "is_mandatory")
_CURRICULUM_COURSE_FIELDS = {
    "course_name": "course__name", "course_code": "course__code", "credits": "course__credits",
    "course_type": "course__course_type",
}


async def program_courses(actor: Actor, *, program_id: int) -> list[CurriculumOut]:
    """The curriculum, by semester then course name."""
    authorize(actor, Permission.PROGRAMS_READ)
    authorize(actor, Permission.COURSES_READ)
    await _get(program_id)
    return CurriculumOut.rows(await (
        ProgramCourse.filter(program_id=program_id).order_by("semester", "course__name", "id")
        .values(*_CURRICULUM_FIELDS, "program_id", **_CURRICULUM_COURSE_FIELDS)
    ))


async def add_program_course(actor: Actor, *, program_id: int, data: CurriculumAdd) -> CurriculumOut:
    """Put a course into the program's semester."""
    authorize(actor, Permission.PROGRAMS_WRITE)
    course_id, semester = data.course_id, data.semester
    async with atomic():
        program = await get_or_404(Program, program_id, label=LABEL, for_update=True)
        course = await get_or_404(Course, course_id, label="Course")
        if not course.is_active:
            raise InvalidState("An inactive course cannot be added to a curriculum")
        if not 1 <= semester <= program.total_semesters:
            raise InvalidState(f"semester must be between 1 and the program's {program.total_semesters} semesters")
        if await ProgramCourse.exists(program_id=program_id, course_id=course_id, semester=semester):
            raise Conflict(f"The course is already in semester {semester} of this program")
        entry = await ProgramCourse.create(program=program, course=course, semester=semester,
                                           is_mandatory=data.is_mandatory)
        await audit.record(actor, "create", entry)
    rows = await ProgramCourse.filter(id=entry.id).values(
        *_CURRICULUM_FIELDS, "program_id", **_CURRICULUM_COURSE_FIELDS)
    return CurriculumOut.model_validate(rows[0])


async def remove_program_course(actor: Actor, *, program_id: int, course_id: int, semester: int | None = None) -> int:
    """Take a course out of the curriculum: from one semester, or from every semester it
    is in when none is given. Returns how many entries went."""
    authorize(actor, Permission.PROGRAMS_WRITE)
    async with atomic():
        await get_or_404(Program, program_id, label=LABEL)
        query = ProgramCourse.filter(program_id=program_id, course_id=course_id)
        if semester is not None:
            query = query.filter(semester=semester)
        entries = await query.select_for_update()
        if not entries:
            raise NotFound("The course is not in this program's curriculum")
        for entry in entries:
            before = audit.snapshot(entry)
            await entry.delete()
            await audit.record(actor, "delete", entry, before=before, after=None)
    return len(entries)
