"""Examination sessions and their per-offering timetable entries."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ExamStatus, ExamType

if TYPE_CHECKING:
    from models import Course, CourseOffering


class ExamSchedule(TimestampedModel):
    """An examination session for a course (e.g. the 2025-26 semester 3 finals)."""

    exam_name = fields.CharField(max_length=200)
    exam_type = fields.CharEnumField(ExamType, max_length=20)
    course: fields.ForeignKeyRelation["Course"] = fields.ForeignKeyField(
        "models.Course",
        related_name="exam_schedules",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_id: int
    academic_year = fields.CharField(max_length=20, db_index=True)
    semester = fields.IntField()
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    result_declaration_date = fields.DateField(null=True)
    location = fields.CharField(max_length=255, null=True)
    status = fields.CharEnumField(ExamStatus, max_length=20, db_index=True)

    class Meta:
        table = "exam_schedules"

    def __str__(self) -> str:
        return self.exam_name


class ExamTimetable(TimestampedModel):
    """One sitting of an exam session for one course offering."""

    exam_schedule: fields.ForeignKeyRelation["ExamSchedule"] = fields.ForeignKeyField(
        "models.ExamSchedule",
        related_name="timetable_entries",
        db_index=True,
        on_delete=fields.OnDelete.CASCADE,
    )
    exam_schedule_id: int
    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="exam_timetable_entries",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_offering_id: int
    exam_date = fields.DateField(db_index=True)
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    duration_minutes = fields.IntField()
    venue = fields.CharField(max_length=100)
    max_marks = fields.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        table = "exam_timetables"

    def __str__(self) -> str:
        return f"{self.exam_date} {self.venue} (offering {self.course_offering_id})"
