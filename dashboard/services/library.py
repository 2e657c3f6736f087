"""The library: the rules of domain.md §3.11 with its RECs.

`library_books.copies_available` is a counter of the copies on the shelf. It changes only
by conditional UPDATEs in the transaction of the loan that justifies it (issue: `- 1 WHERE
copies_available > 0`; return: `+ 1 WHERE copies_available < copies_total`), with a CHECK
(0 <= available <= total) behind them, so the last copy goes to exactly one of many
simultaneous requests and the counter always equals total less the open loans. A lost
copy leaves the stock: `copies_total - 1`.

A borrower's row is locked (FOR UPDATE) while a loan is issued to them, so the borrowing
limit holds under concurrent issues too; the partial unique index on open loans per
(book, user) refuses a second copy of the same book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, Forbidden, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_edit,
    delete_unless_referenced,
    get_or_404,
    refuse_nulls,
    require_changes,
)
from dashboard.schemas.library import (
    BookCreate,
    BookUpdate,
    FinePaymentCreate,
    IssueCreate,
    MarkLostCreate,
    RenewCreate,
    ReturnCreate,
)
from dashboard.services import students
from dashboard.services.students import like_pattern
from dashboard.settings import get_settings
from models import BookIssue, Department, LibraryBook, User
from models.constraints import BOOK_SEARCH_TEXT, SEARCH_SEPARATOR
from models.enums import BookIssueStatus

SEARCH_LIMIT_MAX = 100
LIST_LIMIT_MAX = 1000
_DEPENDANTS = ((BookIssue, "loan history"),)
CENT = Decimal("0.01")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    """A datetime without a zone is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# --- scopes -------------------------------------------------------------------------------


def visible_books(actor: Actor) -> QuerySet[LibraryBook]:
    """The catalogue: every signed-in role reads all of it."""
    authorize(actor, Permission.LIBRARY_READ)
    return LibraryBook.all()


def visible_loans(actor: Actor) -> QuerySet[BookIssue]:
    """The library staff see every loan; anyone else their own, and those of the students
    they may see (students.visible_students: a parent's children, a teacher's students)."""
    authorize(actor, Permission.LIBRARY_READ)
    if actor.can(Permission.LIBRARY_CIRCULATE):
        return BookIssue.all()
    others = students.visible_students(actor).values("user_id")
    return BookIssue.filter(Q(user_id=actor.user_id or 0) | Q(user_id__in=Subquery(others)))


def _staff_id(actor: Actor) -> int:
    if actor.admin_staff_id is None:
        raise Forbidden("Only a member of staff with a staff record may issue books or take fines")
    return actor.admin_staff_id


# --- books --------------------------------------------------------------------------------


async def list_books(actor: Actor, *, page: PageRequest, category: str | None = None,
                     department_id: int | None = None, is_reference: bool | None = None) -> Page[LibraryBook]:
    query = visible_books(actor)
    if category is not None:
        query = query.filter(category__iexact=category)
    if department_id is not None:
        query = query.filter(department_id=department_id)
    if is_reference is not None:
        query = query.filter(is_reference=is_reference)
    return await paginate(query.order_by("-id"), page)


async def get_book(actor: Actor, *, book_id: int) -> LibraryBook:
    return await get_or_404(visible_books(actor), book_id, label="Book")


async def _check_department(department_id: int | None) -> None:
    if department_id is not None and not await Department.exists(id=department_id):
        raise NotFound("Department not found")


async def create_book(actor: Actor, *, data: BookCreate) -> LibraryBook:
    """Every copy starts on the shelf; the ISBN is unique (409)."""
    authorize(actor, Permission.LIBRARY_WRITE)
    values = data.model_dump()
    async with atomic():
        await _check_department(values.get("department_id"))
        if await LibraryBook.filter(isbn__iexact=values["isbn"]).exists():
            raise Conflict("A book with this ISBN already exists")
        book = await LibraryBook.create(**values, copies_available=values["copies_total"])
        await audit.record(actor, "create", book)
    return book


