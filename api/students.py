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
    student_status: Annotated[PersonStatus | None, Query(description="Students in this status")] = None,
    department_id: Annotated[IdFilter, Query(description="Students of this department (its id)")] = None,
    program_id: Annotated[IdFilter, Query(description="Students of this program (its id)")] = None,
    batch_year: Annotated[int | None, Query(
        ge=1900, le=2200, description="Students admitted in this year")] = None,
    semester: Annotated[int | None, Query(
        ge=1, le=20, description="Students now in this semester")] = None,
    category: Annotated[Category | None, Query(
        description="Students of this admission category")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the student code or admission number, any case")] = None,
) -> Any:
    """List students

    The students the caller may see: all of them for admin and staff, those a faculty member
    teaches, a student themselves, a parent their children. Ordered by id; the filters combine.
    Reads only."""
    return await service.list_students(
        actor, page=page, status=student_status, department_id=department_id, program_id=program_id,
        batch_year=batch_year, semester=semester, category=category, search=search,
    )


@router.post(
    "", status_code=201, response_model=StudentRegisterOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def create_student(actor: CurrentActor, body: StudentCreate) -> Any:
    """Create a student

    The user account and the student row in one transaction: either both exist afterwards or
    neither does. The program and department are named by code (404 when unknown) and must agree
    (400). A duplicate email, user name, student code or admission number is a 409. Audited."""
    return await service.create_student(actor, data=body)


@router.get(
    "/search", response_model=list[StudentSearchResult],
    responses=error_responses(400), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def search_students(
    actor: CurrentActor,
    q: Annotated[str, Query(
        min_length=1, max_length=100, description="Part of a name, email, student code or admission number, any case")],
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many results (1-100)")] = 20,
) -> Any:
    """Search students

    Name, email, student code or admission number, case-insensitive, among the students the
    caller may see; ordered by id, at most `limit`. Reads only."""
    return await service.search_students(actor, q=q, limit=limit)


@router.get(
    "/export", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(400),
    openapi_extra=requires(Permission.STUDENTS_EXPORT),
)
async def export_students(
    actor: CurrentActor,
    format: Annotated[str, Query(max_length=10, description="The file type: csv or xlsx")] = "csv",
    student_status: Annotated[PersonStatus | None, Query(description="Students in this status")] = None,
    batch_year: Annotated[int | None, Query(
        ge=1900, le=2200, description="Students admitted in this year")] = None,
    department_id: Annotated[IdFilter, Query(description="Students of this department (its id)")] = None,
    program_id: Annotated[IdFilter, Query(description="Students of this program (its id)")] = None,
) -> StreamingResponse:
    """Export students as CSV or XLSX

    The filtered students as an attachment (`students_export.csv` or `.xlsx`), streamed. A cell
    that a spreadsheet would run as a formula is prefixed with `'`. Reads only."""
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
    """Get a student

    A student outside the caller's scope (see List students) is a 404, whether or not it exists.
    Reads only."""
    return await service.get_student(actor, student_id=student_id)


@router.get(
    "/{student_id}/profile", response_model=StudentProfileOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def get_student_profile(actor: CurrentActor, student_id: StudentId) -> Any:
    """Get a student's profile

    The student with their whole account (contact details) and their program's and department's
    names; the same scope as Get a student. Reads only."""
    return await service.get_student_profile(actor, student_id=student_id)


@router.put(
    "/{student_id}", response_model=StudentOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def update_student(actor: CurrentActor, student_id: StudentId, body: StudentUpdate) -> Any:
    """Update a student

    Changes only the fields sent, of the student and of their account. Codes stay unique (409); a
    new program brings its department along unless one is given, and the two must agree (400).
    Audited."""
    return await service.update_student(actor, student_id=student_id, changes=body)


@router.delete(
    "/{student_id}", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_WRITE),
)
async def delete_student(actor: CurrentActor, student_id: StudentId) -> Response:
    """Deactivate a student

    Nothing is deleted: the student becomes inactive and their account can no longer sign in;
    history stays attached. Audited."""
    await service.deactivate_student(actor, student_id=student_id)
    return Response(status_code=204)


@router.get(
    "/{student_id}/enrollments", response_model=StudentEnrollmentsOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_enrollments(actor: CurrentActor, student_id: StudentId) -> Any:
    """List a student's program enrollments

    The same scope as Get a student. Reads only."""
    return await service.student_enrollments(actor, student_id=student_id)


@router.get(
    "/{student_id}/attendance", response_model=StudentAttendanceOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_attendance(actor: CurrentActor, student_id: StudentId) -> Any:
    """List a student's attendance

    Every attendance record, newest first; the same scope as Get a student. Reads only."""
    return await service.student_attendance(actor, student_id=student_id)


@router.get(
    "/{student_id}/grades", response_model=StudentGradesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_grades(actor: CurrentActor, student_id: StudentId) -> Any:
    """List a student's marks

    Marks in every assessment, found through the student's enrollments; the same scope as Get a
    student. Reads only."""
    return await service.student_grades(actor, student_id=student_id)


@router.get(
    "/{student_id}/fees", response_model=StudentFeesOut,
    responses=error_responses(404), openapi_extra=requires(Permission.FEES_READ),
)
async def student_fees(actor: CurrentActor, student_id: StudentId) -> Any:
    """List a student's fee payments

    Newest first. A student reads their own, a parent their children's; faculty do not read fees.
    Reads only."""
    return await service.student_fees(actor, student_id=student_id)


@router.get(
    "/{student_id}/documents", response_model=StudentDocumentsOut,
    responses=error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_documents(actor: CurrentActor, student_id: StudentId) -> Any:
    """List a student's documents

    Documents owned by the student's account, newest first. Staff, the student and their parents
    see all of them; faculty only public and internal ones. Reads only."""
    return await service.student_documents(actor, student_id=student_id)


@router.post(
    "/{student_id}/upload-photo", status_code=202, response_model=PhotoUploadOut,
    responses=error_responses(400, 404, 413),
    openapi_extra=requires(Permission.STUDENTS_PHOTO) | multipart_body(),
)
async def upload_student_photo(actor: CurrentActor, student_id: StudentId, upload: PhotoUpload) -> Any:
    """Upload a student's photo

    A JPEG, PNG or WebP of at most 5 MB (multipart field `file`) replaces the current photo; the old
    file is removed once the change has committed. Staff for anyone; a student for themselves
    (anyone else's id is a 404)."""
    return await service.upload_student_photo(actor, student_id=student_id, upload=upload)


@router.get(
    "/{student_id}/photo", response_class=StreamingResponse,
    responses=PHOTO_RESPONSES | error_responses(404), openapi_extra=requires(Permission.STUDENTS_READ),
)
async def student_photo(actor: CurrentActor, student_id: StudentId) -> StreamingResponse:
    """Download a student's photo

    The image itself; 404 when there is none or the student is outside the caller's scope. Reads
    only."""
    photo = await service.student_photo(actor, student_id=student_id)
    return StreamingResponse(photo.body, media_type=photo.media_type, headers={
        "Content-Length": str(photo.size), "Cache-Control": "private, no-cache", "Content-Disposition": "inline",
    })
