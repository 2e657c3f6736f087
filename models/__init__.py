"""Tortoise models of the university, one module per domain.

Tortoise discovers models by module, so every model class is re-exported here and the
app's config lists just ``"models"``. Database rules the ORM cannot declare (CHECKs,
partial unique indexes, trigram indexes) are in ``models.constraints``.
"""

from models.academics import (
    Course,
    CoursePrerequisite,
    Department,
    Program,
    ProgramCourse,
    University,
)
from models.administration import AuditLog, Document, SystemLog
from models.assessments import Assessment, Grade, GradingScale, SemesterResult
from models.attendance import Attendance, AttendanceSummary
from models.enrollments import CourseOffering, CourseRegistration, Enrollment, OfferingFaculty
from models.exams import ExamSchedule, ExamTimetable
from models.fees import FeePayment, FeeStructure
from models.hostels import Hostel, HostelAllocation, HostelRoom
from models.library import BookIssue, LibraryBook
from models.notifications import Notification, UserNotification
from models.scheduling import ClassSchedule, TimetableSlot
from models.users import AdminStaff, Faculty, Parent, Student, User

__all__ = [
    "AdminStaff",
    "Assessment",
    "Attendance",
    "AttendanceSummary",
    "AuditLog",
    "BookIssue",
    "ClassSchedule",
    "Course",
    "CourseOffering",
    "CoursePrerequisite",
    "CourseRegistration",
    "Department",
    "Document",
    "Enrollment",
    "ExamSchedule",
    "ExamTimetable",
    "Faculty",
    "FeePayment",
    "FeeStructure",
    "Grade",
    "GradingScale",
    "Hostel",
    "HostelAllocation",
    "HostelRoom",
    "LibraryBook",
    "Notification",
    "OfferingFaculty",
    "Parent",
    "Program",
    "ProgramCourse",
    "SemesterResult",
    "Student",
    "SystemLog",
    "TimetableSlot",
    "University",
    "User",
    "UserNotification",
]
