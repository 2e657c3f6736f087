"""Panel screen for assessments: a faculty member's offerings' assessments (staff: any
offering's), with a form to add one. Writes go through the assessments service, so the
weightage and teaching rules are the API's."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from admin_views.enrollments import actor_of, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.assessments import AssessmentCreate
from dashboard.services import assessments as service
from dashboard.services.enrollments import offerings_for_teaching
from models.enums import AssessmentType

# Its place in the menu (admin_views.registry).
MENU_ORDER = 230
router = APIRouter(dependencies=[Depends(require_admin_session)])


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item("assessments", "Assessments", "ti ti-file-certificate")] if actor.can(
        Permission.ASSESSMENTS_WRITE) else []


@router.get("/assessments/list", include_in_schema=False)
async def assessments_page(request: Request) -> Response:
    actor = actor_of(request, Permission.ASSESSMENTS_WRITE)
    offerings = await offerings_for_teaching(actor)
    offering_id = int_arg(request.query_params.get("offering_id"))
    if offering_id is None and offerings:
        offering_id = offerings[0]["id"]
    page = None
    if offering_id is not None:
        page = await service.list_assessments(actor, page=PageRequest(page=1, page_size=100),
                                              course_offering_id=offering_id)
    total_weight = sum(float(a["weightage"]) for a in page.items) if page else 0
    return render(request, "assessments/list.html", "assessments", "Assessments", offerings=offerings,
                  offering_id=offering_id, assessments=page.items if page else [], total_weight=total_weight,
                  types=[t.value for t in AssessmentType], error=request.query_params.get("error"),
                  notice=request.query_params.get("notice"))


@router.post("/assessments/create", include_in_schema=False)
async def assessments_create(request: Request) -> Response:
    actor = actor_of(request, Permission.ASSESSMENTS_WRITE)
    form = await request.form()
    offering_id = int_arg(form.get("course_offering_id"))
    base = request.app.admin_path + "/assessments/list?"
    try:
        data = AssessmentCreate(course_offering_id=offering_id or 0, name=str(form.get("name") or ""),
                                assessment_type=form.get("assessment_type"), max_marks=form.get("max_marks"),
                                weightage=form.get("weightage"), date=form.get("date"),
                                description=str(form.get("description") or "") or None)
    except ValidationError as exc:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors()}))
        return see_other(base + urlencode({"offering_id": offering_id or "", "error": f"Check: {fields}"}))
    try:
        created = await service.create_assessment(actor, data=data)
    except DomainError as exc:
        return see_other(base + urlencode({"offering_id": offering_id, "error": exc.message}))
    return see_other(base + urlencode({"offering_id": offering_id, "notice": f"Added {created.name}"}))
