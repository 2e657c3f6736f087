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
    faculty_status: Annotated[FacultyStatus | None, Query(
        description="Faculty members in this status")] = None,
    department_id: Annotated[IdFilter, Query(description="Members of this department (its id)")] = None,
    employment_type: Annotated[EmploymentType | None, Query(
        description="Members employed this way")] = None,
    is_hod: Annotated[bool | None, Query(
        description="Heads of department (true) or the others (false)")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the employee id or designation, any case")] = None,
) -> Any:
    """List faculty members

    Faculty records are part of the catalogue: every signed-in role reads them all. Ordered by id;
    the filters combine. Reads only."""
    return await service.list_faculty(
        actor, page=page, status=faculty_status, department_id=department_id, employment_type=employment_type,
        is_hod=is_hod, search=search,
    )


@router.post(
    "", status_code=201, response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def create_faculty(actor: CurrentActor, body: FacultyCreate) -> Any:
    """Create a faculty member

    The user account (type faculty) and the faculty row in one transaction. The department is
    named by code (404 when unknown). With `is_hod` the member becomes their department's head.
    A duplicate email, user name or employee id is a 409. Audited."""
    return await service.create_faculty(actor, data=body)


@router.get(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def get_faculty(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    """Get a faculty member

    One faculty member by id; 404 when there is none. Reads only."""
    return await service.get_faculty(actor, faculty_id=faculty_id)


@router.put(
    "/{faculty_id}", response_model=FacultyOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def update_faculty(actor: CurrentActor, faculty_id: FacultyId, body: FacultyUpdate) -> Any:
    """Update a faculty member

    Changes only the fields sent. Moving to another department ends a headship; `is_hod` true makes
    the member head of their (new) department, false ends it. Audited."""
    return await service.update_faculty(actor, faculty_id=faculty_id, changes=body)


@router.delete(
    "/{faculty_id}", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_WRITE),
)
async def delete_faculty(actor: CurrentActor, faculty_id: FacultyId) -> Response:
    """Deactivate a faculty member

    Nothing is deleted: the member becomes inactive, is no longer head of anything, and their
    account cannot sign in. Teaching history (offerings, marks given) stays. Audited."""
    await service.deactivate_faculty(actor, faculty_id=faculty_id)
    return Response(status_code=204)


@router.get(
    "/{faculty_id}/courses", response_model=list[FacultyCourseOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_courses(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    """List the offerings a faculty member teaches

    Each with its course, ordered by offering id. Reads only."""
    return await service.faculty_courses(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/schedule", response_model=list[ClassScheduleEntry],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_schedule(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    """A faculty member's weekly classes

    The active classes of the offerings they teach, by day and start time, in the same shape as
    an offering's schedule. Reads only."""
    return await service.faculty_schedule(actor, faculty_id=faculty_id)


@router.get(
    "/{faculty_id}/students", response_model=list[FacultyStudentOut],
    responses=error_responses(404), openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_students(actor: CurrentActor, faculty_id: FacultyId) -> Any:
    """List the students a faculty member teaches

    Each once, by id, of those the caller may see: a faculty member reading a colleague's list sees
    only the students both teach; a student or parent only their own record. Reads only."""
    return await service.faculty_students(actor, faculty_id=faculty_id)


@router.post(
    "/{faculty_id}/upload-photo", status_code=202, response_model=FacultyPhotoOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.FACULTY_PHOTO) | multipart_body(),
)
async def upload_faculty_photo(actor: CurrentActor, faculty_id: FacultyId, upload: PhotoUpload) -> Any:
    """Upload a faculty member's photo

    A JPEG, PNG or WebP of at most 5 MB (multipart field `file`) replaces the current photo; the old
    file is removed once the change has committed. Staff for anyone; a faculty member for
    themselves (a colleague's id is a 404)."""
    return await service.upload_faculty_photo(actor, faculty_id=faculty_id, upload=upload)


@router.get(
    "/{faculty_id}/photo", response_class=StreamingResponse,
    responses=PHOTO_RESPONSES | error_responses(404),
    openapi_extra=requires(Permission.FACULTY_READ),
)
async def faculty_photo(actor: CurrentActor, faculty_id: FacultyId) -> StreamingResponse:
    """Download a faculty member's photo

    The image itself; 404 when there is none. Reads only."""
    photo = await service.faculty_photo(actor, faculty_id=faculty_id)
    return StreamingResponse(photo.body, media_type=photo.media_type, headers={
        "Content-Length": str(photo.size), "Cache-Control": "private, no-cache", "Content-Disposition": "inline",
    })
