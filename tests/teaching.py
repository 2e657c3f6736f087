"""Making a faculty member teach students: the relation behind faculty privacy (notes §3.11)."""

from __future__ import annotations

from typing import Any

from models import CourseOffering, Enrollment, Program
from models.enums import OfferingStatus
from tests import factories


async def teach(member: Any, *students: Any, status: OfferingStatus = OfferingStatus.OPEN,
                offering: CourseOffering | None = None) -> CourseOffering:
    """An offering `member` is listed on (in the first student's program) with each of
    `students` registered in it."""
    if offering is None:
        program = await Program.get(id=students[0].program_id) if students else await factories.create_program()
        offering = await factories.create_offering(faculty=[member], status=status, program=program)
    for student in students:
        enrollment = await Enrollment.filter(student_id=student.id).first()
        if enrollment is None:
            enrollment = await factories.create_enrollment(student=student)
        await factories.create_registration(enrollment=enrollment, course_offering=offering)
    return offering
