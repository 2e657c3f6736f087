"""Panel screens for notifications (admin and staff).

The composer: title, message, type, priority, an audience (everyone, students, faculty,
staff, or chosen people), and send now, at a time, or keep as a draft. While the form
changes it asks `/notifications/audience` how many people the audience reaches (the
notifications service's `count_audience`, the same count the fan-out will write), so
nobody sends to 50,000 students by mistake. Chosen people are found with
`/notifications/people`: a name or email, narrowed by role, department or program; a
parent is found through their children's department or program, which is how a notice
reaches the parents of one program (the audience is then a `specific` list, up to
`MAX_SPECIFIC_RECIPIENTS` people).

The list: every notification, newest first, with its delivery (recipients written so
far, how many have read it, emails sent) from the service's `get_delivery`; the fan-out
runs in the worker, so a notice just sent shows its recipients growing.

Every write is `send_notification` or `delete_notification` as the signed-in Actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import JSONResponse, Response
from tortoise.expressions import Q, Subquery

from admin_views.adapters import department_service, faculty_service, program_service, student_service, user_service
from admin_views.enrollments import actor_of, error_status, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from admin_views.widgets import has_control_characters
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.notifications import MAX_SPECIFIC_RECIPIENTS, NotificationCreate, NotificationOut
from dashboard.services import notifications as service
from models.enums import NotificationStatus, NotificationType, PriorityLevel, TargetAudience, UserType

MENU_ORDER = 850
router = APIRouter(dependencies=[Depends(require_admin_session)])
SCREEN = "notifications"
PAGE_SIZE = 20
# How many matches the people search shows; "add all" takes up to the specific limit.
SHOWN_MATCHES = 20
FORM_FIELDS = ("title", "message", "notification_type", "priority", "target_audience", "when", "scheduled_at")
AUDIENCES = (("all", "Everyone"), ("students", "All students"), ("faculty", "All faculty"),
             ("staff", "Administration and staff"), ("specific", "Chosen people"))
ROLES = (("student", "Students"), ("faculty", "Faculty"), ("staff", "Staff"), ("admin", "Administrators"),
         ("parent", "Parents"))
FIELD_LABELS = {"title": "Title", "message": "Message", "notification_type": "Type", "priority": "Priority",
                "target_audience": "Audience", "target_id": "Chosen people", "scheduled_at": "Send at",
                "status": "When"}


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item(SCREEN, "Notifications", "ti ti-speakerphone")] if actor.can(
        Permission.NOTIFICATIONS_MANAGE) else []


def _ids(raw: list[Any]) -> list[int] | None:
    """Posted user ids, each an id-sized int, or None when any is not one."""
    ids = [int_arg(value) for value in raw]
    return None if any(value is None for value in ids) else [v for v in ids if v is not None]


# The list ------------------------------------------------------------------------------

@router.get(f"/{SCREEN}/list", include_in_schema=False)
async def notifications_page(request: Request) -> Response:
    actor = actor_of(request, Permission.NOTIFICATIONS_MANAGE)
    query = request.query_params
    filters: dict[str, Any] = {}
    for name, enum in (("status", NotificationStatus), ("notification_type", NotificationType),
                       ("target_audience", TargetAudience)):
        raw = query.get(name) or ""
        if raw in {member.value for member in enum}:
            filters[name] = enum(raw)
    page_num = int_arg(query.get("page"), high=100000) or 1
    page = await service.list_all_notifications(actor, page=PageRequest(page=page_num, page_size=PAGE_SIZE),
                                                **filters)
    rows = [NotificationOut.model_validate(row) for row in page.items]
    deliveries = {row.id: await service.get_delivery(actor, notification_id=row.id) for row in rows}
    senders = await _names(actor, {row.sent_by for row in rows if row.sent_by is not None})
    kept = {name: value.value for name, value in filters.items()}
    return render(request, "notifications/list.html", SCREEN, "Notifications", page=page, deliveries=deliveries,
                  filters=kept, notice=query.get("notice"), audience_names=dict(AUDIENCES), rows=rows,
                  senders=senders,
                  statuses=[s.value for s in NotificationStatus if s is not NotificationStatus.FAILED],
                  types=[t.value for t in NotificationType], shown=int_arg(query.get("shown")),
                  page_url=lambda n: "?" + urlencode({**kept, "page": n}))


@router.get(f"/{SCREEN}/delivery", include_in_schema=False)
async def delivery_json(request: Request) -> Response:
    """One notification's delivery, for the list to refresh while the fan-out runs."""
    actor = actor_of(request, Permission.NOTIFICATIONS_MANAGE)
    notification_id = int_arg(request.query_params.get("id"))
    if notification_id is None:
        return JSONResponse({"error": "Give a notification id"}, status_code=400)
    try:
        delivery = await service.get_delivery(actor, notification_id=notification_id)
    except DomainError as exc:
        return JSONResponse({"error": exc.message}, status_code=error_status(exc))
    return JSONResponse({"recipients": delivery.recipients, "read": delivery.read,
                         "emails_sent": delivery.emails_sent, "emails_opted_out": delivery.emails_opted_out})


