"""The warden's desk: every hostel's occupancy at a glance, a hostel's rooms with their
residents, allocate, transfer, vacate, and a student's allocation history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from admin_views.screens import Screen, actor_for, parse_form, redirect, render
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotFound
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.hostels import AllocationCreate, AllocationUpdate
from dashboard.services import hostels, students

WARDEN = Screen("warden", "Warden", "ti ti-bed", Permission.HOSTELS_WRITE)
SCREENS = (WARDEN,)
MAX_HOSTELS = 100

# Its place in the menu (admin_views.registry).
MENU_ORDER = 600
router = APIRouter(include_in_schema=False)


@router.get("/warden/list")
async def warden(request: Request) -> Response:
    actor = actor_for(request, WARDEN.permission)
    page = await hostels.list_hostels(actor, page=PageRequest(page=1, page_size=MAX_HOSTELS))
    return render(request, "hostels/warden.html", WARDEN, hostels=page.items)


async def _hostel_page(request: Request, actor: Actor, hostel_id: int, *, error: str | None = None,
                       notice: str | None = None, status_code: int = 200) -> Response:
    try:
        view = await hostels.hostel_occupancy(actor, hostel_id=hostel_id)
    except NotFound:
        return render(request, "hostels/warden.html", WARDEN, hostels=[], error="Hostel not found", status_code=404)
    q = request.query_params.get("q", "").strip()[:100]
    found = []
    if q:
        try:
            found = await students.search_students(actor, q=q, limit=20)
        except DomainError as exc:
            error = error or exc.message
    free_rooms = await hostels.available_rooms(actor)
    return render(request, "hostels/hostel.html", WARDEN, status_code=status_code, view=view, q=q, found=found,
                  free_rooms=free_rooms, error=error, notice=notice, page_title=f"Warden: {view['hostel'].name}")


@router.get("/warden/hostels/{hostel_id:int}")
async def hostel(request: Request, hostel_id: int) -> Response:
    actor = actor_for(request, WARDEN.permission)
    return await _hostel_page(request, actor, hostel_id, notice=request.query_params.get("notice"))


def _hostel_id(form) -> int | None:  # type: ignore[no-untyped-def]
    raw = str(form.get("back_to_hostel", ""))
    return int(raw) if raw.isdigit() and int(raw) < 2**31 else None


@router.post("/warden/allocate")
async def allocate(request: Request) -> Response:
    actor = actor_for(request, WARDEN.permission)
    form = await request.form()
    back = _hostel_id(form)
    if back is None:
        return redirect(request, "warden/list")
    data, error = await parse_form(request, AllocationCreate,
                                   fields=("student_id", "room_id", "academic_year", "remarks"),
                                   extra={"hostel_id": back})
    if data is None:
        return await _hostel_page(request, actor, back, error=error, status_code=422)
    try:
        await hostels.allocate_room(actor, data=data)  # type: ignore[arg-type]
    except DomainError as exc:
        return await _hostel_page(request, actor, back, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"warden/hostels/{back}", notice="Room allocated")


@router.post("/warden/transfer")
async def transfer(request: Request) -> Response:
    actor = actor_for(request, WARDEN.permission)
    form = await request.form()
    back = _hostel_id(form)
    raw_id = str(form.get("allocation_id", ""))
    if back is None or not raw_id.isdigit() or int(raw_id) >= 2**31:
        return redirect(request, "warden/list")
    data, error = await parse_form(request, AllocationUpdate, fields=("room_id", "remarks"))
    if data is None:
        return await _hostel_page(request, actor, back, error=error, status_code=422)
    try:
        moved = await hostels.update_allocation(actor, allocation_id=int(raw_id), changes=data)  # type: ignore[arg-type]
    except DomainError as exc:
        return await _hostel_page(request, actor, back, error=exc.message, status_code=exc.status_code)
    room = await hostels.get_room(actor, room_id=moved.room_id)
    return redirect(request, f"warden/hostels/{back}", notice=f"Transferred to room {room.room_number}")


@router.post("/warden/vacate")
async def vacate(request: Request) -> Response:
    actor = actor_for(request, WARDEN.permission)
    form = await request.form()
    back = _hostel_id(form)
    raw_id = str(form.get("allocation_id", ""))
    if back is None or not raw_id.isdigit() or int(raw_id) >= 2**31:
        return redirect(request, "warden/list")
    try:
        await hostels.vacate_allocation(actor, allocation_id=int(raw_id))
    except DomainError as exc:
        return await _hostel_page(request, actor, back, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"warden/hostels/{back}", notice="Room vacated")


@router.get("/warden/students/{student_id:int}")
async def history(request: Request, student_id: int) -> Response:
    actor = actor_for(request, WARDEN.permission)
    try:
        data = await hostels.allocation_history(actor, student_id=student_id)
        student = await students.get_student(actor, student_id=student_id)
    except NotFound:
        return render(request, "hostels/warden.html", WARDEN, hostels=[], error="Student not found", status_code=404)
    return render(request, "hostels/history.html", WARDEN, history=data, student=student,
                  page_title=f"Hostel history: {student.first_name} {student.last_name}")
