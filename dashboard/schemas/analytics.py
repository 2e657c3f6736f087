"""Dashboard figures: response bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
    attendance_today_records: int = Field(description="Attendance marks taken today (UTC), every status")
    attendance_today_percentage: float = Field(
        description="Today's (present + late) / marks × 100, 2 decimals; 0 without marks")
    fee_collected_this_month: Money = Field(description="Σ completed payments dated this calendar month")
    fee_pending_total: Money = Field(description="Σ outstanding fee balances (total less completed payments)")
    library_overdue_books: int = Field(description="Open loans past their due date")
    hostel_free_beds: int = Field(description="Beds free in active hostels (capacity − occupied)")


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
