"""/api/v1/analytics (domain.md §3.17): dashboard counts and monthly trends."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, field_serializer

from api.deps import CurrentActor, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.services import analytics as service

router = ResourceRouter(prefix="/analytics", tags=["Analytics"], responses=error_responses(401, 403, 422))


class DashboardOut(BaseModel):
    total_students: int
    total_faculty: int
    total_departments: int
    total_programs: int
    total_courses: int
    active_enrollments: int
    fee_collected_total: Decimal
    library_books_total: int
    hostel_occupancy_pct: float

    @field_serializer("fee_collected_total")
    def _money(self, value: Decimal) -> str:
        return f"{value:.2f}"


class CountPoint(BaseModel):
    period: str
    count: int


class AmountPoint(BaseModel):
    period: str
    amount: Decimal

    @field_serializer("amount")
    def _money(self, value: Decimal) -> str:
        return f"{value:.2f}"


class TrendsOut(BaseModel):
    enrollment_trends: list[CountPoint]
    fee_collection_trends: list[AmountPoint]
    attendance_trends: list[CountPoint]


@router.get("/dashboard", response_model=DashboardOut, openapi_extra=requires(Permission.ANALYTICS_READ))
async def dashboard(actor: CurrentActor) -> DashboardOut:
    summary = await service.dashboard_summary(actor)
    return DashboardOut(
        total_students=summary.total_students,
        total_faculty=summary.total_faculty,
        total_departments=summary.total_departments,
        total_programs=summary.total_programs,
        total_courses=summary.total_courses,
        active_enrollments=summary.active_enrollments,
        fee_collected_total=summary.fee_collected_total,
        library_books_total=summary.library_books_total,
        hostel_occupancy_pct=summary.hostel_occupancy_pct,
    )


@router.get("/trends", response_model=TrendsOut, openapi_extra=requires(Permission.ANALYTICS_READ))
async def trends(
    actor: CurrentActor,
    months: Annotated[int, Query(ge=service.MIN_MONTHS, le=service.MAX_MONTHS,
                                 description="Calendar months to cover, the current one included (1-60)")] = 12,
) -> TrendsOut:
    return TrendsOut.model_validate(await service.trends(actor, months=months))
