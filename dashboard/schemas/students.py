"""Students and their records: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AliasChoices, ConfigDict, EmailStr, Field

from dashboard.schemas.base import OutputModel
from dashboard.schemas.fields import Code, Money, Name, Number, Password, Short, UserName, ref_id
from dashboard.schemas.people import ContactFields
from models.enums import (
    AccessLevel,
    AssessmentType,
    AttendanceStatus,
    Category,
    DocumentType,
    EnrollmentStatus,
    Gender,
    PaymentMode,
    PaymentStatus,
    PersonStatus,
)

Year = Annotated[int, Field(ge=1900, le=2200)]
Semester = Annotated[int, Field(ge=1, le=20)]
ProgramRef = Annotated[int | None, ref_id("The program's id")]
DepartmentRef = Annotated[int | None, ref_id("The department's id")]
ParentRef = Annotated[int | None, ref_id("A parent's id (a parent record, not a user)")]
GuardianRef = Annotated[int | None, ref_id("The guardian: a parent's id (a parent record, not a user)")]


class StudentCreate(ContactFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "asha.rao@example.edu", "user_name": "asha.rao",
        "password": "correct-horse-battery", "first_name": "Asha", "last_name": "Rao",
        "date_of_birth": "2005-04-12", "gender": "female", "phone": "+91 98450 12345",
        "student_code": "CSE2026001", "admission_number": "ADM2026-0001",
        "admission_date": "2026-07-20", "program_code": "BTECH-CSE", "department_code": "CSE",
        "batch_year": 2026, "semester": 1, "section": "A", "category": "general",
    }]})

    email: EmailStr
    user_name: UserName
    password: Password
    first_name: Name
    last_name: Name
    student_code: Code = Field(validation_alias=AliasChoices("student_code", "Student_id"))
    admission_number: Code = Field(validation_alias=AliasChoices("admission_number", "admisson_number"))
    admission_date: dt.date
    program_code: Code
    department_code: Code
    batch_year: Year
    semester: Semester
    section: Annotated[str, Field(max_length=20)] | None = None
    blood_group: Annotated[str, Field(max_length=10)] | None = None
    nationality: Short | None = None
    religion: Short | None = None
    category: Category | None = None
    status: PersonStatus = PersonStatus.ACTIVE
    parent_id: ParentRef = None
    guardian_id: GuardianRef = None


class StudentUpdate(ContactFields):
    """Every field optional; only those sent change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "semester": 2, "section": "B", "phone": "+91 98450 54321",
    }]})

    email: EmailStr | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    student_code: Code | None = None
    admission_number: Code | None = None
    admission_date: dt.date | None = None
    program_id: ProgramRef = None
    department_id: DepartmentRef = None
    batch_year: Year | None = None
    semester: Semester | None = None
    section: Annotated[str, Field(max_length=20)] | None = None
    blood_group: Annotated[str, Field(max_length=10)] | None = None
    nationality: Short | None = None
    religion: Short | None = None
    category: Category | None = None
    status: PersonStatus | None = None
    parent_id: ParentRef = None
    guardian_id: GuardianRef = None




class StudentRegisterOut(OutputModel):
    user_id: int = Field(description="The student's user account id")
    email: str
    user_name: str
    first_name: str
    last_name: str
    id: int
    student_code: str
    admission_number: str
    admission_date: dt.date
    program_id: int = Field(description="The program's id")
    department_id: int = Field(description="The department's id")
    batch_year: int
    semester: int
    status: PersonStatus


class StudentOut(OutputModel):
    id: int
    user_id: int = Field(description="The student's user account id")
    student_code: str
    admission_number: str
    admission_date: dt.date
    program_id: int = Field(description="The program's id")
    department_id: int = Field(description="The department's id")
    batch_year: int
    semester: int
    section: str | None
    blood_group: str | None
    nationality: str | None
    religion: str | None
    category: Category | None
    parent_id: int | None = Field(description="A parent's id (a parent record, not a user)")
    guardian_id: int | None = Field(description="The guardian: a parent's id (a parent record, not a user)")
    hostel_id: int | None = Field(description="The hostel's id")
    status: PersonStatus
    cgpa: Number | None
    first_name: str
    middle_name: str | None
    last_name: str
    email: str
    user_name: str
    phone: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class StudentProfileOut(StudentOut):
    date_of_birth: dt.date | None
    gender: Gender | None
    emergency_contact: str | None
    address: str | None
    city: str | None
    state: str | None
    country: str | None
    postal_code: str | None
    has_photo: bool
    program_name: str
    program_code: str
    department_name: str
    department_code: str


