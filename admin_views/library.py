"""The library desk and the overdue list.

Librarian: issue a book found by title, author or ISBN to a borrower found by name or
email; from the borrower's loans, return, renew, collect a fine or mark a copy lost; the
overdue list shows each loan's fine accrued so far and exports to CSV.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
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
from dashboard.schemas.library import (
    FinePaymentCreate,
    IssueCreate,
    MarkLostCreate,
    RenewCreate,
    ReturnCreate,
)
from dashboard.services import library

DESK = Screen("library_desk", "Library desk", "ti ti-book-2", Permission.LIBRARY_CIRCULATE)
OVERDUE = Screen("overdue_books", "Overdue books", "ti ti-clock-exclamation", Permission.LIBRARY_CIRCULATE)
SCREENS = (DESK, OVERDUE)
OVERDUE_PAGE_SIZE = 50
OVERDUE_COLUMNS = ("Loan", "Book ID", "Title", "Borrower ID", "Borrower", "Issued", "Due", "Days overdue",
                   "Fine owed", "Fine accrued")

# Its place in the menu (admin_views.registry).
MENU_ORDER = 500
router = APIRouter(include_in_schema=False)


@router.get("/library_desk/list")
async def desk_page(request: Request) -> Response:
    return await desk(request)


async def desk(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    actor = actor_for(request, DESK.permission)
    book_q = request.query_params.get("book_q", "").strip()[:100]
    who = request.query_params.get("who", "").strip()[:100]
    books = await library.search_books(actor, q=book_q, limit=20) if book_q else []
    borrowers = await library.find_borrowers(actor, q=who, limit=20) if who else []
    return render(request, "library/desk.html", DESK, status_code=status_code, book_q=book_q, who=who, books=books,
                  borrowers=borrowers, error=error)


async def _borrower_page(request: Request, actor: Actor, user_id: int, *, error: str | None = None,
                         notice: str | None = None, status_code: int = 200) -> Response:
    try:
        person = await library.get_borrower(actor, user_id=user_id)
    except NotFound as exc:
        return await desk(request, error=exc.message, status_code=404)
    loans = await library.borrower_loans(actor, user_id=user_id)
    return render(request, "library/borrower.html", DESK, status_code=status_code, borrower=person, loans=loans,
                  error=error, notice=notice,
                  page_title=f"Library: {person['first_name']} {person['last_name']} ({person['email']})")


@router.get("/library_desk/borrowers/{user_id:int}")
async def borrower(request: Request, user_id: int) -> Response:
    actor = actor_for(request, DESK.permission)
    return await _borrower_page(request, actor, user_id, notice=request.query_params.get("notice"))


@router.post("/library_desk/issue")
async def issue(request: Request) -> Response:
    actor = actor_for(request, DESK.permission)
    data, error = await parse_form(request, IssueCreate, fields=("book_id", "user_id", "due_date", "remarks"))
    if data is None:
        return await desk(request, error=error, status_code=422)
    try:
        loan = await library.issue_book(actor, data=data)  # type: ignore[arg-type]
    except DomainError as exc:
        return await desk(request, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"library_desk/borrowers/{loan.user_id}", notice="Book issued")


async def _loan_action(request: Request, schema, fields, action, done: str) -> Response:  # type: ignore[no-untyped-def]
    actor = actor_for(request, DESK.permission)
    form = await request.form()
    user_id = int(form["user_id"]) if str(form.get("user_id", "")).isdigit() else None  # type: ignore[arg-type]
    if user_id is None:
        return redirect(request, "library_desk/list")
    data, error = await parse_form(request, schema, fields=fields)
    if data is None:
        return await _borrower_page(request, actor, user_id, error=error, status_code=422)
    try:
        await action(actor, data=data)
    except DomainError as exc:
        return await _borrower_page(request, actor, user_id, error=exc.message, status_code=exc.status_code)
    return redirect(request, f"library_desk/borrowers/{user_id}", notice=done)


@router.post("/library_desk/return")
async def return_book(request: Request) -> Response:
    return await _loan_action(request, ReturnCreate, ("issue_id", "remarks"), library.return_book, "Book returned")


@router.post("/library_desk/renew")
async def renew(request: Request) -> Response:
    return await _loan_action(request, RenewCreate, ("issue_id", "new_due_date"), library.renew_book, "Loan renewed")


@router.post("/library_desk/pay_fine")
async def pay_fine(request: Request) -> Response:
    return await _loan_action(request, FinePaymentCreate, ("issue_id", "amount", "remarks"), library.pay_fine,
                              "Fine collected")


@router.post("/library_desk/mark_lost")
async def mark_lost(request: Request) -> Response:
    return await _loan_action(request, MarkLostCreate, ("issue_id", "remarks"), library.mark_lost,
                              "Copy marked lost")


@router.get("/overdue_books/list")
async def overdue(request: Request) -> Response:
    actor = actor_for(request, OVERDUE.permission)
    page_num = query_int(request, "page_num") or 1
    result = await library.overdue_books(actor, page=PageRequest(page=page_num, page_size=OVERDUE_PAGE_SIZE))
    return render(request, "library/overdue.html", OVERDUE, rows=result["records"], total=result["total"],
                  page_num=page_num, total_pages=-(-result["total"] // OVERDUE_PAGE_SIZE))


def _overdue_cells(row: dict) -> list:
    return [row["issue_id"], row["book_id"], row["book_title"], row["user_id"], row["borrower_name"],
            row["issue_date"].date().isoformat(), row["due_date"].date().isoformat(), row["days_overdue"],
            f"{row['fine_amount']:.2f}", f"{row['accrued_fine']:.2f}"]


@router.get("/overdue_books/export")
async def overdue_csv(request: Request) -> Response:
    actor = actor_for(request, OVERDUE.permission)
    return csv_download("overdue_books", OVERDUE_COLUMNS, library.iter_overdue_books(actor), _overdue_cells)
