"""Attendance marks and their monthly summaries."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import IdModel, TimestampedModel
from models.enums import AttendanceStatus

if TYPE_CHECKING:
    from models import CourseOffering, Enrollment, Student, User


class Attendance(IdModel):
    """One mark for an enrollment in a course offering on a day.

    No ``created_at``: ``marked_at`` is the insert time.
    """

    # enrollment_id leads the unique key below, which serves as its (enrollment_id, date) index.
    enrollment: fields.ForeignKeyRelation["Enrollment"] = fields.ForeignKeyField(
        "models.Enrollment", related_name="attendance_records", on_delete=fields.OnDelete.RESTRICT
    )
    enrollment_id: int
    # Derived from the enrollment by the service.
    student: fields.ForeignKeyRelation["Student"] = fields.ForeignKeyField(
        "models.Student", related_name="attendance_records", on_delete=fields.OnDelete.RESTRICT
    )
    student_id: int
    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="attendance_records",
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_offering_id: int
    date = fields.DateField(db_index=True)
    status = fields.CharEnumField(AttendanceStatus, max_length=20, db_index=True)
    marked_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="marked_attendance",
        null=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    marked_by_id: int | None
    remarks = fields.TextField(null=True)
    marked_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "attendance"
        # The same set as UQ(enrollment, course_offering, date), ordered so that it also
        # serves "an enrollment's marks between two dates".
        unique_together = (("enrollment", "date", "course_offering"),)
        indexes = (("course_offering_id", "date"), ("student_id", "date"))

    def __str__(self) -> str:
        return f"enrollment {self.enrollment_id} {self.date}: {self.status}"


class AttendanceSummary(TimestampedModel):
    """Attendance of an enrollment over one calendar month."""

    enrollment: fields.ForeignKeyRelation["Enrollment"] = fields.ForeignKeyField(
        "models.Enrollment",
        related_name="attendance_summaries",
        on_delete=fields.OnDelete.CASCADE,
    )
    enrollment_id: int
    total_classes = fields.IntField()
    attended_classes = fields.IntField()
    attendance_percentage = fields.DecimalField(max_digits=5, decimal_places=2)
    # The first day of the month.
    month = fields.DateField()

    class Meta:
        table = "attendance_summary"
        unique_together = (("enrollment", "month"),)

    def __str__(self) -> str:
        return f"enrollment {self.enrollment_id} {self.month:%Y-%m}: {self.attendance_percentage}%"