async def update_book(actor: Actor, *, book_id: int, changes: BookUpdate) -> LibraryBook:
    """A partial update. A new copies_total keeps the copies on loan (total − available):
    below them is a 400, otherwise the available copies become the new total less them."""
    authorize(actor, Permission.LIBRARY_WRITE)
    sent = changes.changes()
    require_changes(sent)
    # department_id may be cleared; refuse_nulls reads columns, not foreign-key ids.
    refuse_nulls(LibraryBook, {k: v for k, v in sent.items() if k != "department_id"})
    async with audited_edit(actor, LibraryBook, book_id, label="Book") as book:
        await _check_department(sent.get("department_id"))
        new_total = sent.pop("copies_total", None)
        if new_total is not None:
            on_loan = book.copies_total - book.copies_available
            if new_total < on_loan:
                raise InvalidState(f"copies_total cannot be below the {on_loan} copies on loan")
            book.copies_total, book.copies_available = new_total, new_total - on_loan
        book.update_from_dict(sent)
    return book


async def delete_book(actor: Actor, *, book_id: int) -> None:
    """Only a book that was never lent: loan history is kept (409 otherwise)."""
    authorize(actor, Permission.LIBRARY_WRITE)
    await delete_unless_referenced(actor, LibraryBook, book_id, label="Book", dependants=_DEPENDANTS,
                                   column="book_id")


# One search text over the searched columns (models.constraints.BOOK_SEARCH_TEXT) with one
# trigram index on exactly this expression (migration 5). The planner chooses per term: a
# common one walks the title index and stops at the limit, a rare one takes the trigram
# index and sorts the few matches.
SEARCH_SQL = f"""
SELECT id, title, author, isbn, category, copies_available, rack_no, shelf_no
FROM library_books
WHERE UPPER(CAST(({BOOK_SEARCH_TEXT}) AS VARCHAR)) LIKE UPPER($1) ESCAPE '\\'
ORDER BY title, id
LIMIT $2
"""
_SEARCH_FIELDS = ("id", "title", "author", "isbn", "category", "copies_available", "rack_no", "shelf_no")


