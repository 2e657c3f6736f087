"""The cashier's, librarian's and warden's desks in headless Chromium against the app under
uvicorn: what a member of staff does at each, end to end. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from admin_views.formatting import money
from models import BookIssue, FeePayment, HostelAllocation, HostelRoom, LibraryBook
from models.enums import UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser

def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def _styled(page) -> None:
    font = await page.evaluate("getComputedStyle(document.body).getPropertyValue('--tblr-font-sans-serif')")
    assert font.strip(), "Tabler's CSS variables are missing: the stylesheet did not load"
    assert page.outside_requests == []


async def test_cashier_takes_a_late_payment_and_prints_the_receipt(page):
    staff, _ = await make_person(UserType.STAFF)
    user = await factories.create_user(first_name="Aarav", last_name="Sharma")
    student = await factories.create_student(user=user, student_code="CS2024001")
    structure = await factories.create_fee_structure(student=student, due_date=_today() - dt.timedelta(days=6),
                                                     late_fee_per_day=Decimal(25))
    await browser_login(page, staff)

    await page.click("#admin-menu >> text=Cashier")
    await page.fill("#student-q", "CS2024001")
    await page.click("#student-search-button")
    await page.wait_for_url("**q=CS2024001**")
    await page.click("#students-found .open-student")
    await page.wait_for_url(f"**/admin/cashier/students/{student.id}")
    assert await page.input_value("#pay-late-fee") == "150.00"
    assert await page.input_value("#pay-amount") == "58000.00"
    await page.fill("#pay-amount", "30000")
    await page.select_option("#pay-mode", "upi")
    await page.fill("#pay-transaction", "UPI-778812")
    await _styled(page)
    await page.screenshot(path=artifact("cashier_student.png"), full_page=True)
    await page.click("#pay-button")
    await page.wait_for_url("**/admin/cashier/receipts/*")

    payment = await FeePayment.get(fee_structure_id=structure.id)
    assert (payment.amount_paid, payment.late_fee, payment.transaction_id) == (
        Decimal("30000.00"), Decimal("150.00"), "UPI-778812")
    assert await page.locator("#receipt-number").inner_text() == payment.receipt_number
    assert await page.locator("#total-charged").inner_text() == money(Decimal("30150"))
    assert "Aarav Sharma (CS2024001)" in await page.locator("#student").inner_text()
    await page.screenshot(path=artifact("cashier_receipt.png"), full_page=True)

    await page.goto(f"/admin/cashier/students/{student.id}")
    assert await page.locator("#balances .balance").first.inner_text() == money(Decimal("28000"))
    page.once("dialog", lambda dialog: dialog.accept())
    await page.fill("#payments .refund-form input[name=reason]", "Cheque bounced")
    await page.click("#payments .refund-button")
    await page.wait_for_selector("#screen-notice")
    assert (await FeePayment.get(id=payment.id)).payment_status == "refunded"
    assert await page.locator("#balances .balance").first.inner_text() == money(Decimal("58000"))


async def test_librarian_issues_a_book_and_takes_it_back_with_the_fine(page):
    staff, _ = await make_person(UserType.STAFF)
    book = await factories.create_book(title="Digital Signal Processing", author="Proakis", copies=1)
    borrower = await factories.create_user(first_name="Kavya", last_name="Iyer")
    await browser_login(page, staff)

    await page.click("#admin-menu >> text=Library desk")
    await page.fill("#book-q", "signal")
    await page.fill("#borrower-q", "kavya")
    await page.click("#desk-search-button")
    await page.wait_for_url("**book_q=signal**")
    await page.wait_for_load_state()
    assert await page.locator("#books-found tbody tr[data-id]").count() == 1
    await _styled(page)
    await page.screenshot(path=artifact("library_desk.png"), full_page=True)
    await page.click("#issue-button")
    await page.wait_for_url(f"**/admin/library_desk/borrowers/{borrower.id}**")
    assert await page.locator("#screen-notice").inner_text() == "Book issued"
    loan = await BookIssue.get(book_id=book.id, user_id=borrower.id)
    assert (await LibraryBook.get(id=book.id)).copies_available == 0

    # Five days and a bit late by the time it comes back.
    now = dt.datetime.now(dt.UTC)
    await BookIssue.filter(id=loan.id).update(issue_date=now - dt.timedelta(days=19),
                                              due_date=now - dt.timedelta(days=5, hours=3))
    await page.reload()
    await page.click(f"#loans tr[data-id='{loan.id}'] .return-button")
    await page.wait_for_selector("#screen-notice")
    row = page.locator(f"#loans tr[data-id='{loan.id}']")
    assert await row.get_attribute("data-status") == "returned"
    assert await row.locator(".fine").inner_text() == "₹25.00"
    assert (await LibraryBook.get(id=book.id)).copies_available == 1
    await page.screenshot(path=artifact("library_borrower.png"), full_page=True)
    await row.locator(".fine-button").click()
    await page.wait_for_selector("#screen-notice")
    assert (await BookIssue.get(id=loan.id)).fine_amount == 0


async def test_warden_allocates_and_transfers_a_student(page):
    staff, _ = await make_person(UserType.STAFF)
    hostel = await factories.create_hostel(name="Narmada Hall", hostel_type="girls", total_capacity=5)
    single = await factories.create_room(hostel=hostel, room_number="N-101", room_type="single", capacity=1)
    double = await factories.create_room(hostel=hostel, room_number="N-102", capacity=2)
    await factories.create_room(hostel=hostel, room_number="N-103", capacity=2, status="maintenance")
    user = await factories.create_user(first_name="Diya", last_name="Menon", gender="female")
    student = await factories.create_student(user=user, student_code="EE2025007")
    await browser_login(page, staff)

    await page.click("#admin-menu >> text=Warden")
    await page.click(f"#hostels a[data-id='{hostel.id}']")
    await page.fill("#student-q", "EE2025007")
    await page.click("#student-search-button")
    await page.wait_for_url("**q=EE2025007**")
    await page.select_option("#allocate-room", str(single.id))
    await page.fill("#allocate-year", "2025-26")
    await page.click("#allocate-button")
    await page.wait_for_selector("#screen-notice")
    room_card = page.locator(f"#rooms .room[data-id='{single.id}']")
    assert "1/1" in await room_card.locator(".beds").inner_text()
    assert "Diya Menon" in await room_card.locator(".residents").inner_text()
    await _styled(page)
    await page.screenshot(path=artifact("warden_allocated.png"), full_page=True)

    await room_card.locator(".transfer-room").select_option(str(double.id))
    await room_card.locator(".transfer-button").click()
    await page.wait_for_selector("#screen-notice")
    active = await HostelAllocation.get(student_id=student.id, status="active")
    assert active.room_id == double.id  # type: ignore[attr-defined]
    assert (await HostelRoom.get(id=single.id)).occupied_beds == 0
    assert "Diya Menon" in await page.locator(f"#rooms .room[data-id='{double.id}'] .residents").inner_text()
    assert "0/1" in await page.locator(f"#rooms .room[data-id='{single.id}'] .beds").inner_text()
    await page.screenshot(path=artifact("warden_transferred.png"), full_page=True)
