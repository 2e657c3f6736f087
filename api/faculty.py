"""/api/v1/faculty"""

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
from dashboard.schemas.course_offerings import ClassScheduleEntry
from dashboard.schemas.faculty import (
    FacultyCourseOut,
    FacultyCreate,
    FacultyOut,
    FacultyPhotoOut,
    FacultyStudentOut,
    FacultyUpdate,
)
from dashboard.schemas.fields import MAX_INT
from dashboard.services import faculty as service
from models.enums import EmploymentType, FacultyStatus

router = ResourceRouter(prefix="/faculty", tags=["Faculty"], responses=error_responses(401, 403, 422))

FacultyId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[FacultyOut], openapi_extra=requires(Permission.FACULTY_READ))
async def list_faculty(
    actor: CurrentActor,
    page: PageParams,
    faculty_status: Annotated[FacultyStatus | None, Query(description="Filter by status")] = None,
    department_id: IdFilter = None,
    employment_type: EmploymentType | None = None,
    is_hod: Annotated[bool | None, Query(description="Filter by HOD status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Employee ID or designation")] = None,
) -> Any:
    return await service.list_faculty(
        actor, page=page, status=faculty_status, department_id=department_id, employment_type=employment_type,
        is_hod=is_hod, search=search,
    )


@router.post(
    "", status_code=201, response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def create_faculty(actor: CurrentActor, body: FacultyCreate) -> Any:
    return await service.create_faculty(actor, data=body)


@router.get(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def get_faculty(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    return await service.get_faculty(actor, faculty_id=faculty_id)


@router.put(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def update_faculty(actor: CurrentActor, faculty_id: FacultyId, body: FacultyUpdate) -> Any:
    return await service.update_faculty(actor, faculty_id=faculty_id, changes=body)


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
async def faculty_courses(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    return await service.faculty_courses(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/schedule", response_model=list[ClassScheduleEntry],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_schedule(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    return await service.faculty_schedule(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/students", response_model=list[FacultyStudentOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_students(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    return await service.faculty_students(actor, faculty_id=faculty_id)


@router.post(
    "/{faculty_id}/upload-photo", status_code=202, response_model=FacultyPhotoOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.FACULTY_PHOTO) | multipart_body(),
)
async def upload_faculty_photo(actor: CurrentActor, faculty_id: FacultyId, upload: PhotoUpload) -> Any:
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
