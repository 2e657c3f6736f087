"""/api/v1/library (domain.md §3.11): books, circulation, search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tortoise import connections

from dashboard.services import library as library_service
from models import AuditLog, BookIssue, LibraryBook
from tests import factories

BOOKS = "/api/v1/library/books"
LIB = "/api/v1/library"
def _now() -> dt.datetime:
    """Read at each use: a long run must not compare with the time the module was imported."""
    return dt.datetime.now(dt.UTC)


def _book_payload(**overrides) -> dict:
    payload = {"title": "Introduction to Algorithms", "author": "Cormen", "isbn": "978-0262033848",
               "publisher": "MIT Press", "category": "Computer Science", "copies_total": 3, "price": "899.00"}
    payload.update(overrides)
    return payload


async def _books_snapshot() -> list[tuple]:
    return await LibraryBook.all().order_by("id").values_list("id", "title", "copies_total", "copies_available")


async def _loans_snapshot() -> list[tuple]:
    return await BookIssue.all().order_by("id").values_list("id", "status", "due_date", "fine_amount",
                                                            "renewal_count")


async def _fine_payments() -> list[dict]:
    return await connections.get("default").execute_query_dict(
        "SELECT book_issue_id, amount, received_by_id FROM library_fine_payments ORDER BY id")


# --- books --------------------------------------------------------------------------------


async def test_staff_add_a_book_with_every_copy_on_the_shelf(staff_client):
    response = await staff_client.post(BOOKS, json=_book_payload())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["copies_total"] == body["copies_available"] == 3 and body["price"] == "899.00"
    assert await AuditLog.exists(entity_type="library_books", entity_id=body["id"], action="create")
    duplicate = await staff_client.post(BOOKS, json=_book_payload(title="Another"))
    assert duplicate.status_code == 409 and duplicate.json()["detail"] == "A book with this ISBN already exists"
    assert (await staff_client.post(BOOKS, json=_book_payload(isbn="9781111111111", department_id=999999))
            ).status_code == 404


@pytest.mark.parametrize("overrides", [{"copies_total": 0}, {"isbn": "abc"}, {"price": "1.001"}, {"title": ""},
                                       {"copies_available": 5}, {"pages": 0}])
async def test_invalid_books_are_422(staff_client, overrides):
    assert (await staff_client.post(BOOKS, json=_book_payload(**overrides))).status_code == 422
    assert await LibraryBook.all().count() == 0


async def test_copies_total_keeps_the_copies_on_loan(staff_client):
    book = await factories.create_book(copies=3)
    await factories.create_loan(book=book)
    await factories.create_loan(book=book)
    grown = await staff_client.put(f"{BOOKS}/{book.id}", json={"copies_total": 5})
    assert grown.status_code == 200 and (grown.json()["copies_total"], grown.json()["copies_available"]) == (5, 3)
    refused = await staff_client.put(f"{BOOKS}/{book.id}", json={"copies_total": 1})
    assert refused.status_code == 400 and "2 copies on loan" in refused.json()["detail"]
    assert (await staff_client.put(f"{BOOKS}/{book.id}", json={"isbn": "9780000000000"})).status_code == 422
    assert (await staff_client.put(f"{BOOKS}/{book.id}", json={})).status_code == 400
    assert (await staff_client.put(f"{BOOKS}/{book.id}", json={"title": None})).status_code == 400
    assert (await staff_client.put(f"{BOOKS}/999999", json={"title": "x"})).status_code == 404
    shrunk = await staff_client.put(f"{BOOKS}/{book.id}", json={"copies_total": 2, "is_referenced": False})
    assert (shrunk.json()["copies_total"], shrunk.json()["copies_available"]) == (2, 0)


async def test_a_book_with_loan_history_is_never_deleted(staff_client):
    lent = await factories.create_book()
    loan = await factories.create_loan(book=lent)
    await BookIssue.filter(id=loan.id).update(status="returned", return_date=_now())
    refused = await staff_client.delete(f"{BOOKS}/{lent.id}")
    assert refused.status_code == 409 and "loan history" in refused.json()["detail"]
    never_lent = await factories.create_book()
    assert (await staff_client.delete(f"{BOOKS}/{never_lent.id}")).status_code == 204
    assert await LibraryBook.filter(id=lent.id).exists() and not await LibraryBook.filter(id=never_lent.id).exists()
    assert (await staff_client.delete(f"{BOOKS}/{never_lent.id}")).status_code == 404


async def test_list_filters_and_get(student_client):
    department = await factories.create_department()
    science = await factories.create_book(category="Science", department=department)
    reference = await factories.create_book(category="Reference", is_reference=True)
    listed = (await student_client.get(BOOKS)).json()
    assert [b["id"] for b in listed["items"]] == [reference.id, science.id]
    assert [b["id"] for b in (await student_client.get(BOOKS, params={"category": "science"})).json()["items"]] \
        == [science.id]
    assert [b["id"] for b in (await student_client.get(BOOKS, params={"is_referenced": True})).json()["items"]] \
        == [reference.id]
    assert [b["id"] for b in (await student_client.get(BOOKS, params={"is_reference": False})).json()["items"]] \
        == [science.id]
    by_department = await student_client.get(BOOKS, params={"department_id": department.id})
    assert [b["id"] for b in by_department.json()["items"]] == [science.id]
    assert (await student_client.get(f"{BOOKS}/{science.id}")).json()["isbn"] == science.isbn
    assert (await student_client.get(f"{BOOKS}/999999")).status_code == 404
    assert (await student_client.post(BOOKS, json=_book_payload())).status_code == 403


async def test_search_matches_every_column_ignoring_case_by_title(student_client):
    a = await factories.create_book(title="Zoology Basics", author="Mary Quant", isbn="9780000000011")
    b = await factories.create_book(title="Algebra", author="Q. Zed", publisher="Quantum House",
                                    isbn="9780000000022")
    c = await factories.create_book(title="Botany", category="quantum studies", isbn="9780000000033")
    await factories.create_book(title="Unrelated", isbn="9780000000044")
    found = (await student_client.get(f"{BOOKS}/search", params={"q": "QUANT"})).json()
    assert [r["id"] for r in found] == [b.id, c.id, a.id]
    assert set(found[0]) == {"id", "title", "author", "isbn", "category", "copies_available", "rack_no",
                             "shelf_no"}
    assert [r["id"] for r in (await student_client.get(f"{BOOKS}/search", params={"q": "000000022"})).json()] \
        == [b.id]
    assert [r["id"] for r in (await student_client.get(f"{BOOKS}/search", params={"q": "Bo"})).json()] == [c.id]
    assert (await student_client.get(f"{BOOKS}/search", params={"q": "Quant", "limit": 1})).json()[0]["id"] == b.id
    assert (await student_client.get(f"{BOOKS}/search", params={"q": "%"})).json() == []
    assert (await student_client.get(f"{BOOKS}/search", params={"q": "   "})).status_code == 400
    assert (await student_client.get(f"{BOOKS}/search", params={"q": "x", "limit": 101})).status_code == 422


# --- circulation --------------------------------------------------------------------------


async def test_issue_with_the_default_loan_period_and_return_late_with_a_fine(staff_client):
    book = await factories.create_book(copies=1)
    borrower = await factories.create_user()
    issued = await staff_client.post(f"{LIB}/issue", json={"book_id": book.id, "user_id": borrower.id})
    assert issued.status_code == 201, issued.text
    loan = issued.json()
    due = dt.datetime.fromisoformat(loan["due_date"])
    assert abs(due - (_now() + dt.timedelta(days=14))) < dt.timedelta(minutes=5)
    assert (await LibraryBook.get(id=book.id)).copies_available == 0
    # Three days and a few hours late: three whole days.
    await BookIssue.filter(id=loan["id"]).update(issue_date=_now() - dt.timedelta(days=20),
                                                 due_date=_now() - dt.timedelta(days=3, hours=5))
    returned = await staff_client.put(f"{LIB}/return", json={"issue_id": loan["id"]})
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned" and returned.json()["fine_amount"] == "15.00"
    assert (await LibraryBook.get(id=book.id)).copies_available == 1
    again = await staff_client.put(f"{LIB}/return", json={"issue_id": loan["id"]})
    assert again.status_code == 400
    assert (await LibraryBook.get(id=book.id)).copies_available == 1


async def test_a_return_less_than_a_day_late_has_no_fine(staff_client):
    loan = await factories.create_loan(due_date=_now() - dt.timedelta(hours=23))
    returned = await staff_client.put(f"{LIB}/return", json={"issue_id": loan.id, "remarks": "Good shape"})
    assert returned.json()["fine_amount"] == "0.00" and returned.json()["remarks"] == "Good shape"


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("reference", 400, "Reference books cannot be issued"),
        ("no_copies", 409, "No copies available for issue"),
        ("already_holds", 409, "This user already holds a copy of this book"),
        ("limit", 400, "The borrower already holds 5 books, the limit"),
        ("inactive", 400, "The borrower's account is not active"),
        ("missing_book", 404, "Book not found"),
        ("missing_user", 404, "User not found"),
        ("past_due", 400, "due_date must be in the future"),
    ],
)
async def test_issue_refusals_change_nothing(staff_client, case, status, message):
    book = await factories.create_book(copies=2, is_reference=case == "reference")
    borrower = await factories.create_user(is_active=case != "inactive")
    payload = {"book_id": book.id, "user_id": borrower.id}
    if case == "no_copies":
        await factories.create_loan(book=book)
        await factories.create_loan(book=book)
    if case == "already_holds":
        await factories.create_loan(book=book, user=borrower)
    if case == "limit":
        for _ in range(5):
            await factories.create_loan(user=borrower)
    if case == "missing_book":
        payload["book_id"] = 999999
    if case == "missing_user":
        payload["user_id"] = 999999
    if case == "past_due":
        payload["due_date"] = (_now() - dt.timedelta(days=1)).isoformat()
    before = (await _books_snapshot(), await _loans_snapshot())
    response = await staff_client.post(f"{LIB}/issue", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert (await _books_snapshot(), await _loans_snapshot()) == before


async def test_bad_circulation_input_is_422(staff_client):
    for path, method in (("issue", "post"), ("return", "put"), ("renew", "post"), ("pay-fine", "post"),
                         ("mark-lost", "post")):
        assert (await getattr(staff_client, method)(f"{LIB}/{path}", json={})).status_code == 422
    assert (await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": 1, "amount": "-1"})).status_code == 422
    assert (await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": 1, "amount": "0"})).status_code == 422
    assert (await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": 1, "amount": "1.001"})).status_code == 422
    assert (await staff_client.post(f"{LIB}/issue", json={"book_id": 1, "user_id": 1, "due_date": "later"})
            ).status_code == 422


async def test_the_borrower_renews_their_own_loan_within_the_limits(login_as):
    student_client = await login_as("student")
    loan = await factories.create_loan(user=student_client.user)
    first = await student_client.post(f"{LIB}/renew", json={"issue_id": loan.id})
    assert first.status_code == 200, first.text
    assert dt.datetime.fromisoformat(first.json()["due_date"]) == loan.due_date + dt.timedelta(days=14)
    too_far = await student_client.post(f"{LIB}/renew", json={
        "issue_id": loan.id, "new_due_date": (loan.due_date + dt.timedelta(days=60)).isoformat()})
    assert too_far.status_code == 400 and "at most 14 days" in too_far.json()["detail"]
    earlier = await student_client.post(f"{LIB}/renew", json={"issue_id": loan.id,
                                                               "new_due_date": _now().isoformat()})
    assert earlier.status_code == 400
    assert (await student_client.post(f"{LIB}/renew", json={"issue_id": loan.id})).status_code == 200
    limit = await student_client.post(f"{LIB}/renew", json={"issue_id": loan.id})
    assert limit.status_code == 400 and "renewed 2 times" in limit.json()["detail"]
    someone_elses = await factories.create_loan()
    assert (await student_client.post(f"{LIB}/renew", json={"issue_id": someone_elses.id})).status_code == 404


async def test_no_renewal_while_overdue_or_owing_a_fine(staff_client):
    overdue = await factories.create_loan(due_date=_now() - dt.timedelta(days=1))
    response = await staff_client.post(f"{LIB}/renew", json={"issue_id": overdue.id})
    assert response.status_code == 400 and "overdue" in response.json()["detail"]
    borrower = await factories.create_user()
    await factories.create_loan(user=borrower, status="returned", return_date=_now(), fine_amount=Decimal(10))
    owing = await factories.create_loan(user=borrower)
    response = await staff_client.post(f"{LIB}/renew", json={"issue_id": owing.id})
    assert response.status_code == 400 and response.json()["detail"] == "The borrower has an unpaid fine"
    assert (await BookIssue.get(id=owing.id)).renewal_count == 0


async def test_pay_fine_is_recorded_with_who_took_it(staff_client, login_as):
    loan = await factories.create_loan(status="returned", return_date=_now(), fine_amount=Decimal("25.00"))
    too_much = await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": loan.id, "amount": "25.01"})
    assert too_much.status_code == 400 and await _fine_payments() == []
    part = await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": loan.id, "amount": "10"})
    assert part.status_code == 200, part.text
    assert (part.json()["fine_before"], part.json()["fine_remaining"]) == ("25.00", "15.00")
    rest = await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": loan.id, "amount": "15.00"})
    assert rest.json()["fine_remaining"] == "0.00"
    nothing_left = await staff_client.post(f"{LIB}/pay-fine", json={"issue_id": loan.id, "amount": "1"})
    assert nothing_left.status_code == 400
    assert [(r["amount"], r["received_by_id"]) for r in await _fine_payments()] == [
        (Decimal("10.00"), staff_client.profile.id), (Decimal("15.00"), staff_client.profile.id)]
    student_client = await login_as("student")
    own = await factories.create_loan(user=student_client.user, status="returned", return_date=_now(),
                                      fine_amount=Decimal(5))
    assert (await student_client.post(f"{LIB}/pay-fine", json={"issue_id": own.id, "amount": "5"})).status_code == 403
    assert (await student_client.post(f"{LIB}/issue", json={"book_id": 1, "user_id": 1})).status_code == 403
    assert (await student_client.put(f"{LIB}/return", json={"issue_id": own.id})).status_code == 403


async def test_mark_lost_charges_the_price_and_removes_the_copy(staff_client):
    book = await factories.create_book(copies=2, price=Decimal("450.00"))
    loan = await factories.create_loan(book=book)
    response = await staff_client.post(f"{LIB}/mark-lost", json={"issue_id": loan.id})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "lost" and response.json()["fine_amount"] == "450.00"
    book = await LibraryBook.get(id=book.id)
    assert (book.copies_total, book.copies_available) == (1, 1)
    assert (await staff_client.post(f"{LIB}/mark-lost", json={"issue_id": loan.id})).status_code == 400
    assert (await staff_client.post(f"{LIB}/mark-lost", json={"issue_id": 999999})).status_code == 404


async def test_issued_and_overdue_lists_are_scoped_to_the_borrower(staff_client, login_as):
    student_client = await login_as("student")
    mine_late = await factories.create_loan(user=student_client.user, due_date=_now() - dt.timedelta(days=4, hours=1))
    mine = await factories.create_loan(user=student_client.user)
    theirs_late = await factories.create_loan(due_date=_now() - dt.timedelta(days=9))
    await factories.create_loan(status="returned", return_date=_now(), due_date=_now() - dt.timedelta(days=20))

    everyone = await staff_client.get(f"{LIB}/issued")
    assert [r["id"] for r in everyone.json()] == [theirs_late.id, mine_late.id, mine.id]
    by_user = await staff_client.get(f"{LIB}/issued", params={"user_id": student_client.user.id})
    assert [r["id"] for r in by_user.json()] == [mine_late.id, mine.id]
    by_book = await staff_client.get(f"{LIB}/issued", params={"book_id": mine.book_id})
    assert [r["id"] for r in by_book.json()] == [mine.id]
    assert [r["id"] for r in (await student_client.get(f"{LIB}/issued")).json()] == [mine_late.id, mine.id]
    assert (await student_client.get(f"{LIB}/issued", params={"user_id": theirs_late.user_id})).json() == []

    overdue = (await staff_client.get(f"{LIB}/overdue")).json()
    assert overdue["total"] == 2
    assert [(r["issue_id"], r["days_overdue"], r["accrued_fine"], r["fine_amount"]) for r in overdue["records"]] == [
        (theirs_late.id, 9, "45.00", "0.00"), (mine_late.id, 4, "20.00", "0.00")]
    own_overdue = (await student_client.get(f"{LIB}/overdue")).json()
    assert [r["issue_id"] for r in own_overdue["records"]] == [mine_late.id] and own_overdue["total"] == 1
    paged = (await staff_client.get(f"{LIB}/overdue", params={"page": 2, "page_size": 1})).json()
    assert [r["issue_id"] for r in paged["records"]] == [mine_late.id]

    parent_client = await login_as("parent")
    child_user = await factories.create_user()
    await factories.create_student(user=child_user, parent=parent_client.profile)
    childs = await factories.create_loan(user=child_user)
    assert [r["id"] for r in (await parent_client.get(f"{LIB}/issued")).json()] == [childs.id]
    assert (await parent_client.post(f"{LIB}/renew", json={"issue_id": childs.id})).status_code == 403


async def test_the_counter_equals_a_recount_after_a_mixed_sequence(staff_client):
    book = await factories.create_book(copies=3)
    borrowers = [await factories.create_user() for _ in range(3)]
    loans = []
    for borrower in borrowers:
        response = await staff_client.post(f"{LIB}/issue", json={"book_id": book.id, "user_id": borrower.id})
        loans.append(response.json()["id"])
    await staff_client.put(f"{LIB}/return", json={"issue_id": loans[0]})
    await staff_client.post(f"{LIB}/mark-lost", json={"issue_id": loans[1]})
    await staff_client.post(f"{LIB}/issue", json={"book_id": book.id, "user_id": borrowers[0].id})
    await staff_client.put(f"{BOOKS}/{book.id}", json={"copies_total": 4})
    book = await LibraryBook.get(id=book.id)
    open_loans = await BookIssue.filter(book_id=book.id, status="issued").count()
    assert book.copies_available == book.copies_total - open_loans == 2


def test_fines_count_whole_days():
    due = dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)
    assert library_service.fine_for(due, due + dt.timedelta(hours=23, minutes=59)) == (0, Decimal("0.00"))
    assert library_service.fine_for(due, due + dt.timedelta(days=2, hours=1)) == (2, Decimal("10.00"))
    assert library_service.fine_for(due, due - dt.timedelta(days=2)) == (0, Decimal("0.00"))
