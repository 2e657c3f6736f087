"""The catalogue: university, departments, programs, courses and the curriculum."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import CourseType, DegreeType, Level


class University(TimestampedModel):
    name = fields.CharField(max_length=200, unique=True)
    code = fields.CharField(max_length=50, unique=True)
    address = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=100, null=True)
    state = fields.CharField(max_length=100, null=True)
    country = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=20, null=True)
    phone = fields.CharField(max_length=20, null=True)
    email = fields.CharField(max_length=255, null=True)
    website = fields.CharField(max_length=255, null=True)
    established_year = fields.IntField(null=True)
    is_active = fields.BooleanField(default=True, db_index=True)

    class Meta:
        table = "universities"

    def __str__(self) -> str:
        return self.name


class Department(TimestampedModel):
    university: fields.ForeignKeyNullableRelation["University"] = fields.ForeignKeyField(
        "models.University",
        related_name="departments",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    university_id: int | None
    name = fields.CharField(max_length=200, unique=True)
    # Immutable once created.
    code = fields.CharField(max_length=50, unique=True)
    description = fields.TextField(null=True)
    # A plain column, not a ForeignKeyField: departments and faculty reference each other,
    # and Tortoise's schema generator (which aerich's init uses) refuses FK cycles. The
    # foreign key to faculty(id) ON DELETE SET NULL is in models.constraints.
    hod_id = fields.IntField(null=True, db_index=True)
    phone = fields.CharField(max_length=20, null=True)
    email = fields.CharField(max_length=255, null=True)
    building = fields.CharField(max_length=100, null=True)
    floor = fields.IntField(null=True)
    is_active = fields.BooleanField(default=True, db_index=True)

    class Meta:
        table = "departments"

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Program(TimestampedModel):
    name = fields.CharField(max_length=200, unique=True)
    # Immutable once created.
    code = fields.CharField(max_length=50, unique=True)
    description = fields.TextField(null=True)
    degree_type = fields.CharEnumField(DegreeType, max_length=20)
    department: fields.ForeignKeyRelation["Department"] = fields.ForeignKeyField(
        "models.Department",
        related_name="programs",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    department_id: int
    duration_years = fields.IntField()
    total_semesters = fields.IntField()
    total_credits = fields.IntField()
    # Free text for people; never evaluated.
    eligibility_criteria = fields.TextField(null=True)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "programs"

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Course(TimestampedModel):
    name = fields.CharField(max_length=200, unique=True)
    # Immutable once created.
    code = fields.CharField(max_length=50, unique=True)
    description = fields.TextField(null=True)
    syllabus = fields.TextField(null=True)
    credits = fields.IntField()
    department: fields.ForeignKeyRelation["Department"] = fields.ForeignKeyField(
        "models.Department",
        related_name="courses",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    department_id: int
    course_type = fields.CharEnumField(CourseType, max_length=20, db_index=True)
    level = fields.CharEnumField(Level, max_length=20)
    max_students = fields.IntField(null=True)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "courses"

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class CoursePrerequisite(TimestampedModel):
    """``course`` requires ``prerequisite``. Cycles are refused by the service."""

    course: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course", related_name="prerequisite_links", on_delete=fields.OnDelete.CASCADE
    )
    course_id: int
    prerequisite: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course",
        related_name="dependent_links",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    prerequisite_id: int

    class Meta:
        table = "course_prerequisites"
        unique_together = (("course", "prerequisite"),)

    def __str__(self) -> str:
        return f"{self.course_id} requires {self.prerequisite_id}"


class ProgramCourse(TimestampedModel):
    """The curriculum: which course a program teaches in which semester."""

    program: fields.ForeignKeyRelation["Program"] = fields.ForeignKeyField(
        "models.Program", related_name="program_courses", on_delete=fields.OnDelete.CASCADE
    )
    program_id: int
    course: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course",
        related_name="program_courses",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_id: int
    semester = fields.IntField(db_index=True)
    is_mandatory = fields.BooleanField(default=True)

    class Meta:
        table = "program_courses"
        unique_together = (("program", "course", "semester"),)

    def __str__(self) -> str:
        return f"program {self.program_id} / course {self.course_id} / sem {self.semester}"
