"""Fee structures and payments: request and response shapes (domain.md §3.10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AliasChoices, ConfigDict, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import Money, ref_id
from models.enums import PaymentMode, PaymentStatus

# Input money accepts a number or a string with at most two decimals; a third decimal is
# a 422, not a rounding. Output money is a 2-decimal string (fields.Money).
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
AcademicYear = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description='For example "2025-26"')]
Semester = Annotated[int, Field(ge=1, le=20)]
Remarks = Annotated[str, Field(max_length=1000)]
Reason = Annotated[str, Field(min_length=3, max_length=500)]

FEE_COMPONENTS = ("tuition_fee", "lab_fee", "library_fee", "sports_fee", "examination_fee", "hostel_fee", "other_fee")


def check_academic_year(year: str | None) -> None:
    """"2025-26": the second year follows the first."""
    if year is not None and (int(year[:4]) + 1) % 100 != int(year[5:]):
        raise ValueError('academic_year must be two consecutive years, as in "2025-26"')


class FeeStructureCreate(InputModel):
    """`program_id` defaults to the student's program and must be it when given;
    `total_fee` is the sum of the components and may be left out."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "student_id": 17, "academic_year": "2026-27", "semester": 3, "tuition_fee": "45000.00",
        "lab_fee": "5000.00", "library_fee": "1000.00", "sports_fee": "500.00",
        "examination_fee": "1500.00", "due_date": "2026-08-31", "late_fee_per_day": "50.00",
    }]})

    student_id: Annotated[int, ref_id("The student's id")]
    program_id: Annotated[int | None, ref_id("The program's id")] = None
    academic_year: AcademicYear = Field(validation_alias=AliasChoices("academic_year", "acedamic_year"))
    semester: Semester
    tuition_fee: Amount
    lab_fee: Amount = Decimal(0)
    library_fee: Amount = Decimal(0)
    sports_fee: Amount = Decimal(0)
    examination_fee: Amount = Decimal(0)
    hostel_fee: Amount | None = None
    other_fee: Amount | None = None
    total_fee: Amount | None = None
    due_date: dt.date
    late_fee_per_day: Amount = Decimal(0)

    @model_validator(mode="after")
    def _year(self) -> FeeStructureCreate:
        check_academic_year(self.academic_year)
        return self


class FeeStructureUpdate(InputModel):
    """Any fee component, the due date and the daily late fee; the total follows the
    components (send it only to confirm it)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "due_date": "2026-09-15", "late_fee_per_day": "25.00",
    }]})

    tuition_fee: Amount | None = None
    lab_fee: Amount | None = None
    library_fee: Amount | None = None
    sports_fee: Amount | None = None
    examination_fee: Amount | None = None
    hostel_fee: Amount | None = None
    other_fee: Amount | None = None
    total_fee: Amount | None = None
    due_date: dt.date | None = None
    late_fee_per_day: Amount | None = None


class FeeStructureOut(OutputModel):
    id: int
    program_id: int = Field(description="The program's id")
    student_id: int = Field(description="The student's id")
    academic_year: str
    semester: int
    tuition_fee: Money
    lab_fee: Money
    library_fee: Money
    sports_fee: Money
    examination_fee: Money
    hostel_fee: Money | None
    other_fee: Money | None
    total_fee: Money
    due_date: dt.date
    late_fee_per_day: Money
    created_at: dt.datetime
    updated_at: dt.datetime | None


class FeePaymentCreate(InputModel):
    """`amount_paid` counts against the structure's balance and may not exceed it.
    `late_fee` is computed by the server (late_fee_per_day × days past the due date);
    send it only to override that figure, with `late_fee_reason`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "student_id": 17, "fee_structure_id": 230, "amount_paid": "25000.00",
        "payment_date": "2026-09-01", "payment_mode": "upi", "transaction_id": "UPI-20260901-4821",
    }]})

    student_id: Annotated[int, ref_id("The student's id")]
    fee_structure_id: Annotated[int, ref_id("The fee structure's id")]
    amount_paid: PositiveAmount
    payment_date: dt.date | None = None
    payment_mode: PaymentMode
    # The bank's or gateway's reference; left out (cash), the server makes one from the
    # receipt number. Retries of a payment without one need an Idempotency-Key.
    transaction_id: Annotated[str | None, Field(
        min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.:-]*$",
        description="The bank's or gateway's transaction reference (not a database id)")] = None
    late_fee: Amount | None = None
    late_fee_reason: Reason | None = None
    discount: Amount = Decimal(0)
    remarks: Remarks | None = None


class FeePaymentOut(OutputModel):
    id: int
    student_id: int = Field(description="The student's id")
    fee_structure_id: int = Field(description="The fee structure's id")
    amount_paid: Money
    payment_date: dt.date
    payment_mode: PaymentMode
    transaction_id: str = Field(description="The bank's or gateway's transaction reference (not a database id)")
    receipt_number: str
    late_fee: Money
    discount: Money
    payment_status: PaymentStatus
    remarks: str | None
    processed_by: int = Field(
        description="Who took it: a staff member's id (admin_staff, not a user)",
        validation_alias=AliasChoices("processed_by_id", "processed_by"),
    )
    created_at: dt.datetime
    updated_at: dt.datetime | None


class RefundCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "payment_id": 512, "reason": "Paid twice by mistake",
    }]})

    payment_id: Annotated[int, ref_id("The fee payment's row id")]
    reason: Reason


class RefundOut(OutputModel):
    payment_id: int = Field(description="The fee payment's row id")
    receipt_number: str
    amount_refunded: Money
    status: PaymentStatus
    message: str


class PendingFee(OutputModel):
    student_id: int = Field(description="The student's id")
    fee_structure_id: int = Field(description="The fee structure's id")
    academic_year: str
    semester: int
    total_fee: Money
    total_paid: Money
    balance: Money
    due_date: dt.date
    is_overdue: bool


class PendingFeesOut(OutputModel):
    records: list[PendingFee]
    total: int


class FeeDefaulter(OutputModel):
    student_id: int = Field(description="The student's id")
    student_code: str
    student_name: str
    fee_structure_id: int = Field(description="The fee structure's id")
    academic_year: str
    semester: int
    total_fee: Money
    total_paid: Money
    balance: Money
    due_date: dt.date
    days_overdue: int


class FeeDefaultersOut(OutputModel):
    defaulters: list[FeeDefaulter]
    total: int


class FeeBreakdown(OutputModel):
    tuition: Money
    lab: Money
    library: Money
    sports: Money
    examination: Money
    hostel: Money
    other: Money
    total_fees: Money


class ReceiptOut(OutputModel):
    receipt_number: str
    university_name: str
    student_id: int = Field(description="The student's id")
    student_code: str | None
    student_name: str
    academic_year: str
    semester: int
    fee_breakdown: FeeBreakdown
    amount_paid: Money
    late_fee: Money
    discount: Money
    total_charged: Money
    balance_after: Money
    payment_date: dt.date
    payment_mode: PaymentMode
    transaction_id: str = Field(description="The bank's or gateway's transaction reference (not a database id)")
    payment_status: PaymentStatus
