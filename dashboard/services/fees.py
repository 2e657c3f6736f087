"""Fee structures and payments: the rules of domain.md §3.10 with its RECs.

A structure's balance is its total less the completed payments against it (a refund
re-opens it; late fees and discounts are charged beside the amount and do not move it).
No counter holds the balance, so a payment is checked against it while the structure row
is locked (SELECT ... FOR UPDATE): however many payments arrive at once, each sees the
ones before it and none can take the balance below zero.

`POST /fee-payments` may carry an Idempotency-Key. The key is claimed in the payment's
own transaction (an INSERT into fee_payment_idempotency_keys, unique per cashier and
key), so concurrent retries wait for the first one: if it committed they get its payment
back, if it failed the next one goes ahead. The same key with another body is a 409.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, Forbidden, InvalidState, NotFound
from dashboard.core.formatting import money
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.fees import (
    FEE_COMPONENTS,
    FeePaymentCreate,
    FeeStructureCreate,
    FeeStructureUpdate,
    RefundCreate,
)
from dashboard.services import students
from dashboard.services.students import sees_student
from dashboard.settings import get_settings
from models import FeePayment, FeeStructure, Student
from models.academics import University
from models.enums import PaymentStatus

ZERO = Decimal("0.00")
DEFAULTERS_PAGE_SIZE_MAX = 1000
IDEMPOTENCY_KEY_MAX = 255


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# --- scopes -------------------------------------------------------------------------------


def visible_fee_structures(actor: Actor) -> QuerySet[FeeStructure]:
    """The structures of the students this actor may see (students.visible_students):
    staff every one, a student their own, a parent their children's."""
    authorize(actor, Permission.FEES_READ)
    return FeeStructure.filter(student_id__in=Subquery(students.visible_students(actor).values("id")))


def visible_fee_payments(actor: Actor) -> QuerySet[FeePayment]:
    authorize(actor, Permission.FEES_READ)
    return FeePayment.filter(student_id__in=Subquery(students.visible_students(actor).values("id")))


async def _scoped(actor: Actor, query: QuerySet[Any]) -> QuerySet[Any]:
    """A list's rows narrowed to the actor's students by id (the scope as ids: no
    semi-join over every student for staff, whose lists are the long ones)."""
    scope = await students.student_scope(actor)
    return query if scope.everyone else query.filter(student_id__in=list(scope.ids))


async def _check_student_visible(actor: Actor, student_id: int) -> None:
    if not await sees_student(actor, student_id):
        raise NotFound("Student not found")


# --- structures ---------------------------------------------------------------------------


def _sum(values: dict[str, Any]) -> Decimal:
    return sum((values.get(name) or ZERO for name in FEE_COMPONENTS), ZERO)


async def list_fee_structures(
    actor: Actor, *, page: PageRequest, program_id: int | None = None, student_id: int | None = None,
    academic_year: str | None = None, semester: int | None = None,
) -> Page[FeeStructure]:
    filters = {"program_id": program_id, "student_id": student_id, "academic_year": academic_year,
               "semester": semester}
    authorize(actor, Permission.FEES_READ)
    query = (await _scoped(actor, FeeStructure.all())).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate(query.order_by("-id"), page)


async def get_fee_structure(actor: Actor, *, structure_id: int) -> FeeStructure:
    return await get_or_404(visible_fee_structures(actor), structure_id, label="Fee structure")


async def create_fee_structure(actor: Actor, *, data: FeeStructureCreate) -> FeeStructure:
    """The program is the student's (given or not); the total is the sum of the
    components (a total that disagrees is a 400); one per (program, student, year,
    semester)."""
    authorize(actor, Permission.FEES_WRITE)
    values = data.model_dump()
    async with atomic():
        student = await Student.get_or_none(id=values["student_id"])
        if student is None:
            raise NotFound("Student not found")
        program_id = values.pop("program_id") or student.program_id
        if program_id != student.program_id:
            raise InvalidState("program_id must be the student's program")
        total = _sum(values)
        if values.get("total_fee") is not None and values["total_fee"] != total:
            raise InvalidState(f"total_fee must be the sum of the components ({total:.2f})")
        values["total_fee"] = total
        if await FeeStructure.exists(program_id=program_id, student_id=student.id,
                                     academic_year=values["academic_year"], semester=values["semester"]):
            raise Conflict("A fee structure for this student, program, year and semester already exists")
        structure = await FeeStructure.create(**values, program_id=program_id)
        await audit.record(actor, "create", structure)
    return structure


