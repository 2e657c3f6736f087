"""Panel screens for grades: the gradebook (per assessment, the roster with a marks
field each, saved in one submit; per offering, students x assessments with the weighted
percentage and letter) and the publish-results screen (a preview of every student's SGPA
and failures before the member of staff confirms)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from admin_views.enrollments import actor_of, error_status, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.roles import Permission
from dashboard.schemas.grades import PublishRequest
from dashboard.services import grades as service
from dashboard.services.enrollments import offerings_for_teaching

# Its place in the menu (admin_views.registry).
MENU_ORDER = 240
router = APIRouter(dependencies=[Depends(require_admin_session)])


def menu(actor: Actor) -> list[dict[str, str]]:
    items = []
    if actor.can(Permission.GRADES_WRITE):
        items.append(menu_item("gradebook", "Gradebook", "ti ti-notebook"))
    if actor.can(Permission.GRADES_PUBLISH):
        items.append(menu_item("publish_results", "Publish results", "ti ti-certificate"))
    return items


async def _marks_page(request: Request, actor: Actor, assessment_id: int, *, status_code: int = 200,
                      error: str | None = None, notice: str | None = None,
                      entered: dict[int, str] | None = None) -> Response:
    try:
        sheet = await service.marks_sheet(actor, assessment_id=assessment_id)
    except DomainError as exc:
        return render(request, "grades/gradebook.html", "gradebook", "Gradebook", status_code=error_status(exc),
                      error=exc.message, offerings=await offerings_for_teaching(actor), grid=None)
    return render(request, "grades/marks.html", "gradebook", "Marks", status_code=status_code, sheet=sheet,
                  error=error, notice=notice, entered=entered or {})


@router.get("/gradebook/list", include_in_schema=False)
async def gradebook_page(request: Request) -> Response:
    actor = actor_of(request, Permission.GRADES_WRITE)
    query = request.query_params
    assessment_id = int_arg(query.get("assessment_id"))
    if assessment_id is not None:
        return await _marks_page(request, actor, assessment_id, notice=query.get("notice"))
    offerings = await offerings_for_teaching(actor)
    offering_id = int_arg(query.get("offering_id"))
    grid, error, status_code = None, None, 200
    if offering_id is not None:
        try:
            grid = await service.offering_gradebook(actor, offering_id=offering_id)
        except DomainError as exc:
            error, status_code = exc.message, error_status(exc)
    return render(request, "grades/gradebook.html", "gradebook", "Gradebook", status_code=status_code,
                  offerings=offerings, offering_id=offering_id, grid=grid, error=error)


@router.post("/gradebook/list", include_in_schema=False)
async def gradebook_save(request: Request) -> Response:
    actor = actor_of(request, Permission.GRADES_WRITE)
    form = await request.form()
    assessment_id = int_arg(form.get("assessment_id"))
    if assessment_id is None:
        return see_other(request.app.admin_path + "/gradebook/list")
    entered = {int_arg(k.removeprefix("marks-")) or 0: str(v).strip() for k, v in form.multi_items()
               if k.startswith("marks-")}
    marks: dict[int, Decimal] = {}
    bad = []
    for enrollment_id, raw in entered.items():
        if not raw:
            continue
        try:
            value = Decimal(raw)
            if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            bad.append(enrollment_id)
            continue
        marks[enrollment_id] = value
    if bad:
        return await _marks_page(request, actor, assessment_id, status_code=400, entered=entered,
                                 error="Marks are numbers of at least 0 with up to two decimals")
    reason = str(form.get("reason") or "").strip() or None
    try:
        result = await service.save_marks(actor, assessment_id=assessment_id, marks=marks, reason=reason)
    except DomainError as exc:
        return await _marks_page(request, actor, assessment_id, status_code=error_status(exc), entered=entered,
                                 error=exc.message)
    failures = [f"enrollment {r['enrollment_id']}: {r['message']}" for r in result["results"] if not r["success"]]
    saved = sum(1 for r in result["results"] if r["success"])
    if failures:
        return await _marks_page(request, actor, assessment_id, status_code=400, entered=entered,
                                 error="; ".join(failures), notice=f"Saved {saved}")
    return see_other(request.app.admin_path + "/gradebook/list?" + urlencode(
        {"assessment_id": assessment_id, "notice": f"Saved {saved} marks"}))


def _publish_form(request: Request, source: Any) -> tuple[PublishRequest | None, str | None]:
    semester, year = source.get("semester"), str(source.get("academic_year") or "").strip()
    if not semester and not year:
        return None, None
    try:
        return PublishRequest(semester=int_arg(semester, high=20) or 0, academic_year=year), None
    except ValueError:
        return None, 'Give a semester (1-20) and an academic year such as "2025-26"'


@router.get("/publish_results/list", include_in_schema=False)
async def publish_page(request: Request) -> Response:
    actor = actor_of(request, Permission.GRADES_PUBLISH)
    data, error = _publish_form(request, request.query_params)
    preview = None
    if data is not None:
        preview = await service.preview_publish(actor, semester=data.semester, academic_year=data.academic_year)
    return render(request, "grades/publish.html", "publish_results", "Publish results", data=data, error=error,
                  preview=preview, failing=sum(1 for p in preview or [] if p["failures"]),
                  notice=request.query_params.get("notice"))


@router.post("/publish_results/list", include_in_schema=False)
async def publish_confirm(request: Request) -> Response:
    actor = actor_of(request, Permission.GRADES_PUBLISH)
    data, error = _publish_form(request, await request.form())
    if data is None:
        return render(request, "grades/publish.html", "publish_results", "Publish results", status_code=400,
                      data=None, error=error or "Give a semester and an academic year", preview=None, failing=0)
    try:
        result = await service.publish_results(actor, data=data)
    except DomainError as exc:
        return render(request, "grades/publish.html", "publish_results", "Publish results",
                      status_code=error_status(exc), data=data, error=exc.message, preview=None, failing=0)
    return see_other(request.app.admin_path + "/publish_results/list?" + urlencode({
        "semester": data.semester, "academic_year": data.academic_year,
        "notice": f"Published {result['published']} results ({result['failed']} failed)"}))
