"""/api/v1/faculty"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import EmailStr, Field

from api.deps import CurrentActor, PageParams, requires
from api.people import (
    PHOTO_RESPONSES,
    Code,
    ContactFields,
    IdFilter,
    Name,
    Password,
    RefId,
    UserName,
)
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.base import OutputModel, PageOut
from api.uploads import PhotoUpload, multipart_body
from dashboard.core.roles import Permission
from dashboard.services import faculty as service
from models.enums import EmploymentType, FacultyStatus, OfferingStatus, PersonStatus, SlotType

router = ResourceRouter(prefix="/faculty", tags=["Faculty"], responses=error_responses(401, 403, 422))

FacultyId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Designation = Annotated[str, Field(min_length=2, max_length=100)]
Long = Annotated[str, Field(max_length=255)]
Experience = Annotated[int, Field(ge=0, le=80)]


class FacultyCreate(ContactFields):
    email: EmailStr
    user_name: UserName
    password: Password
    first_name: Name
    last_name: Name
    employee_id: Code
    department_code: Code
    designation: Designation
    employment_type: EmploymentType
    specialization: Long | None = None
    qualification: Long | None = None
    date_of_joining: dt.date | None = None
    experience_years: Experience | None = None
    is_hod: bool = False
    status: FacultyStatus = FacultyStatus.ACTIVE


class FacultyUpdate(ContactFields):
    """Every field optional; only those sent change. The employee id is permanent."""

    email: EmailStr | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    designation: Designation | None = None
    specialization: Long | None = None
    qualification: Long | None = None
    date_of_joining: dt.date | None = None
    employment_type: EmploymentType | None = None
    experience_years: Experience | None = None
    department_id: RefId | None = None
    is_hod: bool | None = None
    status: FacultyStatus | None = None


class FacultyOut(OutputModel):
    id: int
    user_id: int
    employee_id: str
    department_id: int
    designation: str
    specialization: str | None
    qualification: str | None
    date_of_joining: dt.date | None
    employment_type: EmploymentType
    experience_years: int | None
    is_hod: bool
    status: FacultyStatus
    first_name: str
    middle_name: str | None
    last_name: str
    email: str
    user_name: str
    phone: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class FacultyCourseOut(OutputModel):
    offering_id: int
    course_id: int
    course_name: str
    course_code: str
    credits: int
    program_id: int
    semester: int
    academic_year: str
    section: str | None
    status: OfferingStatus


class FacultyScheduleOut(OutputModel):
    id: int
    course_offering_id: int
    course_name: str
    course_code: str
    section: str | None
    day_of_week: int
    start_time: dt.time
    end_time: dt.time
    slot_type: SlotType
    room_no: str


class FacultyStudentOut(OutputModel):
    student_id: int
    user_id: int
    student_code: str
    first_name: str
    last_name: str
    email: str
    program_id: int
    department_id: int
    semester: int
    batch_year: int
    status: PersonStatus


class FacultyPhotoOut(OutputModel):
    faculty_id: int
    user_id: int
    message: str


@router.get("", response_model=PageOut[FacultyOut], openapi_extra=requires(Permission.FACULTY_READ))
async def list_faculty(
    actor: CurrentActor,
    page: PageParams,
    faculty_status: Annotated[FacultyStatus | None, Query(description="Filter by status")] = None,
    department_id: IdFilter = None,
    employment_type: EmploymentType | None = None,
    is_hod: Annotated[bool | None, Query(description="Filter by HOD status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Employee ID or designation")] = None,
) -> PageOut[FacultyOut]:
    result = await service.list_faculty(
        actor, page=page, status=faculty_status, department_id=department_id, employment_type=employment_type,
        is_hod=is_hod, search=search,
    )
    return PageOut[FacultyOut].of(result)


@router.post(
    "", status_code=201, response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def create_faculty(actor: CurrentActor, body: FacultyCreate) -> dict:
    return await service.create_faculty(actor, data=body.model_dump())


@router.get(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def get_faculty(actor: CurrentActor, faculty_id: FacultyId) -> dict:
    return await service.get_faculty(actor, faculty_id=faculty_id)


@router.put(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def update_faculty(actor: CurrentActor, faculty_id: FacultyId, body: FacultyUpdate) -> dict:
    return await service.update_faculty(actor, faculty_id=faculty_id, changes=body.model_dump(exclude_unset=True))


@router.delete(
    "/{faculty_id}", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def delete_faculty(actor: CurrentActor, faculty_id: FacultyId) -> Response:
    await service.deactivate_faculty(actor, faculty_id=faculty_id)
    return Response(status_code=204)


@router.get(
    "/{faculty_id}/courses", response_model=list[FacultyCourseOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_courses(actor: CurrentActor, faculty_id: FacultyId) -> list[dict]:
    return await service.faculty_courses(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/schedule", response_model=list[FacultyScheduleOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_schedule(actor: CurrentActor, faculty_id: FacultyId) -> list[dict]:
    return await service.faculty_schedule(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/students", response_model=list[FacultyStudentOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_students(actor: CurrentActor, faculty_id: FacultyId) -> list[dict]:
    return await service.faculty_students(actor, faculty_id=faculty_id)


@router.post(
    "/{faculty_id}/upload-photo", status_code=202, response_model=FacultyPhotoOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.FACULTY_PHOTO) | multipart_body(),
)
async def upload_faculty_photo(actor: CurrentActor, faculty_id: FacultyId, upload: PhotoUpload) -> dict:
    return await service.upload_faculty_photo(actor, faculty_id=faculty_id, upload=upload)


@router.get(
    "/{faculty_id}/photo", response_class=StreamingResponse,
    responses=PHOTO_RESPONSES | error_responses(404),
    openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_photo(actor: CurrentActor, faculty_id: FacultyId) -> StreamingResponse:
    photo = await service.faculty_photo(actor, faculty_id=faculty_id)
    return StreamingResponse(photo.body, media_type=photo.media_type, headers={
        "Content-Length": str(photo.size), "Cache-Control": "private, no-cache", "Content-Disposition": "inline",
    })