async def search_books(actor: Actor, *, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Title, author, ISBN, category or publisher, case-insensitive, `%` and `_` literal;
    ordered by title."""
    visible_books(actor)
    q = q.strip()
    if not q:
        raise InvalidState("Search text cannot be empty")
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    if SEARCH_SEPARATOR not in q:
        return await connections.get("default").execute_query_dict(SEARCH_SQL, [like_pattern(q), limit])
    # The separator of the search text could match across two columns: column by column.
    query = LibraryBook.filter(Q(title__icontains=q) | Q(author__icontains=q) | Q(isbn__icontains=q)
                               | Q(category__icontains=q) | Q(publisher__icontains=q))
    return await query.order_by("title", "id").limit(limit).values(*_SEARCH_FIELDS)


# --- circulation --------------------------------------------------------------------------


def fine_for(due_date: dt.datetime, at: dt.datetime) -> tuple[int, Decimal]:
    """(whole days late, fine at the settings' daily rate): under 24 hours late is none."""
    days = max(0, (at - due_date) // dt.timedelta(days=1))
    return days, (get_settings().library_fine_per_day * days).quantize(CENT)


async def issue_book(actor: Actor, *, data: IssueCreate) -> BookIssue:
    """Lend one copy: not a reference book, to an active borrower under the borrowing
    limit who does not already hold it, due in the future (the settings' loan period by
    default). The copy is taken by a conditional decrement in the same transaction."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    issued_by = _staff_id(actor)
    settings = get_settings()
    issued_at = now()
    due = _aware(data.due_date) if data.due_date else issued_at + dt.timedelta(days=settings.library_loan_days)
    if due <= issued_at:
        raise InvalidState("due_date must be in the future")
    async with atomic() as connection:
        book = await LibraryBook.get_or_none(id=data.book_id)
        if book is None:
            raise NotFound("Book not found")
        if book.is_reference:
            raise InvalidState("Reference books cannot be issued")
        borrower = await connection.execute_query_dict(
            "SELECT id, is_active FROM users WHERE id = $1 FOR UPDATE", [data.user_id])
        if not borrower:
            raise NotFound("User not found")
        if not borrower[0]["is_active"]:
            raise InvalidState("The borrower's account is not active")
        if await BookIssue.exists(book_id=book.id, user_id=data.user_id, status=BookIssueStatus.ISSUED):
            raise Conflict("This user already holds a copy of this book")
        open_loans = await BookIssue.filter(user_id=data.user_id, status=BookIssueStatus.ISSUED).count()
        if open_loans >= settings.library_max_loans:
            raise InvalidState(f"The borrower already holds {open_loans} books, the limit")
        taken = await connection.execute_query_dict(
            "UPDATE library_books SET copies_available = copies_available - 1, updated_at = now() "
            "WHERE id = $1 AND copies_available > 0 RETURNING copies_available", [book.id])
        if not taken:
            raise Conflict("No copies available for issue")
        loan = await BookIssue.create(book_id=book.id, user_id=data.user_id, issue_date=issued_at, due_date=due,
                                      status=BookIssueStatus.ISSUED, issued_by_id=issued_by, remarks=data.remarks,
                                      renewal_count=0)
        await audit.record(actor, "create", loan)
    return loan


async def _put_back(connection: Any, book_id: int) -> None:
    returned = await connection.execute_query_dict(
        "UPDATE library_books SET copies_available = copies_available + 1, updated_at = now() "
        "WHERE id = $1 AND copies_available < copies_total RETURNING id", [book_id])
    if not returned:
        raise Conflict("The book's copy count does not allow this return")


async def return_book(actor: Actor, *, data: ReturnCreate) -> BookIssue:
    """Close an open loan: the fine is the daily rate for each whole day late; the copy
    goes back on the shelf."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    async with (
        atomic() as connection,
        audited_edit(actor, visible_loans(actor), data.issue_id, label="Book issue") as loan,
    ):
        if loan.status != BookIssueStatus.ISSUED:
            raise InvalidState(f"This loan is not open (it is {loan.status.value})")
        returned_at = now()
        _, fine = fine_for(loan.due_date, returned_at)
        loan.return_date = returned_at
        loan.status = BookIssueStatus.RETURNED
        loan.fine_amount = Decimal(loan.fine_amount) + fine
        if data.remarks:
            loan.remarks = f"{loan.remarks} | {data.remarks}" if loan.remarks else data.remarks
        await _put_back(connection, loan.book_id)
    return loan


async def _has_unpaid_fine(user_id: int) -> bool:
    return await BookIssue.filter(user_id=user_id, fine_amount__gt=0).exists()


async def renew_book(actor: Actor, *, data: RenewCreate) -> BookIssue:
    """The borrower or the library staff: an open loan that is not overdue, of a borrower
    with no unpaid fine, at most the settings' number of times, by at most the renewal
    period (the whole period when no date is given)."""
    authorize(actor, Permission.LIBRARY_RENEW)
    settings = get_settings()
    async with audited_edit(actor, visible_loans(actor), data.issue_id, label="Book issue") as loan:
        at = now()
        if loan.status != BookIssueStatus.ISSUED:
            raise InvalidState(f"This loan is not open (it is {loan.status.value})")
        if loan.due_date < at:
            raise InvalidState("An overdue loan cannot be renewed: return the book first")
        if loan.renewal_count >= settings.library_max_renewals:
            raise InvalidState(f"This loan has been renewed {loan.renewal_count} times, the limit")
        if await _has_unpaid_fine(loan.user_id):
            raise InvalidState("The borrower has an unpaid fine")
        latest = loan.due_date + dt.timedelta(days=settings.library_renewal_days)
        new_due = _aware(data.new_due_date) if data.new_due_date else latest
        if new_due <= loan.due_date:
            raise InvalidState("new_due_date must be later than the current due date")
        if new_due > latest:
            raise InvalidState(f"A renewal extends a loan by at most {settings.library_renewal_days} days")
        loan.due_date = new_due
        loan.renewal_count += 1
    return loan


async def pay_fine(actor: Actor, *, data: FinePaymentCreate) -> dict[str, Any]:
    """Library staff take a fine payment: it lowers the outstanding fine and is recorded
    with who took it."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    received_by = _staff_id(actor)
    async with (
        atomic() as connection,
        audited_edit(actor, visible_loans(actor), data.issue_id, label="Book issue") as loan,
    ):
        before = Decimal(loan.fine_amount)
        if before <= 0:
            raise InvalidState("This loan has no fine to pay")
        if data.amount > before:
            raise InvalidState(f"The amount exceeds the fine of {before:.2f}")
        loan.fine_amount = before - data.amount
        rows = await connection.execute_query_dict(
            "INSERT INTO library_fine_payments (book_issue_id, amount, received_by_id, paid_at, remarks) "
            "VALUES ($1, $2, $3, now(), $4) RETURNING id", [loan.id, data.amount, received_by, data.remarks])
    return {"issue_id": loan.id, "fine_before": before, "amount_paid": data.amount,
            "fine_remaining": loan.fine_amount, "payment_id": rows[0]["id"],
            "message": "Fine paid" if loan.fine_amount == 0 else "Fine partly paid"}


async def mark_lost(actor: Actor, *, data: MarkLostCreate) -> BookIssue:
    """An open loan whose copy is lost: the fine is the book's price (on top of any fine
    already owed), and the copy leaves the stock."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    async with (
        atomic() as connection,
        audited_edit(actor, visible_loans(actor), data.issue_id, label="Book issue") as loan,
    ):
        if loan.status != BookIssueStatus.ISSUED:
            raise InvalidState(f"This loan is not open (it is {loan.status.value})")
        book = await LibraryBook.get(id=loan.book_id)
        loan.status = BookIssueStatus.LOST
        loan.fine_amount = Decimal(loan.fine_amount) + Decimal(book.price or 0)
        if data.remarks:
            loan.remarks = f"{loan.remarks} | {data.remarks}" if loan.remarks else data.remarks
        gone = await connection.execute_query_dict(
            "UPDATE library_books SET copies_total = copies_total - 1, updated_at = now() "
            "WHERE id = $1 AND copies_total > copies_available RETURNING id", [book.id])
        if not gone:
            raise Conflict("The book's copy count does not allow this loss")
    return loan


