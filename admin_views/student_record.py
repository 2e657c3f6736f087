"""The student record: one student's whole file on one page (profile, program and
enrollment, course registrations, attendance per offering, grades with SGPA and CGPA per
semester, fees, library, hostel, documents, notifications and the audit trail), each
section linking to the screen that works on it.

Every section comes from its own service, called as the signed-in user, so each keeps its
scope: a faculty member opens only the students they teach and gets no fee section (no
fee permission), and a section the role may not read is left out rather than shown empty.
The sections do not depend on each other, so after the profile (which says whether the
student may be seen at all) they are read concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from admin_views.base import Action
from admin_views.labels import enum_label
from admin_views.screens import Screen, actor_for, render
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotFound
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.students import StudentProfileOut
from dashboard.services import (
    attendance,
    audit_logs,
    enrollments,
    fees,
    grades,
    hostels,
    library,
    notifications,
    students,
)

RECORD = Screen("student_record", "Student record", "ti ti-id-badge-2", Permission.STUDENTS_READ)
SCREENS = (RECORD,)
# Its place in the menu (admin_views.registry): with the people, after the students list.
MENU_ORDER = 305
router = APIRouter(include_in_schema=False)

SEARCH_LIMIT = 20
PAYMENTS_SHOWN = 50
NOTIFICATIONS_SHOWN = 10
AUDIT_SHOWN = 20
# Below this a percentage is shown as a shortfall (the defaulters list's default).
ATTENDANCE_THRESHOLD = Decimal(75)


@dataclass
class Section:
    key: str
    title: str
    data: Any = None
    error: str | None = None
    # (label, URL under /admin) of the screen that works on this section, when the actor may open it.
    link: tuple[str, str] | None = None
    row_links: dict[str, bool] = field(default_factory=dict)


def _utc(value: dt.datetime) -> dt.datetime:
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def day(value: dt.date | dt.datetime | None) -> str:
    """Dates as a registrar reads them (12 Sep 2025); a datetime by its UTC day."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = _utc(value).date()
    return value.strftime("%d %b %Y")


def badge(value: Any, good: tuple[str, ...] = (), bad: tuple[str, ...] = ()) -> Markup:
    """A status as a coloured label: green for the good states, red for the bad ones."""
    raw = value.value if isinstance(value, Enum) else str(value)
    tone = "bg-green-lt" if raw in good else "bg-red-lt" if raw in bad else "bg-secondary-lt"
    return Markup('<span class="badge {}">{}</span>').format(tone, enum_label(raw))


def pct(value: Decimal | float) -> str:
    return f"{value:.2f}%"


def shown(value: Any) -> str:
    """A stored value in an audit row: a dash for none."""
    return "–" if value is None or value == "" else str(value)


def when(value: dt.datetime | None) -> str:
    """A moment to the minute, in UTC (12 Sep 2025 14:05 UTC)."""
    return "–" if value is None else _utc(value).strftime("%d %b %Y %H:%M UTC")


@router.get("/student_record/list")
async def find(request: Request) -> Response:
    actor = actor_for(request, RECORD.permission)
    q = request.query_params.get("q", "").strip()[:100]
    found, error = [], None
    if q:
        try:
            found = await students.search_students(actor, q=q, limit=SEARCH_LIMIT)
        except DomainError as exc:
            error = exc.message
    return render(request, "student_record/find.html", RECORD, q=q, found=found, error=error,
                  limit=SEARCH_LIMIT)


async def _fees(actor: Actor, student_id: int) -> dict[str, Any]:
    balances, payments = await asyncio.gather(
        fees.fee_balances(actor, student_id=student_id),
        fees.list_fee_payments(actor, page=PageRequest(page=1, page_size=PAYMENTS_SHOWN), student_id=student_id))
    return {
        "balances": balances, "payments": payments.items, "payments_total": payments.total,
        "total_fee": sum((row["total_fee"] for row in balances), Decimal(0)),
        "total_paid": sum((row["total_paid"] for row in balances), Decimal(0)),
        "balance": sum((row["balance"] for row in balances), Decimal(0)),
        "overdue": sum((row["balance"] for row in balances if row["is_overdue"] and row["balance"] > 0), Decimal(0)),
    }


async def _library(actor: Actor, user_id: int) -> dict[str, Any]:
    loans = await library.borrower_loans(actor, user_id=user_id)
    at = library.now()
    for loan in loans:
        loan["days_overdue"], loan["accrued_fine"] = (
            library.fine_for(loan["due_date"], at) if loan["status"] == "issued" else (0, Decimal(0)))
    return {
        "loans": loans,
        "open": sum(1 for loan in loans if loan["status"] == "issued"),
        "overdue": sum(1 for loan in loans if loan["days_overdue"] > 0),
        "fines_owed": sum((loan["fine_amount"] for loan in loans), Decimal(0)),
        "fines_accruing": sum((loan["accrued_fine"] for loan in loans), Decimal(0)),
    }


async def _hostel(actor: Actor, student_id: int) -> dict[str, Any]:
    history = await hostels.allocation_history(actor, student_id=student_id)
    rows = history["allocations"]
    return {"current": next((r for r in rows if r["status"] == "active"), None), "allocations": rows}


async def _attendance(actor: Actor, student_id: int) -> dict[str, Any]:
    rows = await attendance.student_attendance_by_offering(actor, student_id=student_id)
    total = sum(r["total_classes"] for r in rows)
    attended = sum(r["attended_classes"] for r in rows)
    return {"offerings": rows, "total_classes": total, "attended_classes": attended,
            "percentage": attendance.percentage(attended, total) if total else None}


async def _documents(actor: Actor, student_id: int) -> list[Any]:
    return (await students.student_documents(actor, student_id=student_id)).documents


