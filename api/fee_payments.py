"""/api/v1/fee-payments: payments, refunds, balances, defaulters and receipts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Header, Path, Query, Response
from fastapi.responses import HTMLResponse

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fees import (
    FeeDefaultersOut,
    FeePaymentCreate,
    FeePaymentOut,
    PendingFeesOut,
    ReceiptOut,
    RefundCreate,
    RefundOut,
)
from dashboard.schemas.fields import MAX_INT
from dashboard.services import fees as service
from models.enums import PaymentStatus

router = ResourceRouter(prefix="/fee-payments", tags=["Fee Payments"], responses=error_responses(401, 403, 422))

PaymentId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get(
    "/pending", response_model=PendingFeesOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.FEES_READ), summary="Pending fees",
    description="Structures with a balance left (total less completed payments), by due date. A student "
    "gets their own and a parent their children's (student_id narrows to one child); staff name the student.",
)
async def pending_fees(
    actor: CurrentActor,
    student_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="The student (required for staff)")] = None,
) -> dict:
    return await service.pending_fees(actor, student_id=student_id)


@router.get(
    "/defaulters", response_model=FeeDefaultersOut, openapi_extra=requires(Permission.FEES_REPORT),
    summary="Fee defaulters",
    description="Admin and staff. Every structure past its due date with a balance left, longest overdue "
    "first, with whole days overdue. Paged (`total` counts them all).",
)
async def fee_defaulters(
    actor: CurrentActor,
    page: Annotated[int, Query(ge=1, description="Page number (min 1)")] = 1,
    page_size: Annotated[int, Query(ge=1, le=service.DEFAULTERS_PAGE_SIZE_MAX,
                                    description="Defaulters per page (1-1000)")] = 100,
) -> dict:
    return await service.fee_defaulters(actor, page=PageRequest(page=page, page_size=page_size))


@router.get(
    "", response_model=PageOut[FeePaymentOut], openapi_extra=requires(Permission.FEES_READ),
    summary="List payments",
    description="Staff see every payment; a student their own, a parent their children's. Newest first.",
)
async def list_fee_payments(
    actor: CurrentActor,
    page: PageParams,
    student_id: Annotated[IdFilter, Query(description="Payments of this student (their id)")] = None,
    fee_structure_id: Annotated[IdFilter, Query(description="Payments against this fee structure (its id)")] = None,
    payment_status: Annotated[PaymentStatus | None, Query(description="Filter by status")] = None,
) -> PageOut[FeePaymentOut]:
    result = await service.list_fee_payments(actor, page=page, student_id=student_id,
                                             fee_structure_id=fee_structure_id, payment_status=payment_status)
    return PageOut[FeePaymentOut].of(result)


@router.post(
    "", status_code=201, response_model=FeePaymentOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.FEES_WRITE), summary="Record a payment",
    description="Admin and staff with a staff record. The amount must be positive and within the "
    "structure's balance; the late fee is computed from the structure's daily rate and the days past its "
    "due date unless overridden with a reason. With an Idempotency-Key, a retry of the same request returns "
    "the first payment (header Idempotent-Replayed: true) and records nothing; the same key with another "
    "body is a 409.",
)
async def record_payment(
    actor: CurrentActor,
    body: FeePaymentCreate,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=service.IDEMPOTENCY_KEY_MAX,
                                                  description="Makes retries of this request safe")] = None,
) -> FeePaymentOut:
    payment, replayed = await service.record_payment(actor, data=body, idempotency_key=idempotency_key)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return FeePaymentOut.model_validate(payment)


@router.post(
    "/refund", response_model=RefundOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.FEES_WRITE), summary="Refund a payment",
    description="Admin and staff. A full refund of a completed payment, once (400 otherwise); the "
    "structure's balance re-opens and the reason is kept in the remarks.",
)
async def refund_payment(actor: CurrentActor, body: RefundCreate) -> dict:
    return await service.refund_payment(actor, data=body)


@router.get(
    "/{payment_id}", response_model=FeePaymentOut, responses=error_responses(404),
    openapi_extra=requires(Permission.FEES_READ), summary="Get a payment",
    description="Another student's payment is a 404 for a student or parent.",
)
async def get_fee_payment(actor: CurrentActor, payment_id: PaymentId) -> FeePaymentOut:
    return FeePaymentOut.model_validate(await service.get_fee_payment(actor, payment_id=payment_id))


@router.get(
    "/{payment_id}/receipt", response_model=ReceiptOut,
    responses=error_responses(404) | {200: {"content": {"text/html": {}}, "description": "The receipt"}},
    openapi_extra=requires(Permission.FEES_READ), summary="A payment's receipt",
    description="The receipt as JSON, or with format=html a printable page. A student reads their own, "
    "a parent their children's.",
)
async def payment_receipt(
    actor: CurrentActor,
    payment_id: PaymentId,
    format: Annotated[Literal["json", "html"], Query(description="json (default) or html")] = "json",
) -> Response | dict:
    receipt = await service.payment_receipt(actor, payment_id=payment_id)
    if format == "html":
        return HTMLResponse(service.render_receipt_html(receipt), headers={"Cache-Control": "no-store"})
    return receipt
