"""/api/v1/fee-structures and /api/v1/fee-payments (domain.md §3.10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard.services import fees as fee_service
from models import AuditLog, FeePayment, FeeStructure
from tests import factories

STRUCTURES = "/api/v1/fee-structures"
PAYMENTS = "/api/v1/fee-payments"
def _today() -> dt.date:
    """Read at each use: a long run may cross midnight UTC."""
    return dt.datetime.now(dt.UTC).date()


def _structure_payload(student, **overrides) -> dict:
    payload = {"student_id": student.id, "academic_year": "2025-26", "semester": 1, "tuition_fee": "50000.00",
               "lab_fee": "5000", "library_fee": 1000, "sports_fee": "500.50", "examination_fee": "1500",
               "hostel_fee": None, "other_fee": "0.00", "due_date": "2025-09-30", "late_fee_per_day": "10.00"}
    payload.update(overrides)
    return payload


def _payment_payload(structure, **overrides) -> dict:
    payload = {"student_id": structure.student_id, "fee_structure_id": structure.id, "amount_paid": "1000.00",
               "payment_date": _today().isoformat(), "payment_mode": "upi", "transaction_id": "UPI-0001"}
    payload.update(overrides)
    return payload


async def _payments_snapshot() -> list[tuple]:
    return await FeePayment.all().order_by("id").values_list(
        "id", "amount_paid", "payment_status", "late_fee", "remarks", "receipt_number")


# --- structures ---------------------------------------------------------------------------


async def test_staff_create_a_structure_whose_total_is_the_sum(staff_client):
    student = await factories.create_student()
    response = await staff_client.post(STRUCTURES, json=_structure_payload(student))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["total_fee"] == "58000.50" and body["program_id"] == student.program_id
    assert body["tuition_fee"] == "50000.00" and body["hostel_fee"] is None
    assert await AuditLog.exists(entity_type="fee_structures", entity_id=body["id"], action="create")


async def test_the_spec_spelling_of_academic_year_is_accepted_in_the_body_and_the_filter(staff_client):
    student = await factories.create_student()
    payload = _structure_payload(student)
    payload["acedamic_year"] = payload.pop("academic_year")
    assert (await staff_client.post(STRUCTURES, json=payload)).status_code == 201
    await factories.create_fee_structure(student=student, academic_year="2026-27")
    for name in ("academic_year", "acedamic_year"):
        listed = (await staff_client.get(STRUCTURES, params={name: "2025-26"})).json()
        assert [s["academic_year"] for s in listed["items"]] == ["2025-26"]


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"total_fee": "100.00"}, 400, "total_fee must be the sum of the components (58000.50)"),
        ({"student_id": 999999}, 404, "Student not found"),
        ({"program_id": "other"}, 400, "program_id must be the student's program"),
        ({"semester": 1}, 409, "A fee structure for this student, program, year and semester already exists"),
    ],
)
async def test_create_refusals_change_nothing(staff_client, overrides, status, message):
    student = await factories.create_student()
    await factories.create_fee_structure(student=student)
    if overrides.get("program_id") == "other":
        overrides["program_id"] = (await factories.create_program()).id
    before = await FeeStructure.all().count()
    response = await staff_client.post(STRUCTURES, json=_structure_payload(student, **overrides))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await FeeStructure.all().count() == before


@pytest.mark.parametrize("overrides", [{"tuition_fee": "-1"}, {"lab_fee": "1.005"}, {"academic_year": "2025-27"},
                                       {"semester": 0}, {"due_date": "soon"}, {"id": 4}])
async def test_invalid_structures_are_422(staff_client, overrides):
    student = await factories.create_student()
    response = await staff_client.post(STRUCTURES, json=_structure_payload(student, **overrides))
    assert response.status_code == 422, response.text
    assert await FeeStructure.all().count() == 0


async def test_list_filters(staff_client):
    first = await factories.create_student()
    second = await factories.create_student()
    a = await factories.create_fee_structure(student=first, semester=1)
    b = await factories.create_fee_structure(student=first, semester=2)
    c = await factories.create_fee_structure(student=second, semester=1)
    everything = (await staff_client.get(STRUCTURES)).json()
    assert [s["id"] for s in everything["items"]] == [c.id, b.id, a.id] and everything["total"] == 3
    assert [s["id"] for s in (await staff_client.get(STRUCTURES, params={"student_id": first.id})).json()["items"]] \
        == [b.id, a.id]
    assert [s["id"] for s in (await staff_client.get(STRUCTURES, params={"semester": 1})).json()["items"]] \
        == [c.id, a.id]
    by_program = await staff_client.get(STRUCTURES, params={"program_id": second.program_id})
    assert [s["id"] for s in by_program.json()["items"]] == [c.id]


async def test_update_recomputes_the_total_and_keeps_it_above_what_is_paid(staff_client):
    structure = await factories.create_fee_structure()
    response = await staff_client.put(f"{STRUCTURES}/{structure.id}", json={"lab_fee": "0", "due_date": "2025-10-15"})
    assert response.status_code == 200, response.text
    assert response.json()["total_fee"] == "53000.00" and response.json()["due_date"] == "2025-10-15"
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("52000.00"))
    refused = await staff_client.put(f"{STRUCTURES}/{structure.id}", json={"tuition_fee": "1000"})
    assert refused.status_code == 400 and "52000.00 already paid" in refused.json()["detail"]
    assert (await staff_client.put(f"{STRUCTURES}/{structure.id}", json={})).status_code == 400
    assert (await staff_client.put(f"{STRUCTURES}/{structure.id}", json={"tuition_fee": None})).status_code == 400
    assert (await staff_client.put(f"{STRUCTURES}/{structure.id}", json={"semester": 2})).status_code == 422
    assert (await staff_client.put(f"{STRUCTURES}/999999", json={"lab_fee": "1"})).status_code == 404
    assert (await FeeStructure.get(id=structure.id)).total_fee == Decimal("53000.00")


async def test_students_and_parents_read_only_their_own_structures(login_as):
    student_client = await login_as("student")
    own = await factories.create_fee_structure(student=student_client.profile)
    other = await factories.create_fee_structure()
    listed = (await student_client.get(STRUCTURES)).json()
    assert [s["id"] for s in listed["items"]] == [own.id]
    assert (await student_client.get(f"{STRUCTURES}/{other.id}")).status_code == 404
    assert (await student_client.post(STRUCTURES, json=_structure_payload(student_client.profile))).status_code == 403
    parent_client = await login_as("parent")
    child = await factories.create_student(parent=parent_client.profile)
    childs = await factories.create_fee_structure(student=child)
    assert [s["id"] for s in (await parent_client.get(STRUCTURES)).json()["items"]] == [childs.id]
    faculty_client = await login_as("faculty")
    assert (await faculty_client.get(STRUCTURES)).status_code == 403


# --- payments -----------------------------------------------------------------------------


async def test_a_payment_gets_a_receipt_number_and_the_late_fee_the_server_computes(staff_client):
    due = _today() - dt.timedelta(days=3)
    structure = await factories.create_fee_structure(due_date=due, late_fee_per_day=Decimal("12.50"))
    response = await staff_client.post(PAYMENTS, json=_payment_payload(structure))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["late_fee"] == "37.50" and body["payment_status"] == "completed"
    assert body["receipt_number"].startswith("RCP-") and body["processed_by"] == staff_client.profile.id
    second = await staff_client.post(PAYMENTS, json=_payment_payload(structure, transaction_id="UPI-0002"))
    assert int(second.json()["receipt_number"][4:]) == int(body["receipt_number"][4:]) + 1
    on_time = await staff_client.post(PAYMENTS, json=_payment_payload(
        structure, transaction_id="UPI-0003", payment_date=(due - dt.timedelta(days=1)).isoformat()))
    assert on_time.json()["late_fee"] == "0.00"
    assert await AuditLog.exists(entity_type="fee_payments", entity_id=body["id"], action="create")


async def test_overriding_the_late_fee_needs_a_reason(staff_client):
    structure = await factories.create_fee_structure(due_date=_today() - dt.timedelta(days=2),
                                                     late_fee_per_day=Decimal(10))
    refused = await staff_client.post(PAYMENTS, json=_payment_payload(structure, late_fee="0"))
    assert refused.status_code == 400 and "late_fee_reason" in refused.json()["detail"]
    waived = await staff_client.post(PAYMENTS, json=_payment_payload(
        structure, late_fee="0", late_fee_reason="Bank holiday delay"))
    assert waived.status_code == 201
    assert waived.json()["late_fee"] == "0.00" and "Bank holiday delay" in waived.json()["remarks"]


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"amount_paid": "58000.01"}, 400, "The amount exceeds the balance of 58000.00"),
        ({"fee_structure_id": 999999}, 404, "Fee structure not found"),
        ({"student_id": 999999}, 404, "Student not found"),
        ({"student_id": "other"}, 400, "The fee structure belongs to another student"),
        ({"transaction_id": "TAKEN-1"}, 409, "A payment with this transaction_id already exists"),
        ({"payment_date": (_today() + dt.timedelta(days=2)).isoformat()}, 400, "payment_date cannot be in the future"),
        ({"discount": "5000"}, 400, "The discount cannot exceed the amount and the late fee"),
    ],
)
async def test_payment_refusals_change_nothing(staff_client, overrides, status, message):
    structure = await factories.create_fee_structure(due_date=_today())
    await factories.create_fee_payment(transaction_id="TAKEN-1", amount_paid=Decimal(1))
    if overrides.get("student_id") == "other":
        overrides["student_id"] = (await factories.create_student()).id
    before = await _payments_snapshot()
    response = await staff_client.post(PAYMENTS, json=_payment_payload(structure, **overrides))
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _payments_snapshot() == before


@pytest.mark.parametrize("overrides", [
    {"amount_paid": "0"}, {"amount_paid": "-5.00"}, {"amount_paid": "10.005"}, {"payment_mode": "bitcoin"},
    {"amount_paid": "ten"}, {"fee_structure_id": 0}, {"receipt_number": "RCP-1"},
    {"late_fee": "-1"},
])
async def test_invalid_payments_are_422_and_record_nothing(staff_client, overrides):
    structure = await factories.create_fee_structure()
    response = await staff_client.post(PAYMENTS, json=_payment_payload(structure, **overrides))
    assert response.status_code == 422, response.text
    assert await FeePayment.all().count() == 0


async def test_an_empty_body_is_422(staff_client):
    assert (await staff_client.post(PAYMENTS, json={})).status_code == 422
    assert (await staff_client.post(f"{PAYMENTS}/refund", json={})).status_code == 422
    assert await FeePayment.all().count() == 0


async def test_refund_is_full_and_once_and_reopens_the_balance(staff_client):
    structure = await factories.create_fee_structure(due_date=_today() + dt.timedelta(days=30))
    paid = await staff_client.post(PAYMENTS, json=_payment_payload(structure, amount_paid="58000.00"))
    payment_id = paid.json()["id"]
    student_id = structure.student_id
    assert (await staff_client.get(f"{PAYMENTS}/pending", params={"student_id": student_id})).json()["total"] == 0
    refund = await staff_client.post(f"{PAYMENTS}/refund", json={"payment_id": payment_id, "reason": "Duplicate"})
    assert refund.status_code == 200, refund.text
    assert refund.json()["amount_refunded"] == "58000.00" and refund.json()["status"] == "refunded"
    again = await staff_client.post(f"{PAYMENTS}/refund", json={"payment_id": payment_id, "reason": "Duplicate"})
    assert again.status_code == 400
    pending = (await staff_client.get(f"{PAYMENTS}/pending", params={"student_id": student_id})).json()
    assert pending["records"][0]["balance"] == "58000.00"
    assert (await FeePayment.get(id=payment_id)).remarks == "Refund: Duplicate"
    assert (await staff_client.post(f"{PAYMENTS}/refund", json={"payment_id": 999999, "reason": "x" * 5})
            ).status_code == 404


async def test_list_and_get_payments_with_filters(staff_client):
    structure = await factories.create_fee_structure()
    first = await factories.create_fee_payment(fee_structure=structure)
    refunded = await factories.create_fee_payment(fee_structure=structure, payment_status="refunded")
    other = await factories.create_fee_payment()
    assert [p["id"] for p in (await staff_client.get(PAYMENTS)).json()["items"]] == [other.id, refunded.id, first.id]
    by_structure = await staff_client.get(PAYMENTS, params={"fee_structure_id": structure.id})
    assert [p["id"] for p in by_structure.json()["items"]] == [refunded.id, first.id]
    by_student = await staff_client.get(PAYMENTS, params={"student_id": other.student_id})
    assert [p["id"] for p in by_student.json()["items"]] == [other.id]
    by_status = await staff_client.get(PAYMENTS, params={"payment_status": "refunded"})
    assert [p["id"] for p in by_status.json()["items"]] == [refunded.id]
    assert (await staff_client.get(PAYMENTS, params={"payment_status": "lost"})).status_code == 422
    got = await staff_client.get(f"{PAYMENTS}/{first.id}")
    assert got.status_code == 200 and got.json()["amount_paid"] == "20000.00"
    assert (await staff_client.get(f"{PAYMENTS}/999999")).status_code == 404


async def test_a_student_sees_only_their_own_payments_and_cannot_pay_or_refund(login_as):
    student_client = await login_as("student")
    own = await factories.create_fee_payment(student=student_client.profile)
    other = await factories.create_fee_payment()
    assert [p["id"] for p in (await student_client.get(PAYMENTS)).json()["items"]] == [own.id]
    assert [p["id"] for p in (await student_client.get(PAYMENTS, params={"student_id": other.student_id})
                              ).json()["items"]] == []
    assert (await student_client.get(f"{PAYMENTS}/{other.id}")).status_code == 404
    assert (await student_client.get(f"{PAYMENTS}/{other.id}/receipt")).status_code == 404
    structure = await FeeStructure.get(id=own.fee_structure_id)
    assert (await student_client.post(PAYMENTS, json=_payment_payload(structure))).status_code == 403
    assert (await student_client.post(f"{PAYMENTS}/refund", json={"payment_id": own.id, "reason": "mine"})
            ).status_code == 403
    assert (await student_client.get(f"{PAYMENTS}/defaulters")).status_code == 403


async def test_staff_without_a_staff_record_cannot_take_payments(login_as):
    from models import User

    user = await factories.create_user(user_type="staff")
    client = await login_as("staff", user=await User.get(id=user.id))
    structure = await factories.create_fee_structure()
    response = await client.post(PAYMENTS, json=_payment_payload(structure))
    assert response.status_code == 403 and "staff record" in response.json()["detail"]


# --- pending and defaulters ---------------------------------------------------------------


async def test_pending_for_self_parent_and_staff(login_as, staff_client):
    student_client = await login_as("student")
    me = student_client.profile
    overdue = await factories.create_fee_structure(student=me, semester=1, due_date=_today() - dt.timedelta(days=10))
    upcoming = await factories.create_fee_structure(student=me, semester=2, due_date=_today() + dt.timedelta(days=10))
    settled = await factories.create_fee_structure(student=me, semester=3, due_date=_today())
    await factories.create_fee_payment(fee_structure=overdue, amount_paid=Decimal("8000.00"))
    await factories.create_fee_payment(fee_structure=settled, amount_paid=Decimal("58000.00"))
    await factories.create_fee_payment(fee_structure=upcoming, amount_paid=Decimal("58000.00"),
                                       payment_status="refunded")
    mine = (await student_client.get(f"{PAYMENTS}/pending")).json()
    assert mine["total"] == 2
    assert [(r["fee_structure_id"], r["total_paid"], r["balance"], r["is_overdue"]) for r in mine["records"]] == [
        (overdue.id, "8000.00", "50000.00", True), (upcoming.id, "0.00", "58000.00", False)]
    stranger = await factories.create_student()
    assert (await student_client.get(f"{PAYMENTS}/pending", params={"student_id": stranger.id})).status_code == 404

    parent_client = await login_as("parent")
    child = await factories.create_student(parent=parent_client.profile)
    await factories.create_fee_structure(student=child)
    assert (await parent_client.get(f"{PAYMENTS}/pending")).json()["total"] == 1
    assert (await parent_client.get(f"{PAYMENTS}/pending", params={"student_id": me.id})).status_code == 404

    assert (await staff_client.get(f"{PAYMENTS}/pending", params={"student_id": me.id})).json()["total"] == 2
    assert (await staff_client.get(f"{PAYMENTS}/pending")).status_code == 400
    assert (await staff_client.get(f"{PAYMENTS}/pending", params={"student_id": 999999})).status_code == 404


async def test_defaulters_list_overdue_balances_with_days(staff_client):
    late = await factories.create_student()
    await factories.create_fee_structure(student=late, due_date=_today() - dt.timedelta(days=40))
    partly = await factories.create_fee_structure(due_date=_today() - dt.timedelta(days=5))
    await factories.create_fee_payment(fee_structure=partly, amount_paid=Decimal(50000))
    paid = await factories.create_fee_structure(due_date=_today() - dt.timedelta(days=5))
    await factories.create_fee_payment(fee_structure=paid, amount_paid=Decimal(58000))
    await factories.create_fee_structure(due_date=_today() + dt.timedelta(days=5))
    body = (await staff_client.get(f"{PAYMENTS}/defaulters")).json()
    assert body["total"] == 2
    assert [(d["student_id"], d["days_overdue"], d["balance"]) for d in body["defaulters"]] == [
        (late.id, 40, "58000.00"), (partly.student_id, 5, "8000.00")]
    assert body["defaulters"][0]["student_code"] == late.student_code
    second_page = (await staff_client.get(f"{PAYMENTS}/defaulters", params={"page": 2, "page_size": 1})).json()
    assert [d["fee_structure_id"] for d in second_page["defaulters"]] == [partly.id] and second_page["total"] == 2
    past_the_end = (await staff_client.get(f"{PAYMENTS}/defaulters", params={"page": 3, "page_size": 1})).json()
    assert past_the_end == {"defaulters": [], "total": 2}


# --- receipts and idempotency -------------------------------------------------------------


async def test_receipt_as_json_and_as_a_printable_page(staff_client, login_as):
    student_client = await login_as("student")
    structure = await factories.create_fee_structure(student=student_client.profile, hostel_fee=Decimal(0))
    paid = await staff_client.post(PAYMENTS, json=_payment_payload(structure, amount_paid="8000.00"))
    payment_id = paid.json()["id"]
    receipt = (await student_client.get(f"{PAYMENTS}/{payment_id}/receipt")).json()
    user = student_client.user
    assert receipt["receipt_number"] == paid.json()["receipt_number"]
    assert receipt["student_name"] == f"{user.first_name} {user.last_name}"
    assert receipt["fee_breakdown"] == {"tuition": "50000.00", "lab": "5000.00", "library": "1000.00",
                                        "sports": "500.00", "examination": "1500.00", "hostel": "0.00",
                                        "other": "0.00", "total_fees": "58000.00"}
    assert receipt["balance_after"] == "50000.00" and receipt["university_name"]
    page = await student_client.get(f"{PAYMENTS}/{payment_id}/receipt", params={"format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert receipt["receipt_number"] in page.text and "58,000.00" in page.text and "Tuition" in page.text
    assert (await student_client.get(f"{PAYMENTS}/{payment_id}/receipt", params={"format": "pdf"})
            ).status_code == 422


async def test_the_receipt_page_escapes_what_people_typed(staff_client):
    user = await factories.create_user(first_name="<script>alert(1)</script>")
    student = await factories.create_student(user=user)
    structure = await factories.create_fee_structure(student=student)
    payment = await factories.create_fee_payment(fee_structure=structure)
    page = await staff_client.get(f"{PAYMENTS}/{payment.id}/receipt", params={"format": "html"})
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_payment(staff_client):
    structure = await factories.create_fee_structure()
    headers = {"Idempotency-Key": "till-7-000123"}
    first = await staff_client.post(PAYMENTS, json=_payment_payload(structure), headers=headers)
    again = await staff_client.post(PAYMENTS, json=_payment_payload(structure), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert await FeePayment.all().count() == 1
    other_body = await staff_client.post(PAYMENTS, json=_payment_payload(structure, amount_paid="5.00"),
                                         headers=headers)
    assert other_body.status_code == 409 and "different request" in other_body.json()["detail"]
    assert await FeePayment.all().count() == 1


async def test_a_failed_request_does_not_use_up_its_idempotency_key(staff_client):
    structure = await factories.create_fee_structure()
    headers = {"Idempotency-Key": "retry-after-fix"}
    too_much = await staff_client.post(PAYMENTS, json=_payment_payload(structure, amount_paid="99999"),
                                       headers=headers)
    assert too_much.status_code == 400
    # The client corrects the amount under a new key; the old key left nothing behind.
    assert (await staff_client.post(PAYMENTS, json=_payment_payload(structure, amount_paid="99999"),
                                    headers=headers)).status_code == 400
    assert (await staff_client.post(PAYMENTS, json=_payment_payload(structure), headers=headers)).status_code == 201


async def test_the_computed_late_fee_is_whole_days_past_due():
    structure = FeeStructure(due_date=dt.date(2025, 9, 30), late_fee_per_day=Decimal("7.25"))
    assert fee_service.computed_late_fee(structure, dt.date(2025, 9, 30)) == Decimal("0.00")
    assert fee_service.computed_late_fee(structure, dt.date(2025, 10, 4)) == Decimal("29.00")
    assert fee_service.computed_late_fee(structure, dt.date(2025, 9, 1)) == Decimal("0.00")


async def test_a_payment_without_a_reference_gets_one_from_its_receipt_number(staff_client):
    structure = await factories.create_fee_structure()
    payload = _payment_payload(structure, payment_mode="cash")
    del payload["transaction_id"]
    response = await staff_client.post(PAYMENTS, json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["transaction_id"] == "NOREF-" + body["receipt_number"].removeprefix("RCP-")
    assert (await staff_client.post(PAYMENTS, json={**payload, "transaction_id": ""})).status_code == 422
