"""/api/v1/analytics: dashboard counts and monthly trends (domain.md §3.17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Hostel, LibraryBook
from models.enums import EnrollmentStatus, HostelType, PaymentStatus
from tests import factories

DASHBOARD = "/api/v1/analytics/dashboard"
NEW_EMPTY = {"attendance_today_records": 0, "attendance_today_percentage": 0.0, "fee_collected_this_month": "0.00",
             "fee_pending_total": "0.00", "library_overdue_books": 0, "hostel_free_beds": 0}
TRENDS = "/api/v1/analytics/trends"


def _months_back(count: int) -> list[str]:
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    periods = []
    year, month = today.year, today.month
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(periods))


async def test_dashboard_counts(staff_client):
    empty = (await staff_client.get(DASHBOARD)).json()
    assert empty == {"total_students": 0, "total_faculty": 0, "total_departments": 0, "total_programs": 0,
                     "total_courses": 0, "active_enrollments": 0, "fee_collected_total": "0.00",
                     "library_books_total": 0, "hostel_occupancy_pct": 0.0, **NEW_EMPTY}
    department = await factories.create_department()
    await factories.create_department(is_active=False)
    program = await factories.create_program(department=department)
    await factories.create_program(department=department, is_active=False)
    await factories.create_course(department=department)
    students = [await factories.create_student(program=program, department=department) for _ in range(3)]
    await factories.create_enrollment(student=students[0])
    await factories.create_enrollment(student=students[1], status=EnrollmentStatus.DROPPED)
    await factories.create_faculty(department=department)
    await factories.create_fee_payment(student=students[0], amount_paid=Decimal("100.50"))
    await factories.create_fee_payment(student=students[1], amount_paid=Decimal("20.25"))
    await factories.create_fee_payment(student=students[2], amount_paid=Decimal("999.00"),
                                       payment_status=PaymentStatus.REFUNDED)
    await LibraryBook.create(title="T", author="A", isbn="978-1")
    await Hostel.create(
        name="North", hostel_type=HostelType.BOYS, total_rooms=10, total_capacity=40, occupied_capacity=10
    )
    await Hostel.create(
        name="South", hostel_type=HostelType.GIRLS, total_rooms=10, total_capacity=20, occupied_capacity=5
    )
    await Hostel.create(name="Closed", hostel_type=HostelType.GIRLS, total_rooms=1, total_capacity=100,
                        occupied_capacity=0, is_active=False)
    body = (await staff_client.get(DASHBOARD)).json()
    assert body == {"total_students": 3, "total_faculty": 1, "total_departments": 1, "total_programs": 1,
                    "total_courses": 1, "active_enrollments": 1, "fee_collected_total": "120.75",
                    "library_books_total": 1, "hostel_occupancy_pct": 25.0,
                    # three structures of 58000.00 less the completed 100.50 and 20.25
                    **NEW_EMPTY, "fee_pending_total": "173879.25", "hostel_free_beds": 45}


async def test_trends_are_calendar_months_with_zeros(admin_client):
    this_month = dt.datetime.now(dt.UTC).replace(day=1, hour=10)
    two_ago = (this_month - dt.timedelta(days=40)).replace(day=15)
    long_ago = this_month - dt.timedelta(days=800)
    for when in (this_month, this_month, two_ago, long_ago):
        await factories.create_enrollment(enrollment_date=when)
    await factories.create_fee_payment(payment_date=this_month.date(), amount_paid=Decimal("10.00"))
    await factories.create_fee_payment(payment_date=this_month.date(), amount_paid=Decimal("5.00"),
                                       payment_status=PaymentStatus.FAILED)
    await factories.create_attendance(date=two_ago.date())

    body = (await admin_client.get(TRENDS, params={"months": 3})).json()
    periods = _months_back(3)
    enrollments = {p["period"]: p["count"] for p in body["enrollment_trends"]}
    assert list(enrollments) == periods
    assert enrollments[periods[-1]] == 2
    assert enrollments[two_ago.strftime("%Y-%m")] == 1
    assert sum(enrollments.values()) == 3  # the one from two years ago is outside the window
    assert [p["amount"] for p in body["fee_collection_trends"]][-1] == "10.00"
    assert all(p["amount"] == "0.00" for p in body["fee_collection_trends"][:-1])
    attendance = {p["period"]: p["count"] for p in body["attendance_trends"]}
    assert attendance[two_ago.strftime("%Y-%m")] == 1 and sum(attendance.values()) == 1

    default = (await admin_client.get(TRENDS)).json()
    assert [p["period"] for p in default["enrollment_trends"]] == _months_back(12)


@pytest.mark.parametrize("months", [0, 61, -1, "x"])
async def test_months_out_of_range_is_422(admin_client, months):
    assert (await admin_client.get(TRENDS, params={"months": months})).status_code == 422


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff(login_as, role):
    client = await login_as(role)
    for url in (DASHBOARD, TRENDS):
        assert (await client.get(url)).status_code == 403


async def test_anonymous_is_401(client):
    for url in (DASHBOARD, TRENDS):
        assert (await client.get(url)).status_code == 401


async def test_dashboard_is_one_query(admin_client):
    """All headline counts come from one SELECT of scalar subqueries."""
    from tortoise import connections

    connection = connections.get("default")
    seen: list[str] = []
    original = connection.execute_query_dict

    async def spy(query, values=None):
        seen.append(query)
        return await original(query, values)

    connection.execute_query_dict = spy
    try:
        assert (await admin_client.get(DASHBOARD)).status_code == 200
    finally:
        connection.execute_query_dict = original
    assert sum("total_students" in q for q in seen) == 1
    assert not any("hostels" in q and "total_students" not in q for q in seen)


async def test_the_home_page_figures(staff_client):
    today = dt.datetime.now(dt.UTC).date()
    offering, registrations = await factories.create_class(size=4)
    for registration, status in zip(registrations, ("present", "late", "absent", "excused"), strict=False):
        await factories.create_attendance(enrollment=registration.enrollment, course_offering=offering, date=today,
                                          status=status)
    await factories.create_attendance(enrollment=registrations[0].enrollment, course_offering=offering,
                                      date=today - dt.timedelta(days=1), status="absent")
    structure = await factories.create_fee_structure(due_date=today - dt.timedelta(days=3))
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("8000.00"), payment_date=today)
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("1000.00"),
                                       payment_date=today.replace(day=1) - dt.timedelta(days=1))
    now = dt.datetime.now(dt.UTC)
    await factories.create_loan(due_date=now - dt.timedelta(days=2))
    await factories.create_loan(due_date=now + dt.timedelta(days=2))
    body = (await staff_client.get(DASHBOARD)).json()
    assert body["attendance_today_records"] == 4 and body["attendance_today_percentage"] == 50.0
    assert body["fee_collected_this_month"] == "8000.00" and body["fee_collected_total"] == "9000.00"
    assert body["fee_pending_total"] == "49000.00"
    assert body["library_overdue_books"] == 1