async def update_fee_structure(actor: Actor, *, structure_id: int, changes: FeeStructureUpdate) -> FeeStructure:
    """A partial update of the components, due date and daily late fee; the total is
    recomputed and may not fall below what has been paid."""
    authorize(actor, Permission.FEES_WRITE)
    sent = changes.changes()
    require_changes(sent)
    confirmed_total = sent.pop("total_fee", None)
    refuse_nulls(FeeStructure, sent)
    async with audited_edit(actor, visible_fee_structures(actor), structure_id, label="Fee structure") as structure:
        structure.update_from_dict(sent)
        total = _sum({name: getattr(structure, name) for name in FEE_COMPONENTS})
        if confirmed_total is not None and confirmed_total != total:
            raise InvalidState(f"total_fee must be the sum of the components ({total:.2f})")
        paid = await _paid(structure.id)
        if total < paid:
            raise InvalidState(f"The total cannot fall below the {paid:.2f} already paid")
        structure.total_fee = total
    return structure


# --- balances -----------------------------------------------------------------------------

_BALANCE_SELECT = """
SELECT fs.id AS fee_structure_id, fs.student_id, fs.program_id, fs.academic_year, fs.semester, fs.total_fee,
       COALESCE(p.paid, 0) AS total_paid, fs.total_fee - COALESCE(p.paid, 0) AS balance, fs.due_date,
       fs.late_fee_per_day
FROM fee_structures fs
LEFT JOIN LATERAL (
    SELECT SUM(amount_paid) AS paid FROM fee_payments
    WHERE fee_structure_id = fs.id AND payment_status = 'completed'
) p ON true
"""


async def _paid(structure_id: int) -> Decimal:
    rows = await connections.get("default").execute_query_dict(
        "SELECT COALESCE(SUM(amount_paid), 0) AS paid FROM fee_payments "
        "WHERE fee_structure_id = $1 AND payment_status = 'completed'", [structure_id])
    return Decimal(rows[0]["paid"])


async def fee_balances(actor: Actor, *, student_id: int, only_open: bool = False) -> list[dict[str, Any]]:
    """Every structure of one student with what is paid and what is left, by due date
    (the cashier's view; `pending_fees` is its open part)."""
    authorize(actor, Permission.FEES_READ)
    await _check_student_visible(actor, student_id)
    where = " WHERE fs.student_id = $1" + (" AND fs.total_fee > COALESCE(p.paid, 0)" if only_open else "")
    rows = await connections.get("default").execute_query_dict(
        _BALANCE_SELECT + where + " ORDER BY fs.due_date, fs.id", [student_id])
    on = today()
    for row in rows:
        row["is_overdue"] = row["due_date"] < on
        row["days_overdue"] = max(0, (on - row["due_date"]).days)
    return rows


async def pending_fees(actor: Actor, *, student_id: int | None = None) -> dict[str, Any]:
    """Structures with a balance left, by due date. A student gets their own, a parent
    their children's (or one child's); staff name the student."""
    authorize(actor, Permission.FEES_READ)
    if student_id is not None:
        await _check_student_visible(actor, student_id)
        wanted = [student_id]
    else:
        scope = await students.student_scope(actor)
        if scope.everyone:
            raise InvalidState("Give a student_id (the defaulters list covers every student)")
        wanted = list(scope.ids)
    rows = await connections.get("default").execute_query_dict(
        _BALANCE_SELECT + " WHERE fs.student_id = ANY($1::int[]) AND fs.total_fee > COALESCE(p.paid, 0)"
        " ORDER BY fs.due_date, fs.id", [wanted])
    on = today()
    records = [{**row, "is_overdue": row["due_date"] < on} for row in rows]
    if not records and student_id is not None and not await Student.exists(id=student_id):
        raise NotFound("Student not found")
    return {"records": records, "total": len(records)}


