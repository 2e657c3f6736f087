"""Dashboard figures: response bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dashboard.schemas.fields import Money


class DashboardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total_students: int
    total_faculty: int
    total_departments: int
    total_programs: int
    total_courses: int
    active_enrollments: int
    fee_collected_total: Money
    library_books_total: int
    hostel_occupancy_pct: float


class CountPoint(BaseModel):
    period: str
    count: int


class AmountPoint(BaseModel):
    period: str
    amount: Money


class TrendsOut(BaseModel):
    enrollment_trends: list[CountPoint]
    fee_collection_trends: list[AmountPoint]
    attendance_trends: list[CountPoint]
