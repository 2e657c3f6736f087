"""Panel screens for enrollments (staff): the list with filters, enroll, drop. Also the
helpers the teaching screens (attendance, assessments, grades) share.

Every page checks the signed-in actor's permission on the server (a 403 page) and every
write calls the same service as the API with that actor; nothing here writes through
the ORM. Pages live at /admin/<name>/list so that the menu's links fit them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi_admin.template import templates
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER, HTTP_403_FORBIDDEN

from admin_views.guard import require_admin_session, visible_resources
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.enrollments import EnrollmentCreate
from dashboard.schemas.fields import MAX_INT
from dashboard.services import enrollments as service
from models.enums import EnrollmentStatus

# Its place in the menu (admin_views.registry).
MENU_ORDER = 210
router = APIRouter(dependencies=[Depends(require_admin_session)])

PAGE_SIZE = 20


def menu_item(name: str, label: str, icon: str) -> dict[str, str]:
    return {"type": "model", "model": name, "label": label, "icon": icon}


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item("enrollments", "Enrollments", "ti ti-clipboard-check")] if actor.can(
        Permission.ENROLLMENTS_WRITE) else []


def actor_of(request: Request, *permissions: Permission) -> Actor:
    """The signed-in actor, refused (403 page) without every permission named."""
    actor: Actor = request.state.admin.actor
    if not all(actor.can(p) for p in permissions):
        raise HTTPException(status_code=HTTP_403_FORBIDDEN)
    return actor


def int_arg(raw: Any, *, low: int = 1, high: int = MAX_INT) -> int | None:
    """A form or query value as an id-sized int, or None when absent or not one."""
    try:
        value = int(str(raw).strip()) if raw not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def date_arg(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def render(request: Request, template: str, name: str, title: str, status_code: int = 200,
           **context: Any) -> Response:
    context.update(request=request, resources=visible_resources(request), resource=name, page_title=title)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def error_status(exc: DomainError) -> int:
    return exc.status_code if 400 <= exc.status_code < 500 else 400


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=HTTP_303_SEE_OTHER)


@router.get("/enrollments/list", include_in_schema=False)
async def enrollments_page(request: Request) -> Response:
    actor = actor_of(request, Permission.ENROLLMENTS_WRITE)
    query = request.query_params
    filters = {"student_id": int_arg(query.get("student_id")), "program_id": int_arg(query.get("program_id"))}
    status = query.get("status") or None
    error = None
    if status is not None and status not in {s.value for s in EnrollmentStatus}:
        status, error = None, "Unknown status"
    page_num = int_arg(query.get("page"), high=100000) or 1
    page = await service.list_enrollments(actor, page=PageRequest(page=page_num, page_size=PAGE_SIZE),
                                          status=EnrollmentStatus(status) if status else None, **filters)
    kept = {k: v for k, v in {**filters, "status": status}.items() if v is not None}
    return render(request, "enrollments/list.html", "enrollments", "Enrollments", page=page, filters=kept,
                  statuses=[s.value for s in EnrollmentStatus], error=error or query.get("error"),
                  notice=query.get("notice"),
                  page_url=lambda n: "?" + urlencode({**kept, "page": n}))


@router.post("/enrollments/create", include_in_schema=False)
async def enrollments_create(request: Request) -> Response:
    actor = actor_of(request, Permission.ENROLLMENTS_WRITE)
    form = await request.form()
    base = request.app.admin_path + "/enrollments/list"
    try:
        data = EnrollmentCreate(student_id=int_arg(form.get("student_id")) or 0,
                                program_id=int_arg(form.get("program_id")) or 0,
                                enrollment_date=form.get("enrollment_date") or None,
                                remarks=str(form.get("remarks") or "") or None)
    except ValueError:
        return see_other(base + "?" + urlencode({"error": "Give a student id, a program id and a valid date"}))
    try:
        created = await service.create_enrollment(actor, data=data)
    except DomainError as exc:
        return see_other(base + "?" + urlencode({"error": exc.message}))
    return see_other(base + "?" + urlencode({"notice": f"Enrollment {created['id']} created",
                                             "student_id": data.student_id}))


@router.post("/enrollments/{enrollment_id}/drop", include_in_schema=False)
async def enrollments_drop(request: Request, enrollment_id: str) -> Response:
    actor = actor_of(request, Permission.ENROLLMENTS_WRITE)
    base = request.app.admin_path + "/enrollments/list"
    pk = int_arg(enrollment_id)
    if pk is None:
        return see_other(base + "?" + urlencode({"error": "Enrollment not found"}))
    try:
        await service.drop_enrollment(actor, enrollment_id=pk)
    except DomainError as exc:
        return see_other(base + "?" + urlencode({"error": exc.message}))
    return see_other(base + "?" + urlencode({"notice": f"Enrollment {pk} dropped"}))
