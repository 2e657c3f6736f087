"""/api/v1/report-jobs: the status and the file of the report files asked for with
`POST /api/v1/reports/{name}/jobs` (domain.md §3.17, notes §3.14)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, requires
from api.documents import content_disposition
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.reports import ReportJobOut
from dashboard.services import reports as service

router = ResourceRouter(prefix="/report-jobs", tags=["Reports"], responses=error_responses(401, 403, 422))

JobId = Annotated[str, Path(min_length=1, max_length=64,
                            description="The report job's id (from POST /reports/{name}/jobs)")]
_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The report file (XLSX, CSV or PDF)",
          "content": {media: {"schema": {"type": "string", "format": "binary"}}
                      for media in service.MEDIA_TYPES.values()}},
}


@router.get("", response_model=list[ReportJobOut], openapi_extra=requires(Permission.REPORTS_READ))
async def list_report_jobs(
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many jobs (1-100)")] = 20,
) -> Any:
    """My report jobs

    The caller's own report jobs, newest first. Reads only."""
    return await service.list_report_jobs(actor, limit=limit)


@router.get("/{job_id}", response_model=ReportJobOut, responses=error_responses(404),
            openapi_extra=requires(Permission.REPORTS_READ))
async def get_report_job(actor: CurrentActor, job_id: JobId) -> Any:
    """Report job status

    `queued`, `running` (with `progress`, a percentage), `done` (the file can be downloaded until
    `expires_at`), `failed` (with `error`, the reason) or `expired` (the file was removed). Only
    the user who asked for it, or an admin; anyone else gets 404. Reads only."""
    return await service.get_report_job(actor, job_id=job_id)


@router.get("/{job_id}/file", response_class=StreamingResponse, responses=_FILE_RESPONSES | error_responses(404),
            openapi_extra=requires(Permission.REPORTS_READ))
async def download_report_file(actor: CurrentActor, job_id: JobId) -> StreamingResponse:
    """Download a report file

    The finished file as an attachment, streamed. Only the user who asked for it, or an admin;
    anyone else gets 404, as does a job that is not done yet or whose file has expired.
    Reads only."""
    file = await service.open_report_file(actor, job_id=job_id)
    return StreamingResponse(file.body, media_type=file.media_type, headers={
        "Content-Length": str(file.size), "Content-Disposition": content_disposition(file.file_name),
        "Cache-Control": "private, no-store",
    })