_LOAN_COLUMNS = """
SELECT i.id, i.book_id, b.title AS book_title, b.isbn, i.user_id,
       u.first_name || ' ' || u.last_name AS borrower_name, i.issue_date, i.due_date, i.renewal_count,
       i.fine_amount
FROM book_issues i JOIN library_books b ON b.id = i.book_id JOIN users u ON u.id = i.user_id
"""


async def issued_books(actor: Actor, *, user_id: int | None = None, book_id: int | None = None,
                       limit: int = 100) -> list[dict[str, Any]]:
    """Open loans by due date (the earliest first); a borrower sees their own."""
    authorize(actor, Permission.LIBRARY_READ)
    clauses: list[str] = ["i.status = 'issued'"]
    params: list[Any] = []
    for column, value in (("i.user_id", user_id), ("i.book_id", book_id)):
        if value is not None:
            params.append(value)
            clauses.append(f"{column} = ${len(params)}")
    allowed = await _reader_user_ids(actor)
    if allowed is not None:
        params.append(allowed)
        clauses.append(f"i.user_id = ANY(${len(params)}::int[])")
    params.append(max(1, min(limit, LIST_LIMIT_MAX)))
    sql = _LOAN_COLUMNS + " WHERE " + " AND ".join(clauses) + f" ORDER BY i.due_date, i.id LIMIT ${len(params)}"
    return await connections.get("default").execute_query_dict(sql, params)