# Each structure's total and what its completed payments add up to are kept in
# `fee_balances` (migration 5, by triggers in the transaction of every payment and
# structure write), with a partial index on the open ones by due date: a page of the
# defaulters is a walk of that index stopping at the page, instead of summing every
# payment per request. The total adds up the open balances per due date that migration
# 15 keeps the same way, a few rows where counting the index entries past due cost 2 ms.
DEFAULTERS_PAGE_SQL = """
SELECT b.fee_structure_id, b.student_id, fs.academic_year, fs.semester, b.total_fee, b.paid AS total_paid,
       b.total_fee - b.paid AS balance, b.due_date, $1 - b.due_date AS days_overdue, s.student_code,
       u.first_name || ' ' || u.last_name AS student_name
FROM (
    SELECT fee_structure_id, student_id, due_date, total_fee, paid FROM fee_balances
    WHERE paid < total_fee AND due_date < $1
    ORDER BY due_date, student_id, fee_structure_id
    LIMIT $2 OFFSET $3
) b
JOIN fee_structures fs ON fs.id = b.fee_structure_id
JOIN students s ON s.id = b.student_id
JOIN users u ON u.id = s.user_id
ORDER BY b.due_date, b.student_id, b.fee_structure_id
"""
DEFAULTERS_COUNT_SQL = "SELECT COALESCE(sum(open_balances), 0) AS total FROM fee_open_counts WHERE due_date < $1"


async def fee_defaulters(actor: Actor, *, page: PageRequest) -> dict[str, Any]:
    """Every structure past its due date with a balance left, the longest overdue first,
    with whole days overdue; a page of them (`total` counts them all)."""
    authorize(actor, Permission.FEES_REPORT)
    on = today()
    connection = connections.get("default")
    total = (await connection.execute_query_dict(DEFAULTERS_COUNT_SQL, [on]))[0]["total"]
    rows: list[dict[str, Any]] = []
    if total and page.offset < total:
        rows = await connection.execute_query_dict(DEFAULTERS_PAGE_SQL, [on, page.page_size, page.offset])
    return {"defaulters": rows, "total": total}


async def iter_fee_defaulters(actor: Actor, *, chunk: int = 2000):  # type: ignore[no-untyped-def]
    """Every defaulter row, a page at a time (the CSV export)."""
    authorize(actor, Permission.FEES_REPORT)
    offset = 0
    on = today()
    connection = connections.get("default")
    while True:
        rows = await connection.execute_query_dict(DEFAULTERS_PAGE_SQL, [on, chunk, offset])
        for row in rows:
            yield row
        if len(rows) < chunk:
            return
        offset += chunk


# --- payments -----------------------------------------------------------------------------


async def list_fee_payments(
    actor: Actor, *, page: PageRequest, student_id: int | None = None, fee_structure_id: int | None = None,
    payment_status: PaymentStatus | None = None,
) -> Page[FeePayment]:
    filters = {"student_id": student_id, "fee_structure_id": fee_structure_id, "payment_status": payment_status}
    authorize(actor, Permission.FEES_READ)
    query = (await _scoped(actor, FeePayment.all())).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate(query.order_by("-id"), page)


async def get_fee_payment(actor: Actor, *, payment_id: int) -> FeePayment:
    return await get_or_404(visible_fee_payments(actor), payment_id, label="Payment")


def computed_late_fee(structure: FeeStructure, payment_date: dt.date) -> Decimal:
    """late_fee_per_day × whole days past the due date (none on or before it)."""
    days = max(0, (payment_date - structure.due_date).days)
    return (Decimal(structure.late_fee_per_day) * days).quantize(Decimal("0.01"))


def request_fingerprint(data: FeePaymentCreate) -> str:
    body = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _staff_id(actor: Actor) -> int:
    if actor.admin_staff_id is None:
        raise Forbidden("Only a member of staff with a staff record may take payments")
    return actor.admin_staff_id


_CLAIM_KEY = """
INSERT INTO fee_payment_idempotency_keys (user_id, idempotency_key, request_hash, created_at)
VALUES ($1, $2, $3, now())
ON CONFLICT (user_id, idempotency_key) DO NOTHING
RETURNING id
"""


