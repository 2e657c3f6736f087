"""/api/v1/library: the catalogue and its loans."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.library import (
    BookCreate,
    BookOut,
    BookSearchResult,
    BookUpdate,
    FinePaymentCreate,
    FinePaymentOut,
    IssueCreate,
    IssuedLoan,
    LoanOut,
    MarkLostCreate,
    OverdueOut,
    RenewCreate,
    ReturnCreate,
)
from dashboard.services import library as service

router = ResourceRouter(prefix="/library", tags=["Library"], responses=error_responses(401, 403, 422))

BookId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get(
    "/books/search", response_model=list[BookSearchResult], responses=error_responses(400),
    openapi_extra=requires(Permission.LIBRARY_READ), summary="Search books",
    description="Any signed-in user. Title, author, ISBN, category or publisher, case-insensitive; by title.",
)
async def search_books(
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Text to find")],
    limit: Annotated[int, Query(ge=1, le=service.SEARCH_LIMIT_MAX, description="Max results (1-100)")] = 20,
) -> list[dict]:
    return await service.search_books(actor, q=q, limit=limit)


@router.get(
    "/books", response_model=PageOut[BookOut], openapi_extra=requires(Permission.LIBRARY_READ),
    summary="List books", description="Any signed-in user. Newest first.",
)
async def list_books(
    actor: CurrentActor,
    page: PageParams,
    category: Annotated[str | None, Query(max_length=100, description="Filter by category (any case)")] = None,
    department_id: Annotated[IdFilter, Query(description="Books of this department (its id)")] = None,
    is_referenced: Annotated[bool | None, Query(description="Filter reference books")] = None,
    is_reference: Annotated[bool | None, Query(description="The same filter under the column's name")] = None,
) -> PageOut[BookOut]:
    result = await service.list_books(actor, page=page, category=category, department_id=department_id,
                                      is_reference=is_referenced if is_referenced is not None else is_reference)
    return PageOut[BookOut].of(result)


@router.post(
    "/books", status_code=201, response_model=BookOut, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.LIBRARY_WRITE), summary="Add a book",
    description="Admin and staff. Every copy starts on the shelf; the ISBN is unique (409).",
)
async def create_book(actor: CurrentActor, body: BookCreate) -> BookOut:
    return BookOut.model_validate(await service.create_book(actor, data=body))


@router.get(
    "/books/{book_id}", response_model=BookOut, responses=error_responses(404),
    openapi_extra=requires(Permission.LIBRARY_READ), summary="Get a book", description="Any signed-in user.",
)
async def get_book(actor: CurrentActor, book_id: BookId) -> BookOut:
    return BookOut.model_validate(await service.get_book(actor, book_id=book_id))


@router.put(
    "/books/{book_id}", response_model=BookOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.LIBRARY_WRITE), summary="Update a book",
    description="Admin and staff. A partial update; the ISBN is immutable. copies_total may not fall below "
    "the copies on loan (400); the available copies follow it.",
)
async def update_book(actor: CurrentActor, book_id: BookId, body: BookUpdate) -> BookOut:
    return BookOut.model_validate(await service.update_book(actor, book_id=book_id, changes=body))


@router.delete(
    "/books/{book_id}", status_code=204, response_class=Response, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.LIBRARY_WRITE), summary="Delete a book",
    description="Admin and staff. Only a book that was never lent; one with loan history is a 409.",
)
async def delete_book(actor: CurrentActor, book_id: BookId) -> Response:
    await service.delete_book(actor, book_id=book_id)
    return Response(status_code=204)


@router.get(
    "/issued", response_model=list[IssuedLoan], openapi_extra=requires(Permission.LIBRARY_READ),
    summary="Books on loan",
    description="Open loans by due date. Library staff see all; anyone else their own (a parent also their "
    "children's).",
)
async def issued_books(
    actor: CurrentActor,
    user_id: Annotated[IdFilter, Query(description="Loans to this borrower (a user account id)")] = None,
    book_id: Annotated[IdFilter, Query(description="Loans of this book (its id)")] = None,
    limit: Annotated[int, Query(ge=1, le=service.LIST_LIMIT_MAX, description="Max loans (1-1000)")] = 100,
) -> list[dict]:
    return await service.issued_books(actor, user_id=user_id, book_id=book_id, limit=limit)


@router.get(
    "/overdue", response_model=OverdueOut, openapi_extra=requires(Permission.LIBRARY_READ),
    summary="Overdue books",
    description="Open loans past due, longest overdue first, with whole days overdue and the fine accrued so "
    "far. Library staff see all; anyone else their own. Paged (`total` counts them all).",
)
async def overdue_books(
    actor: CurrentActor,
    page: Annotated[int, Query(ge=1, description="Page number (min 1)")] = 1,
    page_size: Annotated[int, Query(ge=1, le=service.LIST_LIMIT_MAX, description="Loans per page (1-1000)")] = 100,
) -> dict:
    return await service.overdue_books(actor, page=PageRequest(page=page, page_size=page_size))


@router.post(
    "/issue", status_code=201, response_model=LoanOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.LIBRARY_CIRCULATE), summary="Issue a book",
    description="Library staff with a staff record. Not a reference book (400); to an active borrower (400) "
    "under the borrowing limit (400) who does not hold it already (409); a copy must be on the shelf (409). "
    "The due date defaults to the loan period and must be in the future.",
)
async def issue_book(actor: CurrentActor, body: IssueCreate) -> LoanOut:
    return LoanOut.model_validate(await service.issue_book(actor, data=body))


@router.put(
    "/return", response_model=LoanOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.LIBRARY_CIRCULATE), summary="Return a book",
    description="Library staff. Closes an open loan (400 otherwise); the fine is the daily rate for each "
    "whole day late; the copy goes back on the shelf.",
)
async def return_book(actor: CurrentActor, body: ReturnCreate) -> LoanOut:
    return LoanOut.model_validate(await service.return_book(actor, data=body))


@router.post(
    "/renew", response_model=LoanOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.LIBRARY_RENEW), summary="Renew a loan",
    description="The borrower (their own loans; anyone else's is a 404) or library staff. Not while overdue "
    "or while the borrower owes a fine, at most the settings' number of renewals, by at most the renewal "
    "period.",
)
async def renew_book(actor: CurrentActor, body: RenewCreate) -> LoanOut:
    return LoanOut.model_validate(await service.renew_book(actor, data=body))


@router.post(
    "/pay-fine", response_model=FinePaymentOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.LIBRARY_CIRCULATE), summary="Pay a fine",
    description="Library staff with a staff record. A positive amount up to the fine owed; recorded with who "
    "took it.",
)
async def pay_fine(actor: CurrentActor, body: FinePaymentCreate) -> dict:
    return await service.pay_fine(actor, data=body)


@router.post(
    "/mark-lost", response_model=LoanOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.LIBRARY_CIRCULATE), summary="Mark a loaned copy lost",
    description="Library staff. An open loan's copy is lost: the book's price is added to the fine and the "
    "copy leaves the stock.",
)
async def mark_lost(actor: CurrentActor, body: MarkLostCreate) -> LoanOut:
    return LoanOut.model_validate(await service.mark_lost(actor, data=body))