async def _reader_user_ids(actor: Actor) -> list[int] | None:
    """The borrowers whose loans this actor may list (None: all), as ids for SQL."""
    if actor.can(Permission.LIBRARY_CIRCULATE):
        return None
    others = await students.visible_students(actor).values_list("user_id", flat=True)
    return sorted({actor.user_id or 0, *others})  # type: ignore[arg-type]


OVERDUE_FROM = " FROM book_issues i WHERE i.status = 'issued' AND i.due_date < $1"
OVERDUE_PAGE_SQL = """
SELECT o.id AS issue_id, o.book_id, b.title AS book_title, o.user_id,
       u.first_name || ' ' || u.last_name AS borrower_name, o.issue_date, o.due_date,
       floor(extract(epoch FROM ($1 - o.due_date)) / 86400)::int AS days_overdue, o.fine_amount
FROM (
    SELECT i.id, i.book_id, i.user_id, i.issue_date, i.due_date, i.fine_amount {from_where}
    ORDER BY i.due_date, i.id LIMIT $2 OFFSET $3
) o JOIN library_books b ON b.id = o.book_id JOIN users u ON u.id = o.user_id
ORDER BY o.due_date, o.id
"""


async def overdue_books(actor: Actor, *, page: PageRequest) -> dict[str, Any]:
    """Open loans past their due date, the longest overdue first, with whole days overdue
    and the fine accrued so far (the daily rate × those days); a borrower sees their own."""
    authorize(actor, Permission.LIBRARY_READ)
    at = now()
    from_where, params = OVERDUE_FROM, [at]
    allowed = await _reader_user_ids(actor)
    extra: list[Any] = []
    if allowed is not None:
        from_where += " AND i.user_id = ANY($4::int[])"
        extra = [allowed]
    connection = connections.get("default")
    count_where = from_where.replace("$4", "$2")
    total = (await connection.execute_query_dict("SELECT count(*) AS total" + count_where, [*params, *extra]))[0][
        "total"]
    rows: list[dict[str, Any]] = []
    if total and page.offset < total:
        rows = await connection.execute_query_dict(
            OVERDUE_PAGE_SQL.format(from_where=from_where), [at, page.page_size, page.offset, *extra])
    rate = get_settings().library_fine_per_day
    for row in rows:
        row["accrued_fine"] = (rate * row["days_overdue"]).quantize(CENT)
    return {"records": rows, "total": total}


async def iter_overdue_books(actor: Actor, *, chunk: int = 2000) -> AsyncIterator[dict[str, Any]]:
    """Every overdue loan, a page at a time (the CSV export)."""
    offset = 0
    while True:
        page = await overdue_books(actor, page=PageRequest(page=offset // chunk + 1, page_size=chunk))
        for row in page["records"]:
            yield row
        if len(page["records"]) < chunk:
            return
        offset += chunk


async def borrower_loans(actor: Actor, *, user_id: int) -> list[dict[str, Any]]:
    """A borrower's loans, open ones first (the librarian's screen)."""
    query = visible_loans(actor).filter(user_id=user_id)
    return await query.order_by("status", "-issue_date", "-id").values(
        "id", "book_id", "issue_date", "due_date", "return_date", "fine_amount", "status", "renewal_count",
        book_title="book__title", isbn="book__isbn")


async def get_borrower(actor: Actor, *, user_id: int) -> dict[str, Any]:
    """A borrower's name and contact (the librarian's screen); any user may borrow."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    rows = await User.filter(id=user_id).values("id", "first_name", "last_name", "email", "user_type", "is_active")
    if not rows:
        raise NotFound("Borrower not found")
    return rows[0]


async def find_borrowers(actor: Actor, *, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Active users whose name, email or user name matches (the librarian's issue form)."""
    authorize(actor, Permission.LIBRARY_CIRCULATE)
    q = q.strip()
    if not q:
        return []
    query = User.filter(is_active=True).filter(
        Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q) | Q(user_name__icontains=q))
    return await query.order_by("id").limit(max(1, min(limit, SEARCH_LIMIT_MAX))).values(
        "id", "first_name", "last_name", "email", "user_type")