class StudentSearchResult(OutputModel):
    id: int
    user_id: int = Field(description="The student's user account id")
    student_code: str
    admission_number: str
    first_name: str
    last_name: str
    email: str
    program_id: int = Field(description="The program's id")
    department_id: int = Field(description="The department's id")
    batch_year: int
    semester: int
    status: PersonStatus


class EnrollmentItem(OutputModel):
    id: int
    student_id: int = Field(description="The student's id")
    program_id: int = Field(description="The program's id")
    program_name: str
    program_code: str
    enrollment_date: dt.datetime
    status: EnrollmentStatus
    grade: str | None
    grade_point: Number | None
    credits_earned: int
    remarks: str | None
    created_at: dt.datetime
    updated_at: dt.datetime | None


class AttendanceItem(OutputModel):
    id: int
    enrollment_id: int = Field(description="The program enrollment's id")
    student_id: int = Field(description="The student's id")
    course_offering_id: int = Field(description="The course offering's id")
    course_id: int = Field(description="The course's id")
    course_code: str
    course_name: str
    date: dt.date
    status: AttendanceStatus
    marked_by: int | None = Field(description="Who marked it: a user id")
    remarks: str | None
    marked_at: dt.datetime
    updated_at: dt.datetime | None


class GradeItem(OutputModel):
    id: int
    enrollment_id: int = Field(description="The program enrollment's id")
    course_id: int = Field(description="The course's id")
    course_code: str
    course_name: str
    course_offering_id: int = Field(description="The course offering's id")
    assessment_id: int = Field(description="The assessment's id")
    assessment_name: str
    assessment_type: AssessmentType
    max_marks: Number
    weightage: Number
    marks_obtained: Number
    remarks: str | None
    graded_by: int | None = Field(description="Who graded it: a user id")
    graded_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime | None


class FeePaymentItem(OutputModel):
    id: int
    student_id: int = Field(description="The student's id")
    fee_structure_id: int = Field(description="The fee structure's id")
    amount_paid: Money
    payment_date: dt.date
    payment_mode: PaymentMode
    transaction_id: str = Field(description="The payment's transaction reference (not a database id)")
    receipt_number: str
    late_fee: Money
    discount: Money
    payment_status: PaymentStatus
    remarks: str | None
    processed_by: int = Field(description="Who processed it: a staff member's id (admin_staff, not a user)")
    created_at: dt.datetime
    updated_at: dt.datetime | None


class DocumentItem(OutputModel):
    id: int
    title: str
    description: str | None
    document_type: DocumentType
    file_name: str
    file_size: int
    mime_type: str | None
    uploaded_by: int = Field(description="Who uploaded it: a user id")
    owner_user_id: int = Field(description="Whose document it is: a user id")
    is_public: bool
    access_level: AccessLevel | None
    tags: list[Any] | None
    uploaded_at: dt.datetime


class _StudentView(OutputModel):
    student_id: int = Field(description="The student's id")
    user_id: int = Field(description="The student's user account id")


class StudentEnrollmentsOut(_StudentView):
    enrollments: list[EnrollmentItem]


class StudentAttendanceOut(_StudentView):
    attendance: list[AttendanceItem]


class StudentGradesOut(_StudentView):
    grades: list[GradeItem]


class StudentFeesOut(_StudentView):
    fees: list[FeePaymentItem]


class StudentDocumentsOut(_StudentView):
    documents: list[DocumentItem]


class PhotoUploadOut(OutputModel):
    student_id: int = Field(description="The student's id")
    user_id: int = Field(description="The student's user account id")
    message: str
