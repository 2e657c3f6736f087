"""Assessments, the marks scored in them, semester results and the grading scale."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AssessmentType, ResultStatus

if TYPE_CHECKING:
    from models import Course, CourseOffering, Enrollment, Student, User


class Assessment(TimestampedModel):
    # course_offering_id leads the unique key below, which serves as its index.
    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering", related_name="assessments", on_delete=fields.OnDelete.RESTRICT
    )
    course_offering_id: int
    name = fields.CharField(max_length=200)
    assessment_type = fields.CharEnumField(AssessmentType, max_length=20, db_index=True)
    description = fields.TextField(null=True)
    max_marks = fields.DecimalField(max_digits=10, decimal_places=2)
    # Percent of the offering's total; the service keeps the offering's sum <= 100.
    weightage = fields.DecimalField(max_digits=6, decimal_places=2)
    date = fields.DateField()

    class Meta:
        table = "assessments"
        unique_together = (("course_offering", "name"),)

    def __str__(self) -> str:
        return self.name


class Grade(TimestampedModel):
    """Marks of one enrollment in one assessment."""

    # enrollment_id leads the unique key below, which serves as its index.
    enrollment: fields.ForeignKeyRelation["Enrollment"] = fields.ForeignKeyField(
        "models.Enrollment", related_name="grades", on_delete=fields.OnDelete.RESTRICT
    )
    enrollment_id: int
    # Both derived from the assessment by the service.
    course: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course", related_name="grades", db_index=True, on_delete=fields.OnDelete.RESTRICT
    )
    course_id: int
    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="grades",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_offering_id: int
    assessment: fields.ForeignKeyRelation["Assessment"] = fields.ForeignKeyField(
        "models.Assessment",
        related_name="grades",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    assessment_id: int
    # The upper bound (the assessment's max_marks) is a service rule.
    marks_obtained = fields.DecimalField(max_digits=6, decimal_places=2)
    remarks = fields.TextField(null=True)
    graded_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="graded_grades",
        null=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    graded_by_id: int | None
    graded_at = fields.DatetimeField()

    class Meta:
        table = "grades"
        unique_together = (("enrollment", "assessment"),)

    def __str__(self) -> str:
        return f"enrollment {self.enrollment_id}, assessment {self.assessment_id}"


class SemesterResult(TimestampedModel):
    # Any enrollment of the student with grades in that semester (no unique key: a
    # program enrollment spans many semesters).
    enrollment: fields.ForeignKeyRelation["Enrollment"] = fields.ForeignKeyField(
        "models.Enrollment",
        related_name="semester_results",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    enrollment_id: int
    # student_id leads the unique key below, which serves as its index.
    student: fields.ForeignKeyRelation["Student"] = fields.ForeignKeyField(
        "models.Student", related_name="semester_results", on_delete=fields.OnDelete.RESTRICT
    )
    student_id: int
    academic_year = fields.CharField(max_length=20)
    semester = fields.IntField(db_index=True)
    gpa = fields.DecimalField(max_digits=4, decimal_places=2)
    cgpa = fields.DecimalField(max_digits=4, decimal_places=2)
    total_credits_attempted = fields.IntField(null=True)
    total_credits_earned = fields.IntField(null=True)
    status = fields.CharEnumField(ResultStatus, max_length=20)
    remarks = fields.TextField(null=True)
    published_at = fields.DatetimeField(null=True)
    published_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="published_results",
        null=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    published_by_id: int | None

    class Meta:
        table = "semester_results"
        unique_together = (("student", "semester"),)

    def __str__(self) -> str:
        return f"student {self.student_id} S{self.semester}: {self.gpa}"


class GradingScale(TimestampedModel):
    """A letter grade: awarded from ``min_percentage`` up to the next letter's threshold."""

    letter = fields.CharField(max_length=5, unique=True)
    min_percentage = fields.DecimalField(max_digits=5, decimal_places=2, unique=True)
    grade_point = fields.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        table = "grading_scales"
        ordering = ["-min_percentage"]  # noqa: RUF012 - Tortoise reads Meta, nothing mutates it

    def __str__(self) -> str:
        return self.letter
