"""The role → permission table. Nothing else in the code names a role.

Object-level rules (a student sees only their own rows, a parent their children's,
faculty write only for offerings they teach) live in the services' `visible_to`
scopes; this table says which actions a role may attempt at all.
"""

from __future__ import annotations

from enum import StrEnum

from models.enums import UserType


class Permission(StrEnum):
    AUTH_SESSION = "auth:session"  # /me, logout: any signed-in user
    USERS_CREATE = "users:create"  # register any user type with a token
    STAFF_MANAGE = "staff:manage"
    AUDIT_READ = "audit:read"

    DEPARTMENTS_READ = "departments:read"
    DEPARTMENTS_WRITE = "departments:write"
    PROGRAMS_READ = "programs:read"
    PROGRAMS_WRITE = "programs:write"
    COURSES_READ = "courses:read"
    COURSES_WRITE = "courses:write"
    OFFERINGS_READ = "course_offerings:read"
    OFFERINGS_WRITE = "course_offerings:write"
    ROSTERS_WRITE = "course_offerings:roster_write"

    STUDENTS_READ = "students:read"
    STUDENTS_WRITE = "students:write"
    STUDENTS_EXPORT = "students:export"
    STUDENTS_PHOTO = "students:upload_photo"
    FACULTY_READ = "faculty:read"
    FACULTY_WRITE = "faculty:write"
    FACULTY_PHOTO = "faculty:upload_photo"

    ENROLLMENTS_READ = "enrollments:read"
    ENROLLMENTS_WRITE = "enrollments:write"
    ATTENDANCE_READ = "attendance:read"
    ATTENDANCE_WRITE = "attendance:write"
    ATTENDANCE_REPORT = "attendance:report"
    ASSESSMENTS_READ = "assessments:read"
    ASSESSMENTS_WRITE = "assessments:write"
    ASSESSMENTS_DELETE = "assessments:delete"
    GRADES_READ = "grades:read"
    GRADES_WRITE = "grades:write"
    GRADES_PUBLISH = "grades:publish"

    FEES_READ = "fees:read"
    FEES_WRITE = "fees:write"
    FEES_REPORT = "fees:report"

    LIBRARY_READ = "library:read"
    LIBRARY_WRITE = "library:write"
    LIBRARY_CIRCULATE = "library:circulate"  # issue, return, pay-fine
    LIBRARY_RENEW = "library:renew"  # the borrower's own loans, or staff

    HOSTELS_READ = "hostels:read"
    HOSTELS_WRITE = "hostels:write"
    EXAMS_READ = "exams:read"
    EXAMS_WRITE = "exams:write"
    TIMETABLE_READ = "timetable:read"
    TIMETABLE_WRITE = "timetable:write"

    NOTIFICATIONS_INBOX = "notifications:inbox"
    NOTIFICATIONS_SEND = "notifications:send"
    NOTIFICATIONS_MANAGE = "notifications:manage"  # the global list, delete

    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_UPLOAD = "documents:upload"
    DOCUMENTS_MANAGE = "documents:manage"  # every document, delete, upload for others

    # The caller's own calendar feed URL (classes and exams), and rotating its secret.
    CALENDARS_FEED = "calendars:feed"

    REPORTS_READ = "reports:read"
    REPORT_JOBS_ALL = "reports:all_jobs"  # every user's report files (else only one's own)
    ANALYTICS_READ = "analytics:read"

    ADMIN_PANEL = "admin_panel:access"

    # Bulk imports (issue 15): what a role may then import is the write permission of
    # each kind (a faculty member's is grades, for offerings they teach).
    IMPORTS_RUN = "imports:run"

    # Without it, reads of person-bound records are scoped to the actor's own students
    # (a student's own id, a parent's children).
    RECORDS_ALL = "records:all"


_P = Permission

# What every signed-in role may read: the catalogue, plus its own records (scoped in services).
_COMMON_READ = frozenset(
    {
        _P.AUTH_SESSION,
        _P.DEPARTMENTS_READ,
        _P.PROGRAMS_READ,
        _P.COURSES_READ,
        _P.OFFERINGS_READ,
        _P.STUDENTS_READ,
        _P.FACULTY_READ,
        _P.ENROLLMENTS_READ,
        _P.ATTENDANCE_READ,
        _P.ASSESSMENTS_READ,
        _P.GRADES_READ,
        _P.LIBRARY_READ,
        _P.LIBRARY_RENEW,
        _P.HOSTELS_READ,
        _P.EXAMS_READ,
        _P.TIMETABLE_READ,
        _P.NOTIFICATIONS_INBOX,
        _P.DOCUMENTS_READ,
        _P.DOCUMENTS_UPLOAD,
    }
)

_STAFF = frozenset(Permission) - {_P.STAFF_MANAGE, _P.AUDIT_READ, _P.REPORT_JOBS_ALL}

ROLE_PERMISSIONS: dict[UserType, frozenset[Permission]] = {
    UserType.ADMIN: frozenset(Permission),
    UserType.STAFF: _STAFF,
    UserType.FACULTY: _COMMON_READ
    | {
        _P.FACULTY_PHOTO,
        _P.ATTENDANCE_WRITE,
        _P.ATTENDANCE_REPORT,
        _P.ASSESSMENTS_WRITE,
        _P.GRADES_WRITE,
        _P.CALENDARS_FEED,

        _P.IMPORTS_RUN,
        # No RECORDS_ALL: a faculty member sees only the students they teach (notes §3.11).
        # Read-only lists of their own offerings and students (admin_views.base.Access.SCOPED).
        _P.ADMIN_PANEL,
    },
    UserType.STUDENT: _COMMON_READ | {_P.STUDENTS_PHOTO, _P.FEES_READ, _P.CALENDARS_FEED},
    # Read-only (notes §3.10): a parent neither borrows books nor files documents.
    UserType.PARENT: (_COMMON_READ - {_P.LIBRARY_RENEW, _P.DOCUMENTS_UPLOAD}) | {_P.FEES_READ},
}


def permissions_of(role: UserType | str) -> frozenset[Permission]:
    """An unknown role has no permissions (and so gets 403, never a 500)."""
    try:
        return ROLE_PERMISSIONS[UserType(role)]
    except ValueError:
        return frozenset()
