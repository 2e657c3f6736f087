"""The home page's figures for the campus services (attendance today, fees this month
against pending, overdue books, free beds), each card linking to the list behind it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from tests import factories


def _card(html: str, attribute: str, key: str) -> tuple[str, str | None]:
    """(the figure, the card's link or None)."""
    match = re.search(rf'<(a|div) class="card[^"]*"(?: href="([^"]+)")? {attribute}="{key}">(.*?)</(?:a|div)>\s*</div>',
                      html, re.S)
    assert match, key
    value = re.search(r'(?:kpi|figure)-value">([^<]*)<', match.group(3))
    assert value, key
    return value.group(1).strip(), match.group(2)


async def test_the_home_page_shows_todays_figures_and_links_each_card(admin_login):
    staff = await admin_login("staff")
    today = dt.datetime.now(dt.UTC).date()
    enrollment = await factories.create_enrollment()
    offering = await factories.create_offering(program_id=enrollment.program_id)
    for status, day in (("present", today), ("late", today), ("absent", today), ("absent", today),
                        ("absent", today - dt.timedelta(days=1))):
        other = await factories.create_enrollment(program_id=enrollment.program_id) if day == today else enrollment
        await factories.create_attendance(enrollment=other, course_offering=offering, date=day, status=status)
    structure = await factories.create_fee_structure(student=await enrollment.student)
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("8000.00"), payment_date=today)
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("1000.00"),
                                       payment_date=today.replace(day=1) - dt.timedelta(days=1))
    now = dt.datetime.now(dt.UTC)
    await factories.create_loan(due_date=now - dt.timedelta(days=2))
    await factories.create_loan(due_date=now + dt.timedelta(days=2))
    room = await factories.create_room(hostel=await factories.create_hostel(total_capacity=30))
    await factories.create_allocation(room=room)

    html = (await staff.get("/admin/")).text
    # 2 of today's 4 marks attended (present + late); yesterday's does not count.
    assert _card(html, "data-figure", "attendance_today") == ("50.0%", "/admin/attendance_defaulters/list")
    assert _card(html, "data-figure", "fees_month") == ("₹8,000.00", "/admin/fee_defaulters/list")
    assert "₹49,000.00 pending" in html
    assert _card(html, "data-figure", "overdue_books") == ("1", "/admin/overdue_books/list")
    assert _card(html, "data-figure", "free_beds") == ("29", "/admin/warden/list")
    assert "of 30 beds" in html
    assert _card(html, "data-kpi", "students")[1] == "/admin/students/list"
    assert _card(html, "data-kpi", "fees") == ("₹9,000.00", "/admin/cashier/list")


async def test_cards_link_only_to_lists_the_user_may_open(admin_login):
    admin = await admin_login("admin")
    html = (await admin.get("/admin/")).text
    assert _card(html, "data-figure", "attendance_today") == ("–", "/admin/attendance_defaulters/list")
    assert "No attendance marked yet today" in html
    # The enrollments screen is a staff screen; admins have it too. Faculty see no figures at all.
    teacher = await admin_login("faculty")
    assert "data-figure=" not in (await teacher.get("/admin/")).text
