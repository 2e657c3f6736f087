"""/api/v1/analytics (domain.md §3.17): dashboard counts and monthly trends."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from api.deps import CurrentActor, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.analytics import DashboardOut, TrendsOut
from dashboard.services import analytics as service

router = ResourceRouter(prefix="/analytics", tags=["Analytics"], responses=error_responses(401, 403, 422))


@router.get("/dashboard", response_model=DashboardOut, openapi_extra=requires(Permission.ANALYTICS_READ))
async def dashboard(actor: CurrentActor) -> Any:
    """Dashboard counts

    Totals across the university: students, faculty, departments, programs, courses, active
    enrollments, fees collected, library books and hostel occupancy. Reads only."""
    return await service.dashboard_summary(actor)


@router.get("/trends", response_model=TrendsOut, openapi_extra=requires(Permission.ANALYTICS_READ))
async def trends(
    actor: CurrentActor,
    months: Annotated[int, Query(ge=service.MIN_MONTHS, le=service.MAX_MONTHS,
                                 description="Calendar months to cover, the current one included (1-60)")] = 12,
) -> Any:
    """Monthly trends

    New enrollments, fee collections and attendance records per calendar month, for the last
    `months` months (the current one included), oldest first. Reads only."""
    return await service.trends(actor, months=months)