async def _enrollments(actor: Actor, student_id: int) -> list[Any]:
    return (await students.student_enrollments(actor, student_id=student_id)).enrollments


def _loaders(actor: Actor, student: StudentProfileOut) -> list[tuple[str, str, Permission | None,
                                                                      Callable[[], Awaitable[Any]]]]:
    sid, uid = student.id, student.user_id
    return [
        ("enrollment", "Program and enrollment", Permission.ENROLLMENTS_READ, lambda: _enrollments(actor, sid)),
        ("registrations", "Course registrations", Permission.ENROLLMENTS_READ,
         lambda: enrollments.student_registrations(actor, student_id=sid)),
        ("attendance", "Attendance per offering", Permission.ATTENDANCE_READ, lambda: _attendance(actor, sid)),
        ("grades", "Grades, SGPA and CGPA", Permission.GRADES_READ,
         lambda: grades.student_semesters(actor, student_id=sid)),
        ("fees", "Fees", Permission.FEES_READ, lambda: _fees(actor, sid)),
        ("library", "Library loans and fines", Permission.LIBRARY_READ, lambda: _library(actor, uid)),
        ("hostel", "Hostel", Permission.HOSTELS_READ, lambda: _hostel(actor, sid)),
        ("documents", "Documents", Permission.DOCUMENTS_READ, lambda: _documents(actor, sid)),
        ("notifications", "Notifications sent to the student", Permission.NOTIFICATIONS_MANAGE,
         lambda: notifications.notifications_received(actor, user_id=uid, limit=NOTIFICATIONS_SHOWN)),
        ("audit", "Changes to the record", Permission.AUDIT_READ,
         lambda: audit_logs.entity_trail(actor, entities=[("students", sid), ("users", uid)], limit=AUDIT_SHOWN)),
    ]


async def _load(key: str, title: str, loader: Callable[[], Awaitable[Any]]) -> Section:
    try:
        return Section(key, title, data=await loader())
    except DomainError as exc:
        return Section(key, title, error=exc.message)


def _links(actor: Actor, student: StudentProfileOut, section: Section) -> None:
    """The screen each section is worked on, where the actor may open it (the same
    permissions the menu and the screens check)."""
    from admin_views.course_offerings import CourseOfferingResource
    from admin_views.students import StudentResource

    sid, uid = student.id, student.user_id
    targets: dict[str, tuple[bool, str, str]] = {
        "profile": (StudentResource.allows(actor, Action.UPDATE), "Edit profile", f"students/update/{sid}"),
        "enrollment": (actor.can(Permission.ENROLLMENTS_WRITE), "Enrollments", f"enrollments/list?student_id={sid}"),
        "grades": (actor.can(Permission.GRADES_READ), "Transcript", f"transcripts/list?student_id={sid}"),
        "fees": (actor.can(Permission.FEES_WRITE), "Cashier", f"cashier/students/{sid}"),
        "library": (actor.can(Permission.LIBRARY_CIRCULATE), "Library desk", f"library_desk/borrowers/{uid}"),
        "hostel": (actor.can(Permission.HOSTELS_WRITE), "Hostel history", f"warden/students/{sid}"),
        "audit": (actor.can(Permission.AUDIT_READ), "Audit log",
                  f"audit_logs/list?entity_type=students&entity_id={sid}"),
        "attendance": (actor.can(Permission.ATTENDANCE_REPORT), "Attendance defaulters",
                       "attendance_defaulters/list"),
        "registrations": (CourseOfferingResource.allows(actor, Action.LIST), "Course offerings",
                          "course_offerings/list"),
        "documents": (actor.can(Permission.DOCUMENTS_READ), "Document library", "documents/list"),
        "notifications": (actor.can(Permission.NOTIFICATIONS_MANAGE), "Notifications", "notifications/list"),
    }
    allowed, label, path = targets.get(section.key, (False, "", ""))
    if allowed:
        section.link = (label, path)
    # Rows link to their own screens too: an offering's roster, its class register.
    section.row_links = {
        "roster": StudentResource.allows(actor, Action.LIST),
        "register": actor.can(Permission.ATTENDANCE_WRITE),
        "receipt": actor.can(Permission.FEES_READ),
        "download": actor.can(Permission.DOCUMENTS_READ),
    }


async def student_sections(actor: Actor, student: StudentProfileOut) -> list[Section]:
    """Every section the actor may read, read concurrently, in page order."""
    wanted = [(key, title, loader) for key, title, permission, loader in _loaders(actor, student)
              if permission is None or actor.can(permission)]
    sections = list(await asyncio.gather(*(_load(key, title, loader) for key, title, loader in wanted)))
    for section in sections:
        _links(actor, student, section)
    return sections


@router.get("/student_record/{student_id:int}")
async def record(request: Request, student_id: int) -> Response:
    actor = actor_for(request, RECORD.permission)
    try:
        student = await students.get_student_profile(actor, student_id=student_id)
    except NotFound:
        return render(request, "student_record/find.html", RECORD, q="", found=[], error="Student not found",
                      limit=SEARCH_LIMIT, status_code=404)
    sections = await student_sections(actor, student)
    profile = Section("profile", "Profile", data=student)
    _links(actor, student, profile)
    by_key = {section.key: section for section in sections}
    return render(
        request, "student_record/record.html", RECORD, student=student, profile=profile, sections=sections,
        by_key=by_key, day=day, when=when, shown=shown, badge=badge, pct=pct,
        all_documents=actor.can(Permission.DOCUMENTS_MANAGE), label=enum_label, threshold=ATTENDANCE_THRESHOLD,
        page_title=f"{student.first_name} {student.last_name} ({student.student_code})",
    )
