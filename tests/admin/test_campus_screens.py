"""The cashier's, librarian's and warden's screens over HTTP: who may open them, that every
write goes through the services (rules, audit rows), and the CSV lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import AuditLog, BookIssue, FeePayment, HostelAllocation, HostelRoom, LibraryBook
from tests import factories


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.mark.parametrize("path", ["/admin/cashier/list", "/admin/fee_defaulters/list", "/admin/library_desk/list",
                                  "/admin/overdue_books/list", "/admin/warden/list", "/admin/fee_defaulters/export"])
async def test_faculty_cannot_open_the_campus_desks(admin_login, path):
    faculty = await admin_login("faculty")
    assert (await faculty.get(path)).status_code == 403
    staff = await admin_login("staff")
    assert (await staff.get(path)).status_code == 200


async def test_the_menu_lists_the_desks_for_staff_only(admin_login):
    staff = await admin_login("staff")
    home = (await staff.get("/admin/")).text
    for label in ("Cashier", "Fee defaulters", "Library desk", "Overdue books", "Warden"):
        assert label in home
    faculty_home = (await (await admin_login("faculty")).get("/admin/")).text
    assert "Cashier" not in faculty_home and "Warden" not in faculty_home


async def test_anonymous_is_sent_to_the_login_page(anonymous):
    response = await anonymous.get("/admin/cashier/list")
    assert response.status_code in (302, 303, 307) and "/admin/login" in response.headers["location"]


async def test_cashier_records_a_payment_with_the_late_fee_and_refunds_it(admin_login):
    staff = await admin_login("staff")
    structure = await factories.create_fee_structure(due_date=_today() - dt.timedelta(days=4),
                                                     late_fee_per_day=Decimal(5))
    student_id = structure.student_id
    found = await staff.get("/admin/cashier/list", params={"q": (await structure.student).student_code})
    assert f"/admin/cashier/students/{student_id}" in found.text
    page = await staff.get(f"/admin/cashier/students/{student_id}")
    assert page.status_code == 200 and 'value="20.00"' in page.text and "58,000.00" in page.text
    form = {"student_id": student_id, "fee_structure_id": structure.id, "amount_paid": "1000.00",
            "payment_mode": "cash", "transaction_id": "", "late_fee": "20.00", "discount": "0.00",
            "idempotency_key": "form-abc"}
    posted = await staff.post("/admin/cashier/payments", data=form)
    assert posted.status_code == 303, posted.text
    payment = await FeePayment.get(fee_structure_id=structure.id)
    assert posted.headers["location"].endswith(f"/admin/cashier/receipts/{payment.id}")
    assert payment.late_fee == Decimal("20.00") and payment.transaction_id == "DESK-FORMABC"
    assert payment.processed_by_id == staff.profile.id  # type: ignore[attr-defined]
    # The same form submitted twice records one payment.
    assert (await staff.post("/admin/cashier/payments", data=form)).status_code == 303
    assert await FeePayment.filter(fee_structure_id=structure.id).count() == 1
    receipt = await staff.get(f"/admin/cashier/receipts/{payment.id}")
    assert payment.receipt_number in receipt.text and "₹1,000.00" in receipt.text

    too_much = await staff.post("/admin/cashier/payments", data={**form, "amount_paid": "99999",
                                                                 "idempotency_key": "form-2"})
    assert too_much.status_code == 400 and "exceeds the balance" in too_much.text
    bad = await staff.post("/admin/cashier/payments", data={**form, "amount_paid": "1.005", "idempotency_key": "x"})
    assert bad.status_code == 422 and "amount_paid" in bad.text

    refunded = await staff.post("/admin/cashier/refunds", data={"student_id": student_id, "payment_id": payment.id,
                                                                "reason": "Paid twice"})
    assert refunded.status_code == 303
    assert (await FeePayment.get(id=payment.id)).payment_status == "refunded"
    assert await AuditLog.filter(entity_type="fee_payments", entity_id=payment.id, user_id=staff.user.id).count() == 2


async def test_defaulters_and_overdue_lists_export_csv(admin_login):
    staff = await admin_login("staff")
    late = await factories.create_fee_structure(due_date=_today() - dt.timedelta(days=12))
    loan = await factories.create_loan(due_date=dt.datetime.now(dt.UTC) - dt.timedelta(days=3, hours=2))
    listed = await staff.get("/admin/fee_defaulters/list")
    assert "58,000.00" in listed.text and "12" in listed.text
    csv = await staff.get("/admin/fee_defaulters/export")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Student ID,Student code") and lines[1].split(",")[-3:] == [
        "58000.00", late.due_date.isoformat(), "12"]
    overdue = await staff.get("/admin/overdue_books/export")
    rows = overdue.text.lstrip("\ufeff").splitlines()
    assert len(rows) == 2 and rows[1].startswith(f"{loan.id},") and rows[1].endswith(",3,0.00,15.00")


async def test_librarian_issues_returns_and_collects_a_fine(admin_login):
    staff = await admin_login("staff")
    book = await factories.create_book(title="Signals and Systems", copies=1)
    borrower = await factories.create_user(first_name="Meera")
    desk = await staff.get("/admin/library_desk/list", params={"book_q": "signals", "who": "meera"})
    assert "Signals and Systems" in desk.text and f'value="{borrower.id}"' in desk.text
    issued = await staff.post("/admin/library_desk/issue", data={"book_id": book.id, "user_id": borrower.id})
    assert issued.status_code == 303
    loan = await BookIssue.get(book_id=book.id)
    assert (await LibraryBook.get(id=book.id)).copies_available == 0
    again = await staff.post("/admin/library_desk/issue", data={"book_id": book.id, "user_id": borrower.id})
    assert again.status_code == 409 and "already holds" in again.text
    await BookIssue.filter(id=loan.id).update(issue_date=dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
                                              due_date=dt.datetime.now(dt.UTC) - dt.timedelta(days=2, hours=1))
    returned = await staff.post("/admin/library_desk/return", data={"user_id": borrower.id, "issue_id": loan.id})
    assert returned.status_code == 303
    page = await staff.get(f"/admin/library_desk/borrowers/{borrower.id}")
    assert "10.00" in page.text and "Collect fine" in page.text
    paid = await staff.post("/admin/library_desk/pay_fine", data={"user_id": borrower.id, "issue_id": loan.id,
                                                                  "amount": "10.00"})
    assert paid.status_code == 303 and (await BookIssue.get(id=loan.id)).fine_amount == 0


async def test_warden_allocates_transfers_and_vacates(admin_login):
    staff = await admin_login("staff")
    hostel = await factories.create_hostel(name="Ganga Hall")
    first = await factories.create_room(hostel=hostel, room_number="G-1", capacity=1)
    second = await factories.create_room(hostel=hostel, room_number="G-2", capacity=2)
    student = await factories.create_student()
    page = await staff.get(f"/admin/warden/hostels/{hostel.id}", params={"q": student.student_code})
    assert "Room G-1" in page.text and student.student_code in page.text
    allocated = await staff.post("/admin/warden/allocate", data={"back_to_hostel": hostel.id, "student_id": student.id,
                                                                 "room_id": first.id, "academic_year": "2025-26"})
    assert allocated.status_code == 303
    allocation = await HostelAllocation.get(student_id=student.id, status="active")
    full = await staff.post("/admin/warden/allocate", data={"back_to_hostel": hostel.id,
                                                            "student_id": (await factories.create_student()).id,
                                                            "room_id": first.id, "academic_year": "2025-26"})
    assert full.status_code == 409 and "full" in full.text
    moved = await staff.post("/admin/warden/transfer", data={"back_to_hostel": hostel.id,
                                                             "allocation_id": allocation.id, "room_id": second.id})
    assert moved.status_code == 303
    new = await HostelAllocation.get(student_id=student.id, status="active")
    assert new.room_id == second.id  # type: ignore[attr-defined]
    assert (await staff.post("/admin/warden/vacate", data={"back_to_hostel": hostel.id, "allocation_id": new.id})
            ).status_code == 303
    assert (await HostelRoom.get(id=second.id)).occupied_beds == 0
    history = await staff.get(f"/admin/warden/students/{student.id}")
    assert "transferred" in history.text and "vacated" in history.text
    assert (await staff.get("/admin/warden/hostels/999999")).status_code == 404
