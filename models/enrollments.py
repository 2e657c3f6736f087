"""Course offerings, who teaches them, program enrollments and the offering rosters."""

from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import TimestampedModel
from models.enums import EnrollmentStatus, OfferingStatus, RegistrationStatus

if TYPE_CHECKING:
    from models import Course, Faculty, Program, Student


class CourseOffering(TimestampedModel):
    """A course taught for a program in one academic year and semester (Ref `program_courses`)."""

    program: fields.ForeignKeyRelation["Program"] = fields.ForeignKeyField(
        "models.Program", related_name="offerings", on_delete=fields.OnDelete.RESTRICT
    )
    program_id: int
    # course_id leads the unique key below, which serves as its index.
    course: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course", related_name="offerings", on_delete=fields.OnDelete.RESTRICT
    )
    course_id: int
    semester = fields.IntField(db_index=True)
    academic_year = fields.CharField(max_length=20, db_index=True)
    section = fields.CharField(max_length=20, null=True)
    room_number = fields.CharField(max_length=50, null=True)
    max_capacity = fields.IntField(null=True)
    # Maintained counter: the offering's `registered` course registrations.
    enrolled_students = fields.IntField(default=0)
    schedule: fields.JSONField[Any] = fields.JSONField(null=True)
    status = fields.CharEnumField(OfferingStatus, max_length=20)
    start_date = fields.DateField()
    end_date = fields.DateField()

    class Meta:
        table = "course_offerings"
        # Offerings without a section are kept unique by a partial index in models.constraints
        # (NULLs are distinct in a plain unique key).
        unique_together = (("course", "program", "academic_year", "semester", "section"),)
        indexes = (("program_id", "semester"),)

    def __str__(self) -> str:
        section = f" {self.section}" if self.section else ""
        return f"course {self.course_id} {self.academic_year} S{self.semester}{section}"


class OfferingFaculty(TimestampedModel):
    """A faculty member teaching an offering."""

    offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="faculty_assignments",
        on_delete=fields.OnDelete.CASCADE,
    )
    offering_id: int
    faculty: fields.ForeignKeyRelation["Faculty"] = fields.ForeignKeyField(
        "models.Faculty",
        related_name="teaching_assignments",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    faculty_id: int

    class Meta:
        table = "offering_faculty"
        unique_together = (("offering", "faculty"),)

    def __str__(self) -> str:
        return f"faculty {self.faculty_id} teaches offering {self.offering_id}"


class Enrollment(TimestampedModel):
    """A student enrolled in a program."""

    student: fields.ForeignKeyRelation["Student"] = fields.ForeignKeyField(
        "models.Student",
        related_name="enrollments",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    student_id: int
    program: fields.ForeignKeyRelation["Program"] = fields.ForeignKeyField(
        "models.Program",
        related_name="enrollments",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    program_id: int
    enrollment_date = fields.DatetimeField()
    status = fields.CharEnumField(
        EnrollmentStatus, max_length=20, default=EnrollmentStatus.ENROLLED, db_index=True
    )
    grade = fields.CharField(max_length=5, null=True)
    grade_point = fields.DecimalField(max_digits=4, decimal_places=2, null=True)
    credits_earned = fields.IntField(default=0)
    remarks = fields.TextField(null=True)

    class Meta:
        table = "enrollments"

    def __str__(self) -> str:
        return f"enrollment {self.id}: student {self.student_id} in program {self.program_id}"


class CourseRegistration(TimestampedModel):
    """An enrollment on the roster of one course offering."""

    # enrollment_id leads the unique key below, which serves as its index.
    enrollment: fields.ForeignKeyRelation["Enrollment"] = fields.ForeignKeyField(
        "models.Enrollment",
        related_name="course_registrations",
        on_delete=fields.OnDelete.RESTRICT,
    )
    enrollment_id: int
    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="registrations",
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_offering_id: int
    status = fields.CharEnumField(
        RegistrationStatus, max_length=20, default=RegistrationStatus.REGISTERED
    )
    registered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_registrations"
        unique_together = (("enrollment", "course_offering"),)
        indexes = (("course_offering_id", "status"),)

    def __str__(self) -> str:
        return f"enrollment {self.enrollment_id} in offering {self.course_offering_id}"
