"""Every enumeration of the domain, stored and serialised as its lowercase value."""

from enum import StrEnum


class UserType(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    STUDENT = "student"
    FACULTY = "faculty"
    PARENT = "parent"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class PersonStatus(StrEnum):
    """Status of a student or an admin staff member."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"
    SUSPENDED = "suspended"
    GRADUATED = "graduated"
    DROPPED = "dropped"
    TRANSFERRED = "transferred"


class FacultyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    RETIRED = "retired"
    TERMINATED = "terminated"


class EmploymentType(StrEnum):
    PERMANENT = "permanent"
    CONTRACT = "contract"
    VISITING = "visiting"
    PARTTIME = "parttime"


class AdminStaffRole(StrEnum):
    SUPER_ADMIN = "super_admin"
    REGISTRAR = "registrar"
    ACCOUNTANT = "accountant"
    LIBRARIAN = "librarian"
    WARDEN = "warden"
    STAFF = "staff"


class Category(StrEnum):
    GENERAL = "general"
    OBC = "obc"
    SC = "sc"
    ST = "st"
    EWS = "ews"
    OTHER = "other"


class DegreeType(StrEnum):
    BACHELORS = "bachelors"
    MASTERS = "masters"
    PHD = "phd"
    DIPLOMA = "diploma"
    CERTIFICATE = "certificate"


class CourseType(StrEnum):
    CORE = "core"
    ELECTIVE = "elective"
    MANDATORY = "mandatory"
    OPTIONAL = "optional"


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"
    PROFESSIONAL = "professional"


class OfferingStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EnrollmentStatus(StrEnum):
    """Status of a student's enrollment in a program."""

    ENROLLED = "enrolled"
    DROPPED = "dropped"
    COMPLETED = "completed"
    FAILED = "failed"


class RegistrationStatus(StrEnum):
    """Status of an enrollment's registration in one course offering."""

    REGISTERED = "registered"
    DROPPED = "dropped"
    COMPLETED = "completed"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    EXCUSED = "excused"


class AssessmentType(StrEnum):
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"
    MIDTERM = "midterm"
    FINAL = "final"
    PROJECT = "project"
    PRESENTATION = "presentation"


class ResultStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a result, not a password
    FAIL = "fail"
    PROMOTED = "promoted"
    DETAINED = "detained"


class ExamType(StrEnum):
    MIDTERM = "midterm"
    FINAL = "final"
    SUPPLEMENTARY = "supplementary"
    IMPROVEMENT = "improvement"


class ExamStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SlotType(StrEnum):
    LECTURE = "lecture"
    LAB = "lab"
    TUTORIAL = "tutorial"
    BREAK = "break"


class PaymentMode(StrEnum):
    CASH = "cash"
    CARD = "card"
    UPI = "upi"
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    ONLINE = "online"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"


class BookIssueStatus(StrEnum):
    ISSUED = "issued"
    RETURNED = "returned"
    OVERDUE = "overdue"
    LOST = "lost"


class HostelType(StrEnum):
    BOYS = "boys"
    GIRLS = "girls"
    UNISEX = "unisex"


class HostelRoomType(StrEnum):
    SINGLE = "single"
    DOUBLE = "double"
    TRIPLE = "triple"
    QUAD = "quad"


class HostelRoomStatus(StrEnum):
    AVAILABLE = "available"
    OCCUPIED = "occupied"
    MAINTENANCE = "maintenance"
    RESERVED = "reserved"


class HostelAllocationStatus(StrEnum):
    ACTIVE = "active"
    VACATED = "vacated"
    TRANSFERRED = "transferred"


class NotificationType(StrEnum):
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"
    ANNOUNCEMENT = "announcement"


class TargetAudience(StrEnum):
    ALL = "all"
    STUDENTS = "students"
    FACULTY = "faculty"
    STAFF = "staff"
    SPECIFIC = "specific"


class PriorityLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class NotificationStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENT = "sent"
    FAILED = "failed"


class DocumentType(StrEnum):
    CERTIFICATE = "certificate"
    TRANSCRIPT = "transcript"
    ID_CARD = "id_card"
    REPORT = "report"
    OTHER = "other"


class AccessLevel(StrEnum):
    PRIVATE = "private"
    INTERNAL = "internal"
    PUBLIC = "public"


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"