@router.post(f"/{SCREEN}/{{notification_id}}/delete", include_in_schema=False)
async def notification_delete(request: Request, notification_id: str) -> Response:
    actor = actor_of(request, Permission.NOTIFICATIONS_MANAGE)
    base = request.app.admin_path + f"/{SCREEN}/list?"
    pk = int_arg(notification_id)
    try:
        if pk is None:
            return see_other(base + urlencode({"notice": "Notification not found"}))
        await service.delete_notification(actor, notification_id=pk)
    except DomainError as exc:
        return see_other(base + urlencode({"notice": exc.message}))
    return see_other(base + urlencode({"notice": f"Notification {pk} deleted, with its recipients' copies"}))


# The composer ---------------------------------------------------------------------------

async def _choices(actor: Actor) -> dict[str, list[tuple[int, str]]]:
    departments = await department_service.visible_departments(actor).order_by("name").values("id", "name", "code")
    programs = await program_service.visible_programs(actor).order_by("name").values("id", "name", "code")
    return {"departments": [(d["id"], f"{d['name']} ({d['code']})") for d in departments],
            "programs": [(p["id"], f"{p['name']} ({p['code']})") for p in programs]}


async def _names(actor: Actor, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await user_service.visible_users(actor).filter(id__in=sorted(ids)).values("id", "first_name", "last_name")
    return {r["id"]: f"{r['first_name']} {r['last_name']}" for r in rows}


async def _chosen_people(actor: Actor, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = await user_service.visible_users(actor).filter(id__in=ids[:MAX_SPECIFIC_RECIPIENTS]).values(
        "id", "first_name", "last_name", "email", "user_type")
    by_id = {row["id"]: _person(row) for row in rows}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def _person(row: dict[str, Any]) -> dict[str, Any]:
    role = row["user_type"].value if isinstance(row["user_type"], UserType) else str(row["user_type"])
    return {"id": row["id"], "label": f"{row['first_name']} {row['last_name']}", "email": row["email"], "role": role}


async def _composer(request: Request, actor: Actor, *, form: dict[str, str] | None = None,
                    chosen: list[int] | None = None, error: str | None = None, invalid: list[str] | None = None,
                    status_code: int = 200) -> Response:
    form = form or {"notification_type": "announcement", "priority": "medium", "target_audience": "students",
                    "when": "now"}
    return render(request, "notifications/compose.html", SCREEN, "Compose a notification", status_code=status_code,
                  form=form, chosen=await _chosen_people(actor, chosen or []), error=error, invalid=invalid or [],
                  audiences=AUDIENCES, roles=ROLES, types=[t.value for t in NotificationType],
                  priorities=[p.value for p in PriorityLevel], max_specific=MAX_SPECIFIC_RECIPIENTS,
                  **await _choices(actor))


@router.get(f"/{SCREEN}/compose", include_in_schema=False)
async def compose_page(request: Request) -> Response:
    actor = actor_of(request, Permission.NOTIFICATIONS_SEND)
    return await _composer(request, actor)


def _scheduled_at(raw: str) -> str | None:
    """The form's local date and time, taken as UTC (the label says so), in ISO form."""
    try:
        return dt.datetime.fromisoformat(raw).replace(tzinfo=dt.UTC).isoformat() if raw else None
    except ValueError:
        return raw or None


@router.post(f"/{SCREEN}/compose", include_in_schema=False)
async def compose_send(request: Request) -> Response:
    actor = actor_of(request, Permission.NOTIFICATIONS_SEND)
    data = await request.form()
    form = {name: str(data.get(name) or "") for name in FORM_FIELDS}
    chosen = _ids(data.getlist("target_id")[:MAX_SPECIFIC_RECIPIENTS + 1])
    if chosen is None:
        return await _composer(request, actor, form=form, error="Chosen people: not a user id",
                               invalid=["target_id"], status_code=400)
    if any(has_control_characters(form[name]) for name in ("title", "scheduled_at")):
        return await _composer(request, actor, form=form, chosen=chosen, status_code=400,
                               error="Title: control characters are not allowed", invalid=["title"])
    when = form["when"] if form["when"] in {"now", "later", "draft"} else "now"
    status = {"now": NotificationStatus.SENT, "later": NotificationStatus.SCHEDULED,
              "draft": NotificationStatus.DRAFT}[when]
    specific = form["target_audience"] == TargetAudience.SPECIFIC.value
    values: dict[str, Any] = {
        "title": form["title"].strip(), "message": form["message"].strip(),
        "notification_type": form["notification_type"], "priority": form["priority"],
        "target_audience": form["target_audience"] or None, "status": status,
        "target_id": chosen if specific else None,
        "scheduled_at": _scheduled_at(form["scheduled_at"].strip()) if status is NotificationStatus.SCHEDULED
        else None,
    }
    try:
        body = NotificationCreate.model_validate(values)
    except ValidationError as exc:
        invalid = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        message = "; ".join(f"{FIELD_LABELS.get(str(e['loc'][0]), 'Form') if e['loc'] else 'Form'}: "
                            f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        return await _composer(request, actor, form=form, chosen=chosen, error=message, invalid=invalid,
                               status_code=400)
    try:
        notification = await service.send_notification(actor, data=body)
    except DomainError as exc:
        return await _composer(request, actor, form=form, chosen=chosen, error=exc.message,
                               status_code=error_status(exc))
    said = {NotificationStatus.SENT: "sent: its recipients are being written",
            NotificationStatus.SCHEDULED: f"scheduled for {body.scheduled_at:%d %b %Y %H:%M} UTC"
            if body.scheduled_at else "scheduled",
            NotificationStatus.DRAFT: "kept as a draft"}[status]
    query = {"shown": notification.id, "notice": f"“{notification.title}” {said}"}
    return see_other(request.app.admin_path + f"/{SCREEN}/list?" + urlencode(query))


@router.get(f"/{SCREEN}/audience", include_in_schema=False)
async def audience_count(request: Request) -> Response:
    """How many people the composer's audience reaches now: {"recipients": n}, or an
    {"error": ...} the form shows (an unknown or inactive chosen person)."""
    actor = actor_of(request, Permission.NOTIFICATIONS_SEND)
    query = request.query_params
    raw = query.get("target_audience") or ""
    if raw not in {a.value for a in TargetAudience}:
        return JSONResponse({"error": "Choose an audience"}, status_code=400)
    audience = TargetAudience(raw)
    ids = _ids([part for part in (query.get("target_id") or "").split(",") if part][:MAX_SPECIFIC_RECIPIENTS + 1])
    if ids is None or len(ids) > MAX_SPECIFIC_RECIPIENTS:
        return JSONResponse({"error": f"Chosen people: up to {MAX_SPECIFIC_RECIPIENTS} user ids"}, status_code=400)
    if audience is TargetAudience.SPECIFIC and not ids:
        return JSONResponse({"recipients": 0})
    try:
        count = await service.count_audience(actor, audience=audience, user_ids=ids)
    except DomainError as exc:
        return JSONResponse({"error": exc.message}, status_code=error_status(exc))
    return JSONResponse({"recipients": count})


def _people_query(actor: Actor, *, text: str, role: str, department_id: int | None, program_id: int | None) -> Any:
    query = user_service.visible_users(actor).filter(is_active=True)
    for word in text.split()[:5]:
        query = query.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                             | Q(email__icontains=word) | Q(user_name__icontains=word))
    if role in {r.value for r in UserType}:
        query = query.filter(user_type=role)
    # Each narrowing is a subquery through the students' and faculty's scopes: an OR over
    # joins of both would drop the users who have only one of them.
    if department_id is not None:
        students = student_service.visible_students(actor).filter(department_id=department_id)
        teachers = faculty_service.visible_faculty(actor).filter(department_id=department_id)
        query = query.filter(Q(id__in=Subquery(students.values("user_id")))
                             | Q(id__in=Subquery(teachers.values("user_id")))
                             | Q(id__in=Subquery(students.filter(parent_id__isnull=False).values("parent__user_id"))))
    if program_id is not None:
        students = student_service.visible_students(actor).filter(program_id=program_id)
        query = query.filter(Q(id__in=Subquery(students.values("user_id")))
                             | Q(id__in=Subquery(students.filter(parent_id__isnull=False).values("parent__user_id"))))
    return query


@router.get(f"/{SCREEN}/people", include_in_schema=False)
async def people_search(request: Request) -> Response:
    """Active users matching a name or email, narrowed by role, department and program:
    {"total": n, "matches": [...]} (the first SHOWN_MATCHES), or with `all=1` every
    matching id, up to the specific list's limit."""
    actor = actor_of(request, Permission.NOTIFICATIONS_SEND)
    query = request.query_params
    text = (query.get("q") or "").strip()[:100]
    if has_control_characters(text):
        return JSONResponse({"error": "Search: control characters are not allowed"}, status_code=400)
    department_id, program_id = int_arg(query.get("department_id")), int_arg(query.get("program_id"))
    role = query.get("role") or ""
    if not (text or role or department_id or program_id):
        return JSONResponse({"total": 0, "matches": []})
    people = _people_query(actor, text=text, role=role, department_id=department_id, program_id=program_id)
    total = await people.count()
    if query.get("all") == "1":
        if total > MAX_SPECIFIC_RECIPIENTS:
            return JSONResponse({"error": f"{total} people match: narrow the search to {MAX_SPECIFIC_RECIPIENTS} "
                                          "or fewer, or choose a whole audience"}, status_code=400)
        rows = await people.order_by("last_name", "first_name", "id").values(
            "id", "first_name", "last_name", "email", "user_type")
    else:
        rows = await people.order_by("last_name", "first_name", "id").limit(SHOWN_MATCHES).values(
            "id", "first_name", "last_name", "email", "user_type")
    return JSONResponse({"total": total, "matches": [_person(row) for row in rows]})
