"""/api/v1/students"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, PageParams, requires
from api.people import PHOTO_RESPONSES, IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from api.uploads import PhotoUpload, multipart_body
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.students import (
    PhotoUploadOut,
    StudentAttendanceOut,
    StudentCreate,
    StudentDocumentsOut,
    StudentEnrollmentsOut,
    StudentFeesOut,
    StudentGradesOut,
    StudentOut,
    StudentProfileOut,
    StudentRegisterOut,
    StudentSearchResult,
    StudentUpdate,
)
from dashboard.services import students as service
from models.enums import Category, PersonStatus

router = ResourceRouter(prefix="/students", tags=["Students"], responses=error_responses(401, 403, 422))

StudentId = Annotated[int, Path(ge=1, le=MAX_INT)]

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
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
) -> Any:
    return await service.list_students(
        actor, page=page, status=student_status, department_id=department_id, program_id=program_id,
        batch_year=batch_year, semester=semester, category=category, search=search,
    )


@router.post(
    "", status_code=201, response_model=StudentRegisterOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def create_student(actor: CurrentActor, body: StudentCreate) -> Any:
    return await service.create_student(actor, data=body)


@router.get(
    "/search", response_model=list[StudentSearchResult],
    responses=error_responses(400), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def search_students(
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Name, email, student ID or admission number")],
    limit: Annotated[int, Query(ge=1, le=100, description="Max results (1-100)")] = 20,
) -> Any:
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
async def get_student(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.get_student(actor, student_id=student_id)


@router.get(
    "/{student_id}/profile", response_model=StudentProfileOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def get_student_profile(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.get_student_profile(actor, student_id=student_id)


@router.put(
    "/{student_id}", response_model=StudentOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def update_student(actor: CurrentActor, student_id: StudentId, body: StudentUpdate) -> Any:
    return await service.update_student(actor, student_id=student_id, changes=body)


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
async def student_enrollments(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.student_enrollments(actor, student_id=student_id)


@router.get(
    "/{student_id}/attendance", response_model=StudentAttendanceOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_attendance(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.student_attendance(actor, student_id=student_id)


@router.get(
    "/{student_id}/grades", response_model=StudentGradesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_grades(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.student_grades(actor, student_id=student_id)


@router.get(
    "/{student_id}/fees", response_model=StudentFeesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FEES_READ),
)
async def student_fees(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.student_fees(actor, student_id=student_id)


@router.get(
    "/{student_id}/documents", response_model=StudentDocumentsOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_documents(actor: CurrentActor, student_id: StudentId) -> Any:
    return await service.student_documents(actor, student_id=student_id)


@router.post(
    "/{student_id}/upload-photo", status_code=202, response_model=PhotoUploadOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.STUDENTS_PHOTO) | multipart_body(),
)
async def upload_student_photo(actor: CurrentActor, student_id: StudentId, upload: PhotoUpload) -> Any:
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