async def record_payment(actor: Actor, *, data: FeePaymentCreate,
                         idempotency_key: str | None = None) -> tuple[FeePayment, bool]:
    """Record a completed payment; returns it and whether it is a replay of an earlier
    request with the same Idempotency-Key (nothing new recorded then)."""
    authorize(actor, Permission.FEES_WRITE)
    processed_by = _staff_id(actor)
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        raise InvalidState(f"Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} characters")
    payment_date = data.payment_date or today()
    if payment_date > today():
        raise InvalidState("payment_date cannot be in the future")
    async with atomic() as connection:
        claim_id = None
        if idempotency_key is not None:
            fingerprint = request_fingerprint(data)
            claimed = await connection.execute_query_dict(
                _CLAIM_KEY, [actor.user_id, idempotency_key, fingerprint])
            if not claimed:
                first = await connection.execute_query_dict(
                    "SELECT request_hash, payment_id FROM fee_payment_idempotency_keys "
                    "WHERE user_id = $1 AND idempotency_key = $2", [actor.user_id, idempotency_key])
                if first[0]["request_hash"] != fingerprint:
                    raise Conflict("This Idempotency-Key was used with a different request")
                return await FeePayment.get(id=first[0]["payment_id"]), True
            claim_id = claimed[0]["id"]

        structure = await FeeStructure.select_for_update().get_or_none(id=data.fee_structure_id)
        if structure is None:
            raise NotFound("Fee structure not found")
        if not await Student.exists(id=data.student_id):
            raise NotFound("Student not found")
        if structure.student_id != data.student_id:
            raise InvalidState("The fee structure belongs to another student")
        balance = Decimal(structure.total_fee) - await _paid(structure.id)
        if data.amount_paid > balance:
            raise InvalidState(f"The amount exceeds the balance of {balance:.2f}")
        expected_late_fee = computed_late_fee(structure, payment_date)
        late_fee = expected_late_fee if data.late_fee is None else data.late_fee
        remarks = data.remarks
        if late_fee != expected_late_fee:
            if not data.late_fee_reason:
                raise InvalidState(f"The late fee is {expected_late_fee:.2f}; give late_fee_reason to charge "
                                   "another amount")
            note = f"Late fee {late_fee:.2f} instead of {expected_late_fee:.2f}: {data.late_fee_reason}"
            remarks = f"{remarks} | {note}" if remarks else note
        if data.discount > data.amount_paid + late_fee:
            raise InvalidState("The discount cannot exceed the amount and the late fee")
        if data.transaction_id is not None and await FeePayment.exists(transaction_id=data.transaction_id):
            raise Conflict("A payment with this transaction_id already exists")
        number = (await connection.execute_query_dict("SELECT nextval('fee_receipt_number_seq') AS n"))[0]["n"]
        # Receipt numbers never repeat, so neither does a reference made from one.
        transaction_id = data.transaction_id or f"NOREF-{number:010d}"
        payment = await FeePayment.create(
            student_id=data.student_id, fee_structure_id=structure.id, amount_paid=data.amount_paid,
            payment_date=payment_date, payment_mode=data.payment_mode, transaction_id=transaction_id,
            receipt_number=f"RCP-{number:010d}", late_fee=late_fee, discount=data.discount,
            payment_status=PaymentStatus.COMPLETED, remarks=remarks, processed_by_id=processed_by,
        )
        if claim_id is not None:
            await connection.execute_query(
                "UPDATE fee_payment_idempotency_keys SET payment_id = $1 WHERE id = $2", [payment.id, claim_id])
        await audit.record(actor, "create", payment)
    return payment, False


async def refund_payment(actor: Actor, *, data: RefundCreate) -> dict[str, Any]:
    """A full refund, once: the payment becomes refunded and the balance re-opens."""
    authorize(actor, Permission.FEES_WRITE)
    _staff_id(actor)
    async with audited_edit(actor, visible_fee_payments(actor), data.payment_id, label="Payment") as payment:
        if payment.payment_status != PaymentStatus.COMPLETED:
            raise InvalidState(f"Only a completed payment can be refunded (this one is {payment.payment_status.value})")
        payment.payment_status = PaymentStatus.REFUNDED
        note = f"Refund: {data.reason}"
        payment.remarks = f"{payment.remarks} | {note}" if payment.remarks else note
    return {"payment_id": payment.id, "receipt_number": payment.receipt_number,
            "amount_refunded": payment.amount_paid, "status": payment.payment_status,
            "message": f"Payment {payment.receipt_number} refunded"}


async def university_name() -> str:
    university = await University.filter(is_active=True).order_by("id").first()
    return university.name if university else get_settings().university_name


