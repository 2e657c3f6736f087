"""Panel screen for transcripts: a student's published results as a printable page (the
print stylesheet drops the panel's chrome), from the transcripts service."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from admin_views.enrollments import actor_of, error_status, int_arg, menu_item, render
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.roles import Permission
from dashboard.services import transcripts as service

router = APIRouter(dependencies=[Depends(require_admin_session)])
# Its place in the menu (admin_views.registry).
MENU_ORDER = 250


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item("transcripts", "Transcripts", "ti ti-file-text")] if actor.can(Permission.GRADES_READ) else []


@router.get("/transcripts/list", include_in_schema=False)
async def transcript_page(request: Request) -> Response:
    actor = actor_of(request, Permission.GRADES_READ)
    student_id = int_arg(request.query_params.get("student_id"))
    transcript, error, status_code = None, None, 200
    if student_id is not None:
        try:
            transcript = await service.student_transcript(actor, student_id=student_id)
        except DomainError as exc:
            error, status_code = exc.message, error_status(exc)
    return render(request, "transcripts/transcript.html", "transcripts", "Transcript", status_code=status_code,
                  transcript=transcript, student_id=student_id, error=error)
