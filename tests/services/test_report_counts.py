"""The count tables of migration 6 equal a recount of the rows after every kind of write:
marks added, changed and deleted (one by one and in bulk), payments made, refunded and
deleted, fee structures added, changed and deleted, and a student moving to another
department and program; concurrent writers of the same class and day both count."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from tortoise import connections

from models import Attendance, FeePayment, FeeStructure, Student
from models.enums import PaymentStatus
from tests import factories
from tests.counts import assert_kept_counts_match

pytestmark = pytest.mark.usefixtures("app")

# Each pair: the maintained table, and the same figures counted from the rows.
RECOUNTS = {
    "attendance_daily_counts": """
        SELECT a.course_offering_id, a.date, s.department_id,
               count(*) FILTER (WHERE a.status = 'present') AS present,
               count(*) FILTER (WHERE a.status = 'absent') AS absent,
               count(*) FILTER (WHERE a.status = 'late') AS late,
               count(*) FILTER (WHERE a.status = 'excused') AS excused
        FROM attendance a JOIN students s ON s.id = a.student_id GROUP BY 1, 2, 3""",
    "attendance_monthly_counts": """
        SELECT a.course_offering_id, date_trunc('month', a.date)::date AS month, s.department_id,
               count(*) FILTER (WHERE a.status = 'present') AS present,
               count(*) FILTER (WHERE a.status = 'absent') AS absent,
               count(*) FILTER (WHERE a.status = 'late') AS late,
               count(*) FILTER (WHERE a.status = 'excused') AS excused
        FROM attendance a JOIN students s ON s.id = a.student_id GROUP BY 1, 2, 3""",
    "fee_payment_monthly": """
        SELECT date_trunc('month', p.payment_date)::date AS month, f.academic_year, f.semester, s.department_id,
               s.program_id, p.payment_status, p.payment_mode, count(*) AS n, sum(p.amount_paid) AS amount,
               sum(p.late_fee) AS late_fees, sum(p.discount) AS discounts
        FROM fee_payments p JOIN fee_structures f ON f.id = p.fee_structure_id JOIN students s ON s.id = f.student_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    "fee_balance_counts": """
        SELECT f.academic_year, f.semester, s.department_id, s.program_id, f.due_date, count(*) AS open_count,
               sum(f.total_fee - coalesce(p.paid, 0)) AS balance
        FROM fee_structures f JOIN students s ON s.id = f.student_id
        LEFT JOIN (SELECT fee_structure_id, sum(amount_paid) AS paid FROM fee_payments
                   WHERE payment_status = 'completed' GROUP BY 1) p ON p.fee_structure_id = f.id
        WHERE f.total_fee > coalesce(p.paid, 0)
        GROUP BY 1, 2, 3, 4, 5""",
}
# Rows whose counts have all gone back to zero are left in place; they count as absent.
EMPTY = {
    "attendance_daily_counts": "present + absent + late + excused = 0",
    "attendance_monthly_counts": "present + absent + late + excused = 0",
    "fee_payment_monthly": "n = 0",
    "fee_balance_counts": "open_count = 0",
}


async def assert_counts_match() -> None:
    await assert_kept_counts_match(RECOUNTS, EMPTY)


async def test_marks_kept_counted():
    offering, registrations = await factories.create_class(size=3)
    enrollments = [r.enrollment for r in registrations]
    marks = [await factories.create_attendance(enrollment=e, course_offering=offering, date=dt.date(2025, 9, d),
                                               status=status)
             for e in enrollments for d, status in ((1, "present"), (2, "late"), (30, "absent"))]
    await assert_counts_match()
    await Attendance.filter(id=marks[0].id).update(status="excused")
    await Attendance.filter(date=dt.date(2025, 9, 2)).update(status="absent")
    await assert_counts_match()
    await Attendance.filter(id__in=[marks[1].id, marks[4].id]).delete()
    await assert_counts_match()
    # A bulk insert in one statement, as the register's save does.
    await Attendance.bulk_create([
        Attendance(enrollment_id=e.id, student_id=e.student_id, course_offering_id=offering.id,
                   date=dt.date(2025, 10, 1), status="present") for e in enrollments])
    await assert_counts_match()


async def test_a_student_moving_takes_their_counts():
    offering, registrations = await factories.create_class(size=2)
    mover = registrations[0].enrollment
    await factories.create_attendance(enrollment=mover, course_offering=offering, date=dt.date(2025, 9, 1))
    await factories.create_attendance(enrollment=registrations[1].enrollment, course_offering=offering,
                                      date=dt.date(2025, 9, 1), status="absent")
    structure = await factories.create_fee_structure(student=await Student.get(id=mover.student_id))
    await factories.create_fee_payment(fee_structure=structure)
    await assert_counts_match()
    elsewhere = await factories.create_department()
    program = await factories.create_program(department=elsewhere)
    await Student.filter(id=mover.student_id).update(department_id=elsewhere.id, program_id=program.id)
    await assert_counts_match()
    # A change of other columns moves nothing.
    await Student.filter(id=mover.student_id).update(semester=3)
    await assert_counts_match()


async def test_fees_kept_counted():
    student = await factories.create_student()
    first = await factories.create_fee_structure(student=student)
    second = await factories.create_fee_structure(student=student, semester=2, due_date=dt.date(2026, 1, 31))
    await assert_counts_match()
    paid = await factories.create_fee_payment(fee_structure=first, amount_paid=Decimal("58000.00"))
    await factories.create_fee_payment(fee_structure=second, amount_paid=Decimal("100.00"), late_fee=Decimal("5"))
    await factories.create_fee_payment(fee_structure=second, amount_paid=Decimal("7.00"),
                                       payment_status=PaymentStatus.FAILED)
    await assert_counts_match()
    await FeePayment.filter(id=paid.id).update(payment_status=PaymentStatus.REFUNDED)
    await assert_counts_match()
    await FeePayment.filter(id=paid.id).update(payment_status=PaymentStatus.COMPLETED,
                                               payment_date=dt.date(2025, 11, 3))
    await assert_counts_match()
    await FeeStructure.filter(id=second.id).update(total_fee=Decimal("60000.00"), tuition_fee=Decimal("52000.00"),
                                                   due_date=dt.date(2026, 2, 28), academic_year="2026-27")
    await assert_counts_match()
    await FeePayment.filter(fee_structure_id=second.id).delete()
    await FeeStructure.filter(id=second.id).delete()
    await assert_counts_match()


async def test_concurrent_marks_of_one_class_and_day_both_count():
    offering, registrations = await factories.create_class(size=6)
    day = dt.date(2025, 9, 8)

    async def mark(chunk: list) -> None:
        from dashboard.core.db import atomic

        async with atomic():
            for registration in chunk:
                await factories.create_attendance(enrollment=registration.enrollment, course_offering=offering,
                                                  date=day)

    await asyncio.gather(mark(registrations[:3]), mark(registrations[3:]))
    await assert_counts_match()
    rows = await connections.get("default").execute_query_dict(
        "SELECT present FROM attendance_daily_counts WHERE course_offering_id = $1 AND date = $2", [offering.id, day])
    assert rows == [{"present": 6}]