async def payment_receipt(actor: Actor, *, payment_id: int) -> dict[str, Any]:
    """The receipt of one payment (§3.10), with the balance left once it was made."""
    payment = await get_fee_payment(actor, payment_id=payment_id)
    structure = await FeeStructure.get(id=payment.fee_structure_id)
    student = await Student.filter(id=payment.student_id).values(
        "student_code", first_name="user__first_name", last_name="user__last_name")
    rows = await connections.get("default").execute_query_dict(
        "SELECT COALESCE(SUM(amount_paid), 0) AS paid FROM fee_payments WHERE fee_structure_id = $1 "
        "AND payment_status = 'completed' AND id <= $2", [structure.id, payment.id])
    name = f"{student[0]['first_name']} {student[0]['last_name']}".strip() if student else ""
    return {
        "receipt_number": payment.receipt_number,
        "university_name": await university_name(),
        "student_id": payment.student_id,
        "student_code": student[0]["student_code"] if student else None,
        "student_name": name or "Unknown",
        "academic_year": structure.academic_year,
        "semester": structure.semester,
        "fee_breakdown": {
            "tuition": structure.tuition_fee, "lab": structure.lab_fee, "library": structure.library_fee,
            "sports": structure.sports_fee, "examination": structure.examination_fee,
            "hostel": structure.hostel_fee or ZERO, "other": structure.other_fee or ZERO,
            "total_fees": structure.total_fee,
        },
        "amount_paid": payment.amount_paid,
        "late_fee": payment.late_fee,
        "discount": payment.discount,
        "total_charged": Decimal(payment.amount_paid) + Decimal(payment.late_fee) - Decimal(payment.discount),
        "balance_after": Decimal(structure.total_fee) - Decimal(rows[0]["paid"]),
        "payment_date": payment.payment_date,
        "payment_mode": payment.payment_mode,
        "transaction_id": payment.transaction_id,
        "payment_status": payment.payment_status,
    }


# --- the printable receipt ----------------------------------------------------------------

_RECEIPT_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Receipt {{ r.receipt_number }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; color: #1d273b; }
header { border-bottom: 2px solid #1d273b; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 0 0 .75rem; font-weight: 500; }
table { width: 100%; border-collapse: collapse; margin: .75rem 0; }
td, th { padding: .3rem .5rem; border-bottom: 1px solid #dce1e7; text-align: left; }
td.amount, th.amount { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #1d273b; }
.meta td:first-child { color: #667382; width: 40%; }
.refunded { color: #d63939; font-weight: 600; }
@media print { .no-print { display: none; } body { margin: 0; } }
</style></head>
<body>
<header><h1 id="university">{{ r.university_name }}</h1><h2>Fee receipt <span id="receipt-number">{{ r.receipt_number }}</span></h2></header>
<table class="meta">
<tr><td>Student</td><td id="student">{{ r.student_name }}{% if r.student_code %} ({{ r.student_code }}){% endif %}</td></tr>
<tr><td>Academic year, semester</td><td>{{ r.academic_year }}, semester {{ r.semester }}</td></tr>
<tr><td>Payment date</td><td>{{ r.payment_date.isoformat() }}</td></tr>
<tr><td>Mode, transaction</td><td>{{ r.payment_mode.value }}, {{ r.transaction_id }}</td></tr>
<tr><td>Status</td><td class="{{ r.payment_status.value }}">{{ r.payment_status.value }}</td></tr>
</table>
<table id="breakdown">
<tr><th>Fee</th><th class="amount">Amount</th></tr>
{% for label, key in components %}<tr><td>{{ label }}</td><td class="amount">{{ money(r.fee_breakdown[key]) }}</td></tr>
{% endfor %}<tr class="total"><td>Total fees</td><td class="amount">{{ money(r.fee_breakdown.total_fees) }}</td></tr>
</table>
<table id="payment">
<tr><td>Amount paid</td><td class="amount">{{ money(r.amount_paid) }}</td></tr>
<tr><td>Late fee</td><td class="amount">{{ money(r.late_fee) }}</td></tr>
<tr><td>Discount</td><td class="amount">&minus;{{ money(r.discount) }}</td></tr>
<tr class="total"><td>Total charged</td><td class="amount" id="total-charged">{{ money(r.total_charged) }}</td></tr>
<tr><td>Balance left on this structure</td><td class="amount">{{ money(r.balance_after) }}</td></tr>
</table>
<p class="no-print"><button onclick="window.print()">Print</button></p>
</body></html>
"""  # noqa: E501 - the receipt's markup, one element a line
RECEIPT_COMPONENTS = (("Tuition", "tuition"), ("Laboratory", "lab"), ("Library", "library"), ("Sports", "sports"),
                      ("Examination", "examination"), ("Hostel", "hostel"), ("Other", "other"))


@functools.cache
def _receipt_template() -> Any:
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(_RECEIPT_TEMPLATE)


def render_receipt_html(receipt: dict[str, Any]) -> str:
    """The printable page of a receipt (`payment_receipt`'s result), escaped throughout."""
    return _receipt_template().render(r=receipt, components=RECEIPT_COMPONENTS, money=money)
