"""The cashier's desk and the fee defaulters list.

Cashier: find a student, see each fee structure's balance, record a payment (the late fee
the server would charge is filled in; a different figure needs a reason), print the
receipt, refund with a reason. Each payment form carries an Idempotency-Key made when the
page was drawn, so a double click or a resubmitted form records one payment.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from admin_views.screens import (
    Screen,
    actor_for,
    csv_download,
    parse_form,
    query_int,
    redirect,
    render,
)
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotFound
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.fees import FeePaymentCreate, RefundCreate
from dashboard.services import fees, students
from models.enums import PaymentMode

CASHIER = Screen("cashier", "Cashier", "ti ti-cash-register", Permission.FEES_WRITE)
DEFAULTERS = Screen("fee_defaulters", "Fee defaulters", "ti ti-alert-triangle", Permission.FEES_REPORT)
SCREENS = (CASHIER, DEFAULTERS)
DEFAULTERS_PAGE_SIZE = 50
DEFAULTER_COLUMNS = ("Student ID", "Student code", "Student", "Fee structure", "Academic year", "Semester",
                     "Total fee", "Paid", "Balance", "Due date", "Days overdue")

# Its place in the menu (admin_views.registry).
MENU_ORDER = 400
router = APIRouter(include_in_schema=False)


@router.get("/cashier/list")
async def cashier(request: Request) -> Response:
    actor = actor_for(request, CASHIER.permission)
    q = request.query_params.get("q", "").strip()[:100]
    found, error = [], None
    if q:
        try:
            found = await students.search_students(actor, q=q, limit=20)
        except DomainError as exc:
            error = exc.message
    return render(request, "fees/cashier.html", CASHIER, q=q, found=found, error=error)


async def _student_page(request: Request, actor: Actor, student_id: int, *, error: str | None = None,
                        notice: str | None = None, status_code: int = 200) -> Response:
    try:
        student = await students.get_student(actor, student_id=student_id)
    except NotFound:
        return render(request, "fees/cashier.html", CASHIER, q="", found=[], error="Student not found",
                      status_code=404)
    balances = await fees.fee_balances(actor, student_id=student_id)
    for row in balances:
        row["late_fee_today"] = (Decimal(row["late_fee_per_day"]) * row["days_overdue"]).quantize(Decimal("0.01"))
    payments = await fees.list_fee_payments(actor, page=PageRequest(page=1, page_size=100), student_id=student_id)
    return render(request, "fees/student.html", CASHIER, status_code=status_code, student=student,
                  balances=balances, payments=payments.items, modes=list(PaymentMode), error=error, notice=notice,
                  idempotency_key=uuid.uuid4().hex,
                  page_title=f"Cashier: {student.first_name} {student.last_name} ({student.student_code})")


@router.get("/cashier/students/{student_id:int}")
async def cashier_student(request: Request, student_id: int) -> Response:
    actor = actor_for(request, CASHIER.permission)
    return await _student_page(request, actor, student_id, notice=request.query_params.get("notice"))


_PAYMENT_FIELDS = ("student_id", "fee_structure_id", "amount_paid", "payment_date", "payment_mode", "transaction_id",
                   "late_fee", "late_fee_reason", "discount", "remarks")


@router.post("/cashier/payments")
async def record_payment(request: Request) -> Response:
    actor = actor_for(request, CASHIER.permission)
    form = await request.form()
    student_id = int(form["student_id"]) if str(form.get("student_id", "")).isdigit() else None  # type: ignore[arg-type]
    if student_id is None:
        return redirect(request, "cashier/list")
    key = str(form.get("idempotency_key", "")).strip()[:fees.IDEMPOTENCY_KEY_MAX] or None
    extra = {}
    if not str(form.get("transaction_id", "")).strip():
        # Cash has no bank reference: the desk makes one from the form's own key, so a
        # resubmitted form is the same request (and so a replay, not a second payment).
        reference = "".join(c for c in key if c.isalnum())[:32] if key else uuid.uuid4().hex
        extra["transaction_id"] = f"DESK-{reference.upper()}"
    data, error = await parse_form(request, FeePaymentCreate, fields=_PAYMENT_FIELDS, extra=extra)
    if data is None:
        return await _student_page(request, actor, student_id, error=error, status_code=422)
    try:
        payment, _ = await fees.record_payment(actor, data=data, idempotency_key=key)  # type: ignore[arg-type]
    except DomainError as exc:
        return await _student_page(request, actor, student_id, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"cashier/receipts/{payment.id}")


@router.get("/cashier/receipts/{payment_id:int}")
async def receipt(request: Request, payment_id: int) -> Response:
    actor = actor_for(request, Permission.FEES_READ)
    try:
        data = await fees.payment_receipt(actor, payment_id=payment_id)
    except NotFound:
        return HTMLResponse("Payment not found", status_code=404)
    return HTMLResponse(fees.render_receipt_html(data), headers={"Cache-Control": "no-store"})


@router.post("/cashier/refunds")
async def refund(request: Request) -> Response:
    actor = actor_for(request, CASHIER.permission)
    form = await request.form()
    student_id = int(form["student_id"]) if str(form.get("student_id", "")).isdigit() else None  # type: ignore[arg-type]
    if student_id is None:
        return redirect(request, "cashier/list")
    data, error = await parse_form(request, RefundCreate, fields=("payment_id", "reason"))
    if data is None:
        return await _student_page(request, actor, student_id, error=error, status_code=422)
    try:
        result = await fees.refund_payment(actor, data=data)  # type: ignore[arg-type]
    except DomainError as exc:
        return await _student_page(request, actor, student_id, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"cashier/students/{student_id}", notice=result["message"])


@router.get("/fee_defaulters/list")
async def defaulters(request: Request) -> Response:
    actor = actor_for(request, DEFAULTERS.permission)
    page_num = query_int(request, "page_num") or 1
    result = await fees.fee_defaulters(actor, page=PageRequest(page=page_num, page_size=DEFAULTERS_PAGE_SIZE))
    total_pages = -(-result["total"] // DEFAULTERS_PAGE_SIZE)
    return render(request, "fees/defaulters.html", DEFAULTERS, rows=result["defaulters"], total=result["total"],
                  page_num=page_num, total_pages=total_pages, permission_write=Permission.FEES_WRITE)


def _defaulter_cells(row: dict) -> list:
    return [row["student_id"], row["student_code"], row["student_name"], row["fee_structure_id"],
            row["academic_year"], row["semester"], f"{row['total_fee']:.2f}", f"{row['total_paid']:.2f}",
            f"{row['balance']:.2f}", row["due_date"].isoformat(), row["days_overdue"]]


@router.get("/fee_defaulters/export")
async def defaulters_csv(request: Request) -> Response:
    actor = actor_for(request, DEFAULTERS.permission)
    return csv_download("fee_defaulters", DEFAULTER_COLUMNS, fees.iter_fee_defaulters(actor), _defaulter_cells)
