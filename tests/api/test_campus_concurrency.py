"""Money, books and beds under real concurrent requests (notes §3.8).

Each test sends its requests at once through the app (asyncio.gather over the ASGI
client: separate requests, each in its own transaction on its own pooled connection).
While they start, another connection holds the contested row locked, so that they pile
up behind it and race for it the moment it is released; then the counters are compared
with a recount of the rows behind them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections import Counter
from decimal import Decimal

import asyncpg

from dashboard.core.db import asyncpg_dsn
from models import BookIssue, FeePayment, Hostel, HostelAllocation, HostelRoom, LibraryBook
from tests import factories


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@contextlib.asynccontextmanager
async def _row_held(services, table: str, row_id: int):
    """Hold one row FOR UPDATE on another connection until the block's requests are
    under way, then let them all at it."""
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute(f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", row_id)
        async def _release_soon() -> None:
            await asyncio.sleep(0.5)
            await transaction.commit()

        task = asyncio.create_task(_release_soon())
        yield
        await task
    finally:
        await connection.close()


async def test_fifty_issues_of_the_last_copy_lend_it_once(staff_client, services):
    book = await factories.create_book(copies=3)
    await factories.create_loan(book=book)
    await factories.create_loan(book=book)
    borrowers = [await factories.create_user() for _ in range(50)]
    async with _row_held(services, "library_books", book.id):
        responses = await asyncio.gather(*[
            staff_client.post("/api/v1/library/issue", json={"book_id": book.id, "user_id": user.id})
            for user in borrowers])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 49}, [r.text for r in responses if r.status_code not in (201, 409)]
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {"No copies available for issue"}
    book = await LibraryBook.get(id=book.id)
    open_loans = await BookIssue.filter(book_id=book.id, status="issued").count()
    assert (book.copies_available, open_loans) == (0, 3)
    assert book.copies_available == book.copies_total - open_loans


async def test_fifty_allocations_of_the_last_bed_house_one_student(staff_client, services):
    hostel = await factories.create_hostel()
    room = await factories.create_room(hostel=hostel, capacity=3)
    await factories.create_allocation(room=room)
    await factories.create_allocation(room=await HostelRoom.get(id=room.id))
    students = [await factories.create_student() for _ in range(50)]
    async with _row_held(services, "hostel_rooms", room.id):
        responses = await asyncio.gather(*[
            staff_client.post("/api/v1/hostel-allocations", json={
                "student_id": student.id, "hostel_id": hostel.id, "room_id": room.id, "academic_year": "2025-26"})
            for student in students])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 49}, [r.text for r in responses if r.status_code not in (201, 409)]
    room = await HostelRoom.get(id=room.id)
    hostel = await Hostel.get(id=hostel.id)
    active = await HostelAllocation.filter(room_id=room.id, status="active").count()
    assert (room.occupied_beds, room.status, active) == (3, "occupied", 3)
    assert hostel.occupied_capacity == await HostelAllocation.filter(hostel_id=hostel.id, status="active").count()


async def test_one_student_allocated_to_many_rooms_at_once_gets_one(staff_client):
    student = await factories.create_student()
    hostel = await factories.create_hostel()
    rooms = [await factories.create_room(hostel=hostel) for _ in range(10)]
    responses = await asyncio.gather(*[
        staff_client.post("/api/v1/hostel-allocations", json={
            "student_id": student.id, "hostel_id": hostel.id, "room_id": room.id, "academic_year": "2025-26"})
        for room in rooms])
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 9}
    assert sum([(await HostelRoom.get(id=room.id)).occupied_beds for room in rooms]) == 1
    assert (await Hostel.get(id=hostel.id)).occupied_capacity == 1


async def test_twenty_payments_that_exceed_a_nearly_paid_balance_never_overpay(staff_client, services):
    structure = await factories.create_fee_structure(due_date=_today())
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("57000.00"))
    # 1000.00 left; twenty payments of 150.00 ask for 3000.00.
    async with _row_held(services, "fee_structures", structure.id):
        responses = await asyncio.gather(*[
            staff_client.post("/api/v1/fee-payments", json={
                "student_id": structure.student_id, "fee_structure_id": structure.id, "amount_paid": "150.00",
                "payment_mode": "cash", "transaction_id": f"RACE-{n:03d}"})
            for n in range(20)])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 6, 400: 14}, [r.text for r in responses if r.status_code not in (201, 400)]
    paid = sum(p.amount_paid for p in await FeePayment.filter(fee_structure_id=structure.id,
                                                              payment_status="completed"))
    assert paid == Decimal("57900.00") <= structure.total_fee
    receipts = [r.json()["receipt_number"] for r in responses if r.status_code == 201]
    assert len(set(receipts)) == 6


async def test_ten_simultaneous_retries_with_one_idempotency_key_record_one_payment(staff_client):
    structure = await factories.create_fee_structure(due_date=_today())
    body = {"student_id": structure.student_id, "fee_structure_id": structure.id, "amount_paid": "2500.00",
            "payment_mode": "card", "transaction_id": "CARD-778899"}
    responses = await asyncio.gather(*[
        staff_client.post("/api/v1/fee-payments", json=body, headers={"Idempotency-Key": "pos-42-1701"})
        for _ in range(10)])
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 9
    assert await FeePayment.filter(fee_structure_id=structure.id).count() == 1


async def test_returns_and_issues_racing_keep_the_counter_equal_to_a_recount(staff_client):
    book = await factories.create_book(copies=5)
    loans = [await factories.create_loan(book=book) for _ in range(3)]
    newcomers = [await factories.create_user() for _ in range(6)]
    requests = [staff_client.put("/api/v1/library/return", json={"issue_id": loan.id}) for loan in loans]
    requests += [staff_client.post("/api/v1/library/issue", json={"book_id": book.id, "user_id": user.id})
                 for user in newcomers]
    responses = await asyncio.gather(*requests)
    assert all(r.status_code in (200, 201, 409) for r in responses), [r.text for r in responses]
    book = await LibraryBook.get(id=book.id)
    open_loans = await BookIssue.filter(book_id=book.id, status="issued").count()
    assert 0 <= book.copies_available == book.copies_total - open_loans
