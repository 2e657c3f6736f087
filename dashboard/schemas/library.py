"""The library: books and loans (domain.md §3.11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AliasChoices, ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fees import PositiveAmount, Remarks
from dashboard.schemas.fields import Money, ref_id
from models.enums import BookIssueStatus

Title = Annotated[str, Field(min_length=1, max_length=255)]
Isbn = Annotated[str, Field(min_length=10, max_length=20, pattern=r"^[0-9][0-9-]{8,18}[0-9Xx]$")]
Short = Annotated[str, Field(max_length=255)]
Label = Annotated[str, Field(max_length=20)]
Copies = Annotated[int, Field(ge=1, le=10000)]


class BookFields(InputModel):
    publisher: Short | None = None
    edition: Annotated[str, Field(max_length=50)] | None = None
    language: Annotated[str, Field(max_length=50)] | None = None
    category: Annotated[str, Field(max_length=100)] | None = None
    rack_no: Label | None = None
    shelf_no: Label | None = None
    year_of_publication: Annotated[int, Field(ge=1400, le=2200)] | None = None
    pages: Annotated[int, Field(ge=1, le=100000)] | None = None
    price: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    department_id: Annotated[int | None, ref_id("The department's id")] = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    cover_image_url: Annotated[str, Field(max_length=500, pattern=r"^https?://")] | None = None


class BookCreate(BookFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Introduction to Algorithms", "author": "Cormen, Leiserson, Rivest, Stein",
        "isbn": "978-0262046305", "publisher": "MIT Press", "edition": "4th",
        "category": "Computer Science", "year_of_publication": 2022, "price": "1450.00",
        "copies_total": 5, "department_id": 1,
    }]})

    title: Title
    author: Title
    isbn: Isbn
    copies_total: Copies = 1
    is_reference: bool = Field(False, validation_alias=AliasChoices("is_reference", "is_referenced"))


class BookUpdate(BookFields):
    """Every field optional; the ISBN is immutable. A new `copies_total` keeps the copies
    on loan: it may not fall below them, and the available copies follow it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "copies_total": 7, "rack_no": "CS-3",
    }]})

    title: Title | None = None
    author: Title | None = None
    copies_total: Copies | None = None
    is_reference: bool | None = Field(None, validation_alias=AliasChoices("is_reference", "is_referenced"))


class BookOut(OutputModel):
    id: int
    title: str
    author: str
    isbn: str
    publisher: str | None
    edition: str | None
    language: str | None
    category: str | None
    rack_no: str | None
    shelf_no: str | None
    year_of_publication: int | None
    pages: int | None
    price: Money | None
    department_id: int | None = Field(description="The department's id")
    copies_total: int
    copies_available: int
    is_reference: bool
    description: str | None
    cover_image_url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime | None


class BookSearchResult(OutputModel):
    id: int
    title: str
    author: str
    isbn: str
    category: str | None
    copies_available: int
    rack_no: str | None
    shelf_no: str | None


class IssueCreate(InputModel):
    """`due_date` defaults to the loan period of the settings and must be in the future."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "book_id": 88, "user_id": 240,
    }]})

    book_id: Annotated[int, ref_id("The book's row id (library books)")]
    user_id: Annotated[int, ref_id("The borrower's user id")]
    due_date: dt.datetime | None = None
    remarks: Remarks | None = None


class ReturnCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "issue_id": 1204, "remarks": "Returned in good condition",
    }]})

    issue_id: Annotated[int, ref_id("The loan's row id (book issues)")]
    remarks: Remarks | None = None


class RenewCreate(InputModel):
    """Without `new_due_date` the loan is extended by the renewal period of the settings;
    a date given must be later than the current due date and within that period."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "issue_id": 1204,
    }]})

    issue_id: Annotated[int, ref_id("The loan's row id (book issues)")]
    new_due_date: dt.datetime | None = None


class FinePaymentCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "issue_id": 1204, "amount": "30.00",
    }]})

    issue_id: Annotated[int, ref_id("The loan's row id (book issues)")]
    amount: PositiveAmount
    remarks: Remarks | None = None


class MarkLostCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "issue_id": 1204, "remarks": "Reported lost by the borrower",
    }]})

    issue_id: Annotated[int, ref_id("The loan's row id (book issues)")]
    remarks: Remarks | None = None


class LoanOut(OutputModel):
    id: int
    book_id: int = Field(description="The book's row id (library books)")
    user_id: int = Field(description="The borrower's user id")
    issue_date: dt.datetime
    due_date: dt.datetime
    return_date: dt.datetime | None
    fine_amount: Money
    status: BookIssueStatus
    issued_by: int = Field(
        description="Who issued it: a staff member's id (admin_staff, not a user)",
        validation_alias=AliasChoices("issued_by_id", "issued_by"),
    )
    remarks: str | None
    renewal_count: int
    created_at: dt.datetime
    updated_at: dt.datetime | None


class IssuedLoan(OutputModel):
    id: int
    book_id: int = Field(description="The book's row id (library books)")
    book_title: str
    isbn: str
    user_id: int = Field(description="The borrower's user id")
    borrower_name: str
    issue_date: dt.datetime
    due_date: dt.datetime
    renewal_count: int
    fine_amount: Money


class OverdueLoan(OutputModel):
    issue_id: int = Field(description="The loan's row id (book issues)")
    book_id: int = Field(description="The book's row id (library books)")
    book_title: str
    user_id: int = Field(description="The borrower's user id")
    borrower_name: str
    issue_date: dt.datetime
    due_date: dt.datetime
    days_overdue: int
    fine_amount: Money
    accrued_fine: Money


class OverdueOut(OutputModel):
    records: list[OverdueLoan]
    total: int


class FinePaymentOut(OutputModel):
    issue_id: int = Field(description="The loan's row id (book issues)")
    fine_before: Money
    amount_paid: Money
    fine_remaining: Money
    payment_id: int = Field(description="The fee payment's row id")
    message: str
