"""/api/v1/students"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import AliasChoices, EmailStr, Field

from api.deps import CurrentActor, PageParams, requires
from api.people import (
    MAX_INT,
    PHOTO_RESPONSES,
    Code,
    ContactFields,
    IdFilter,
    Money,
    Name,
    Number,
    Password,
    RefId,
    Short,
    UserName,
)
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.base import OutputModel, PageOut
from api.uploads import PhotoUpload, multipart_body
from dashboard.core.roles import Permission
from dashboard.services import students as service
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

router = ResourceRouter(prefix="/students", tags=["Students"], responses=error_responses(401, 403, 422))

StudentId = Annotated[int, Path(ge=1, le=MAX_INT)]
Year = Annotated[int, Field(ge=1900, le=2200)]
Semester = Annotated[int, Field(ge=1, le=20)]


class StudentCreate(ContactFields):
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
    parent_id: RefId | None = None
    guardian_id: RefId | None = None


class StudentUpdate(ContactFields):
    """Every field optional; only those sent change."""

    email: EmailStr | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    student_code: Code | None = None
    admission_number: Code | None = None
    admission_date: dt.date | None = None
    program_id: RefId | None = None
    department_id: RefId | None = None
    batch_year: Year | None = None
    semester: Semester | None = None
    section: Annotated[str, Field(max_length=20)] | None = None
    blood_group: Annotated[str, Field(max_length=10)] | None = None
    nationality: Short | None = None
    religion: Short | None = None
    category: Category | None = None
    status: PersonStatus | None = None
    parent_id: RefId | None = None
    guardian_id: RefId | None = None


class StudentRegisterOut(OutputModel):
    user_id: int
    email: str
    user_name: str
    first_name: str
    last_name: str
    id: int
    student_code: str
    admission_number: str
    admission_date: dt.date
    program_id: int
    department_id: int
    batch_year: int
    semester: int
    status: PersonStatus


class StudentOut(OutputModel):
    id: int
    user_id: int
    student_code: str
    admission_number: str
    admission_date: dt.date
    program_id: int
    department_id: int
    batch_year: int
    semester: int
    section: str | None
    blood_group: str | None
    nationality: str | None
    religion: str | None
    category: Category | None
    parent_id: int | None
    guardian_id: int | None
    hostel_id: int | None
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
    user_id: int
    student_code: str
    admission_number: str
    first_name: str
    last_name: str
    email: str
    program_id: int
    department_id: int
    batch_year: int
    semester: int
    status: PersonStatus


class EnrollmentItem(OutputModel):
    id: int
    student_id: int
    program_id: int
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
    enrollment_id: int
    student_id: int
    course_offering_id: int
    course_id: int
    course_code: str
    course_name: str
    date: dt.date
    status: AttendanceStatus
    marked_by: int | None
    remarks: str | None
    marked_at: dt.datetime
    updated_at: dt.datetime | None


class GradeItem(OutputModel):
    id: int
    enrollment_id: int
    course_id: int
    course_code: str
    course_name: str
    course_offering_id: int
    assessment_id: int
    assessment_name: str
    assessment_type: AssessmentType
    max_marks: Number
    weightage: Number
    marks_obtained: Number
    remarks: str | None
    graded_by: int | None
    graded_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime | None


class FeePaymentItem(OutputModel):
    id: int
    student_id: int
    fee_structure_id: int
    amount_paid: Money
    payment_date: dt.date
    payment_mode: PaymentMode
    transaction_id: str
    receipt_number: str
    late_fee: Money
    discount: Money
    payment_status: PaymentStatus
    remarks: str | None
    processed_by: int
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
    uploaded_by: int
    owner_user_id: int
    is_public: bool
    access_level: AccessLevel | None
    tags: list[Any] | None
    uploaded_at: dt.datetime


class _StudentView(OutputModel):
    student_id: int
    user_id: int


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
    student_id: int
    user_id: int
    message: str


_FILE_RESPONSES = {
    200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
          "description": "The export as an attachment"},
}


@router.get("", response_model=PageOut[StudentOut], openapi_extra=requires(Permission.STUDENTS_READ))
async def list_students(
    actor: CurrentActor,
    page: PageParams,
    student_status: Annotated[PersonStatus | None, Query(description="Filter by status")] = None,
    department_id: IdFilter = None,
    program_id: IdFilter = None,
    batch_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    semester: Annotated[int | None, Query(ge=1, le=20)] = None,
    category: Category | None = None,
    search: Annotated[str | None, Query(max_length=100, description="Student ID or admission number")] = None,
) -> PageOut[StudentOut]:
    result = await service.list_students(
        actor, page=page, status=student_status, department_id=department_id, program_id=program_id,
        batch_year=batch_year, semester=semester, category=category, search=search,
    )
    return PageOut[StudentOut].of(result)


@router.post(
    "", status_code=201, response_model=StudentRegisterOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def create_student(actor: CurrentActor, body: StudentCreate) -> dict:
    return await service.create_student(actor, data=body.model_dump())


@router.get(
    "/search", response_model=list[StudentSearchResult],
    responses=error_responses(400), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def search_students(
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Name, email, student ID or admission number")],
    limit: Annotated[int, Query(ge=1, le=100, description="Max results (1-100)")] = 20,
) -> list[dict]:
    return await service.search_students(actor, q=q, limit=limit)


@router.get(
    "/export", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(400),
    openapi_extra=requires(Permission.STUDENTS_EXPORT),
)
async def export_students(
    actor: CurrentActor,
    format: Annotated[str, Query(max_length=10, description="csv or xlsx")] = "csv",
    student_status: Annotated[PersonStatus | None, Query(description="Filter by status")] = None,
    batch_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    department_id: IdFilter = None,
    program_id: IdFilter = None,
) -> StreamingResponse:
    result = service.export_students(
        actor, format=format, status=student_status, batch_year=batch_year,
        department_id=department_id, program_id=program_id,
    )
    return StreamingResponse(
        result.body, media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/{student_id}", response_model=StudentOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def get_student(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.get_student(actor, student_id=student_id)


@router.get(
    "/{student_id}/profile", response_model=StudentProfileOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def get_student_profile(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.get_student_profile(actor, student_id=student_id)


@router.put(
    "/{student_id}", response_model=StudentOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def update_student(actor: CurrentActor, student_id: StudentId, body: StudentUpdate) -> dict:
    return await service.update_student(actor, student_id=student_id, changes=body.model_dump(exclude_unset=True))


@router.delete(
    "/{student_id}", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def delete_student(actor: CurrentActor, student_id: StudentId) -> Response:
    await service.deactivate_student(actor, student_id=student_id)
    return Response(status_code=204)


@router.get(
    "/{student_id}/enrollments", response_model=StudentEnrollmentsOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_enrollments(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.student_enrollments(actor, student_id=student_id)


@router.get(
    "/{student_id}/attendance", response_model=StudentAttendanceOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_attendance(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.student_attendance(actor, student_id=student_id)


@router.get(
    "/{student_id}/grades", response_model=StudentGradesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_grades(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.student_grades(actor, student_id=student_id)


@router.get(
    "/{student_id}/fees", response_model=StudentFeesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FEES_READ),
)
async def student_fees(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.student_fees(actor, student_id=student_id)


@router.get(
    "/{student_id}/documents", response_model=StudentDocumentsOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_documents(actor: CurrentActor, student_id: StudentId) -> dict:
    return await service.student_documents(actor, student_id=student_id)


@router.post(
    "/{student_id}/upload-photo", status_code=202, response_model=PhotoUploadOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.STUDENTS_PHOTO) | multipart_body(),
)
async def upload_student_photo(actor: CurrentActor, student_id: StudentId, upload: PhotoUpload) -> dict:
    return await service.upload_student_photo(actor, student_id=student_id, upload=upload)


@router.get(
    "/{student_id}/photo", response_class=StreamingResponse,
    responses=PHOTO_RESPONSES | error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_photo(actor: CurrentActor, student_id: StudentId) -> StreamingResponse:
    photo = await service.student_photo(actor, student_id=student_id)
    return StreamingResponse(photo.body, media_type=photo.media_type, headers={
        "Content-Length": str(photo.size), "Cache-Control": "private, no-cache", "Content-Disposition": "inline",
    })
