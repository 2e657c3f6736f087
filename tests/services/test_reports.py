"""The seven reports against an independent recount: a small university is built here from
plain records, and each expected figure is counted from those records in Python, for each
filter, the filters combined, and a filter that matches nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from dashboard.core.actor import Actor
from dashboard.core.errors import Forbidden
from dashboard.schemas.reports import (
    AttendanceFilters,
    DepartmentWiseFilters,
    ExamResultsFilters,
    FeeCollectionFilters,
    HostelOccupancyFilters,
    LibraryStatsFilters,
    StudentPerformanceFilters,
)
from dashboard.services import reports
from models import SemesterResult
from models.enums import PaymentStatus, UserType
from tests import factories

pytestmark = pytest.mark.usefixtures("app")

TODAY = dt.date.today()
PAST = TODAY - dt.timedelta(days=40)
FUTURE = TODAY + dt.timedelta(days=300)


def q(value: Any, places: str = "0.01") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Uni:
    departments: dict[str, Any]
    programs: dict[str, Any]
    offerings: dict[str, Any]
    students: dict[str, Any]
    # The records, as plain tuples, from which the expected figures are counted.
    people: list[dict[str, Any]]
    results: list[dict[str, Any]]
    marks: list[dict[str, Any]]
    structures: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    books: list[dict[str, Any]]
    loans: list[dict[str, Any]]
    hostels: list[dict[str, Any]]


@pytest.fixture
async def uni() -> Uni:
    alpha = await factories.create_department(name="Alpha", code="ALP")
    beta = await factories.create_department(name="Beta", code="BET")
    gamma = await factories.create_department(name="Gamma", code="GAM", is_active=False)
    p1 = await factories.create_program(department=alpha, name="Alpha BSc", code="ABSC")
    p2 = await factories.create_program(department=beta, name="Beta BA", code="BBA")
    p3 = await factories.create_program(department=alpha, name="Alpha MSc", code="AMSC")
    o1 = await factories.create_offering(program=p1, academic_year="2025-26", semester=1)
    o2 = await factories.create_offering(program=p2, academic_year="2024-25", semester=2)
    o3 = await factories.create_offering(program=p3, academic_year="2025-26", semester=3)

    people = [
        {"key": "s1", "program": p1, "department": alpha, "cgpa": Decimal("8.00"), "status": "active"},
        {"key": "s2", "program": p1, "department": alpha, "cgpa": Decimal("6.25"), "status": "graduated"},
        {"key": "s3", "program": p2, "department": beta, "cgpa": None, "status": "active"},
        {"key": "s4", "program": p3, "department": alpha, "cgpa": Decimal("9.50"), "status": "active"},
    ]
    students, enrollments = {}, {}
    for person in people:
        student = await factories.create_student(program=person["program"], department=person["department"],
                                                 cgpa=person["cgpa"], status=person["status"])
        students[person["key"]] = student
        enrollments[person["key"]] = await factories.create_enrollment(student=student)
        person["id"], person["department_id"], person["program_id"] = (
            student.id, person["department"].id, person["program"].id)

    results = [
        {"student": "s1", "academic_year": "2024-25", "semester": 1, "gpa": Decimal("8.00"), "status": "pass"},
        {"student": "s1", "academic_year": "2025-26", "semester": 2, "gpa": Decimal("9.00"), "status": "pass"},
        {"student": "s2", "academic_year": "2024-25", "semester": 1, "gpa": Decimal("6.25"), "status": "pass"},
        {"student": "s3", "academic_year": "2025-26", "semester": 1, "gpa": Decimal("3.10"), "status": "fail"},
        {"student": "s4", "academic_year": "2025-26", "semester": 1, "gpa": Decimal("9.55"), "status": "promoted"},
    ]
    for r in results:
        await SemesterResult.create(enrollment=enrollments[r["student"]], student=students[r["student"]],
                                    academic_year=r["academic_year"], semester=r["semester"], gpa=r["gpa"],
                                    cgpa=r["gpa"], status=r["status"], total_credits_attempted=20,
                                    total_credits_earned=20)

    offerings = {"o1": o1, "o2": o2, "o3": o3}
    marks = [
        {"student": "s1", "offering": "o1", "date": dt.date(2025, 9, 1), "status": "present"},
        {"student": "s1", "offering": "o1", "date": dt.date(2025, 9, 2), "status": "late"},
        {"student": "s1", "offering": "o1", "date": dt.date(2025, 10, 1), "status": "absent"},
        {"student": "s2", "offering": "o1", "date": dt.date(2025, 9, 1), "status": "excused"},
        {"student": "s2", "offering": "o1", "date": dt.date(2025, 10, 15), "status": "present"},
        {"student": "s3", "offering": "o2", "date": dt.date(2025, 9, 30), "status": "present"},
        {"student": "s3", "offering": "o2", "date": dt.date(2025, 11, 1), "status": "absent"},
        {"student": "s4", "offering": "o3", "date": dt.date(2025, 10, 31), "status": "late"},
        {"student": "s4", "offering": "o3", "date": dt.date(2025, 11, 3), "status": "present"},
    ]
    for m in marks:
        await factories.create_attendance(enrollment=enrollments[m["student"]], course_offering=offerings[m["offering"]],
                                          date=m["date"], status=m["status"])

    structures = [
        {"key": "f1", "student": "s1", "academic_year": "2025-26", "semester": 1, "total": Decimal("1000.00"),
         "due": PAST},
        {"key": "f2", "student": "s2", "academic_year": "2025-26", "semester": 1, "total": Decimal("500.00"),
         "due": FUTURE},
        {"key": "f3", "student": "s3", "academic_year": "2024-25", "semester": 2, "total": Decimal("800.00"),
         "due": dt.date(2025, 1, 31)},
        {"key": "f4", "student": "s4", "academic_year": "2025-26", "semester": 3, "total": Decimal("700.00"),
         "due": FUTURE},
    ]
    fee_rows = {}
    for f in structures:
        fee_rows[f["key"]] = await factories.create_fee_structure(
            student=students[f["student"]], academic_year=f["academic_year"], semester=f["semester"],
            total_fee=f["total"], tuition_fee=f["total"], lab_fee=0, library_fee=0, sports_fee=0, examination_fee=0,
            due_date=f["due"])
    cashier = await factories.create_admin_staff()
    payments = [
        {"fee": "f1", "amount": Decimal("600.00"), "date": dt.date(2025, 9, 5), "mode": "upi", "status": "completed",
         "late_fee": Decimal("10.00"), "discount": Decimal("0")},
        {"fee": "f1", "amount": Decimal("100.00"), "date": dt.date(2025, 9, 6), "mode": "cash", "status": "refunded",
         "late_fee": Decimal("0"), "discount": Decimal("0")},
        {"fee": "f2", "amount": Decimal("500.00"), "date": dt.date(2025, 10, 1), "mode": "card",
         "status": "completed", "late_fee": Decimal("0"), "discount": Decimal("20.00")},
        {"fee": "f3", "amount": Decimal("300.00"), "date": dt.date(2025, 2, 10), "mode": "cash",
         "status": "completed", "late_fee": Decimal("5.50"), "discount": Decimal("0")},
        {"fee": "f3", "amount": Decimal("50.00"), "date": dt.date(2025, 2, 11), "mode": "upi", "status": "failed",
         "late_fee": Decimal("0"), "discount": Decimal("0")},
        {"fee": "f4", "amount": Decimal("200.00"), "date": dt.date(2025, 10, 31), "mode": "upi",
         "status": "completed", "late_fee": Decimal("0"), "discount": Decimal("0")},
    ]
    for p in payments:
        await factories.create_fee_payment(fee_structure=fee_rows[p["fee"]], amount_paid=p["amount"],
                                           payment_date=p["date"], payment_mode=p["mode"],
                                           payment_status=PaymentStatus(p["status"]), late_fee=p["late_fee"],
                                           discount=p["discount"], processed_by=cashier)

    now = dt.datetime.now(dt.UTC)
    books = [
        {"key": "b1", "department": alpha, "category": "Science", "copies": 3},
        {"key": "b2", "department": beta, "category": "Arts", "copies": 1},
        {"key": "b3", "department": alpha, "category": None, "copies": 2},
    ]
    book_rows = {}
    for b in books:
        book_rows[b["key"]] = await factories.create_book(department=b["department"], category=b["category"],
                                                          copies=b["copies"])
    loans = [
        {"book": "b1", "status": "issued", "due": now - dt.timedelta(days=3), "fine": Decimal("0")},
        {"book": "b1", "status": "issued", "due": now + dt.timedelta(days=5), "fine": Decimal("0")},
        {"book": "b2", "status": "lost", "due": now - dt.timedelta(days=30), "fine": Decimal("200.00")},
        {"book": "b3", "status": "returned", "due": now - dt.timedelta(days=20), "fine": Decimal("15.00")},
    ]
    for n, loan in enumerate(loans):
        reader = await factories.create_user(user_type=UserType.STUDENT)
        await factories.create_loan(book=book_rows[loan["book"]], user=reader, status=loan["status"],
                                    due_date=loan["due"], fine_amount=loan["fine"],
                                    issue_date=loan["due"] - dt.timedelta(days=14 + n),
                                    return_date=loan["due"] if loan["status"] == "returned" else None)
    for b in books:
        b["available"] = b["copies"] - sum(1 for loan in loans if loan["book"] == b["key"] and loan["status"] == "issued")

    hostels = [
        {"name": "North", "type": "boys", "rooms": 2, "capacity": 10, "occupied": 4, "active": True,
         "room_types": ["single", "double"]},
        {"name": "South", "type": "girls", "rooms": 1, "capacity": 6, "occupied": 6, "active": True,
         "room_types": ["double"]},
        {"name": "Old", "type": "boys", "rooms": 1, "capacity": 50, "occupied": 0, "active": False,
         "room_types": ["quad"]},
    ]
    for h in hostels:
        hostel = await factories.create_hostel(name=h["name"], hostel_type=h["type"], total_rooms=h["rooms"],
                                               total_capacity=h["capacity"], occupied_capacity=h["occupied"],
                                               is_active=h["active"])
        h["id"] = hostel.id
        for room_type in h["room_types"]:
            await factories.create_room(hostel=hostel, room_type=room_type)
        await factories.create_room(hostel=hostel, room_type="triple", is_active=False)

    await factories.create_faculty(department=alpha)
    await factories.create_faculty(department=alpha)
    await factories.create_faculty(department=beta)
    await factories.create_course(department=alpha, is_active=False)
    _ = gamma
    return Uni({"alpha": alpha, "beta": beta, "gamma": gamma}, {"p1": p1, "p2": p2, "p3": p3}, offerings,
               students, people, results, marks, structures, payments, books, loans, hostels)


def _person(u: Uni, key: str) -> dict[str, Any]:
    return next(p for p in u.people if p["key"] == key)


# --- student performance --------------------------------------------------------------------


def _expected_performance(u: Uni, f: dict[str, Any]) -> dict[str, Any]:
    def result_matches(r: dict[str, Any]) -> bool:
        return all(r[k] == f[k] for k in ("academic_year", "semester") if f.get(k) is not None)

    has_result_filter = any(f.get(k) is not None for k in ("academic_year", "semester"))
    chosen = [p for p in u.people
              if (f.get("department") is None or p["department_id"] == u.departments[f["department"]].id)
              and (f.get("program") is None or p["program_id"] == u.programs[f["program"]].id)
              and (not has_result_filter or any(r["student"] == p["key"] and result_matches(r) for r in u.results))]
    keys = {p["key"] for p in chosen}
    cgpas = [p["cgpa"] for p in chosen if p["cgpa"] is not None]
    by_department = Counter(p["department_id"] for p in chosen)
    departments = [d for d in u.departments.values()
                   if f.get("department") is None or d.id == u.departments[f["department"]].id]
    results = [r for r in u.results if r["student"] in keys and result_matches(r)]
    semesters = sorted({r["semester"] for r in results})
    return {
        "total_students": len(chosen),
        "avg_cgpa": float(q(sum(cgpas) / len(cgpas), "0.001")) if cgpas else None,
        "status_breakdown": dict(Counter(p["status"] for p in chosen)),
        "department_wise": sorted(
            [{"department_id": d.id, "department_name": d.name, "student_count": by_department.get(d.id, 0)}
             for d in departments], key=lambda x: x["department_name"]),
        "semester_wise_gpa": [
            {"semester": s, "student_count": len(rs := [r for r in results if r["semester"] == s]),
             "avg_gpa": float(q(sum(r["gpa"] for r in rs) / len(rs)))} for s in semesters],
    }


PERFORMANCE_FILTERS = [
    {}, {"department": "alpha"}, {"program": "p1"}, {"academic_year": "2025-26"}, {"semester": 1},
    {"department": "alpha", "academic_year": "2024-25"}, {"program": "p3", "semester": 1},
    {"department": "beta", "semester": 2},
]


@pytest.mark.parametrize("f", PERFORMANCE_FILTERS, ids=str)
async def test_student_performance(uni, f):
    filters = StudentPerformanceFilters(
        department_id=uni.departments[f["department"]].id if "department" in f else None,
        program_id=uni.programs[f["program"]].id if "program" in f else None,
        academic_year=f.get("academic_year"), semester=f.get("semester"))
    out = await reports.student_performance_report(Actor.system(), filters=filters)
    assert out.model_dump(mode="json") == _expected_performance(uni, f)


# --- attendance -----------------------------------------------------------------------------


def _counts(marks: list[dict[str, Any]]) -> dict[str, Any]:
    c = Counter(m["status"] for m in marks)
    total = len(marks)
    return {"total_records": total, "present_count": c["present"], "absent_count": c["absent"],
            "late_count": c["late"], "excused_count": c["excused"],
            "attendance_percentage": float(q(Decimal(100 * (c["present"] + c["late"])) / total)) if total else 0.0}


def _expected_attendance(u: Uni, f: dict[str, Any]) -> dict[str, Any]:
    def offering_of(m: dict[str, Any]) -> Any:
        return u.offerings[m["offering"]]

    chosen = [
        m for m in u.marks
        if (f.get("department") is None or _person(u, m["student"])["department_id"] == u.departments[f["department"]].id)
        and (f.get("offering") is None or m["offering"] == f["offering"])
        and (f.get("program") is None or offering_of(m).program_id == u.programs[f["program"]].id)
        and (f.get("academic_year") is None or offering_of(m).academic_year == f["academic_year"])
        and (f.get("semester") is None or offering_of(m).semester == f["semester"])
        and (f.get("date_from") is None or m["date"] >= f["date_from"])
        and (f.get("date_to") is None or m["date"] <= f["date_to"])
    ]
    departments = sorted({_person(u, m["student"])["department_id"] for m in chosen})
    names = {d.id: d.name for d in u.departments.values()}
    months = sorted({m["date"].strftime("%Y-%m") for m in chosen})
    return {
        **_counts(chosen),
        "department_wise": sorted([
            {"department_id": d, "department_name": names[d],
             **_counts([m for m in chosen if _person(u, m["student"])["department_id"] == d])} for d in departments],
            key=lambda x: x["department_name"]),
        "monthly": [{"period": p, **_counts([m for m in chosen if m["date"].strftime("%Y-%m") == p])}
                    for p in months],
    }


ATTENDANCE_FILTERS = [
    {}, {"department": "alpha"}, {"department": "beta"}, {"offering": "o1"}, {"program": "p3"},
    {"academic_year": "2025-26"}, {"semester": 2},
    # whole months, part months at either end, one part month, and a range with no marks
    {"date_from": dt.date(2025, 10, 1), "date_to": dt.date(2025, 10, 31)},
    {"date_from": dt.date(2025, 9, 2), "date_to": dt.date(2025, 11, 2)},
    {"date_from": dt.date(2025, 9, 2)}, {"date_to": dt.date(2025, 10, 15)},
    {"date_from": dt.date(2025, 9, 2), "date_to": dt.date(2025, 9, 30)},
    {"date_from": dt.date(2026, 1, 1)},
    {"department": "alpha", "academic_year": "2025-26", "date_from": dt.date(2025, 9, 2), "semester": 1},
]


@pytest.mark.parametrize("f", ATTENDANCE_FILTERS, ids=str)
async def test_attendance(uni, f):
    filters = AttendanceFilters(
        department_id=uni.departments[f["department"]].id if "department" in f else None,
        program_id=uni.programs[f["program"]].id if "program" in f else None,
        course_offering_id=uni.offerings[f["offering"]].id if "offering" in f else None,
        academic_year=f.get("academic_year"), semester=f.get("semester"),
        date_from=f.get("date_from"), date_to=f.get("date_to"))
    out = await reports.attendance_report(Actor.system(), filters=filters)
    assert out.model_dump(mode="json") == _expected_attendance(uni, f)


def test_month_split():
    split = reports.split_months(dt.date(2025, 9, 2), dt.date(2025, 11, 2))
    assert split.months == (dt.date(2025, 10, 1), dt.date(2025, 10, 1))
    assert split.days == ((dt.date(2025, 9, 2), dt.date(2025, 9, 30)), (dt.date(2025, 11, 1), dt.date(2025, 11, 2)))
    assert reports.split_months(None, None) == reports.MonthSplit((None, None), ())
    assert reports.split_months(dt.date(2025, 9, 1), dt.date(2025, 12, 31)).days == ()
    assert reports.split_months(dt.date(2025, 9, 5), dt.date(2025, 9, 20)).months is None
    assert reports.split_months(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == reports.MonthSplit(
        (dt.date(2024, 2, 1), dt.date(2024, 2, 1)), ())


# --- fee collection -------------------------------------------------------------------------


def _m(value: Decimal) -> str:
    return f"{q(value):.2f}"


def _expected_fees(u: Uni, f: dict[str, Any]) -> dict[str, Any]:
    def structure_matches(s: dict[str, Any]) -> bool:
        person = _person(u, s["student"])
        return ((f.get("academic_year") is None or s["academic_year"] == f["academic_year"])
                and (f.get("semester") is None or s["semester"] == f["semester"])
                and (f.get("department") is None or person["department_id"] == u.departments[f["department"]].id)
                and (f.get("program") is None or person["program_id"] == u.programs[f["program"]].id))

    def in_dates(day: dt.date) -> bool:
        return (f.get("date_from") is None or day >= f["date_from"]) and (f.get("date_to") is None or day <= f["date_to"])

    by_key = {s["key"]: s for s in u.structures}
    pays = [p for p in u.payments if structure_matches(by_key[p["fee"]]) and in_dates(p["date"])]
    done = [p for p in pays if p["status"] == "completed"]
    balances = []
    for s in u.structures:
        if not structure_matches(s) or not in_dates(s["due"]):
            continue
        paid = sum((p["amount"] for p in u.payments if p["fee"] == s["key"] and p["status"] == "completed"),
                   Decimal(0))
        if s["total"] > paid:
            balances.append({"department_id": _person(u, s["student"])["department_id"], "balance": s["total"] - paid,
                             "overdue": s["due"] < TODAY})
    names = {d.id: d.name for d in u.departments.values()}

    def department_of(p: dict[str, Any]) -> int:
        return _person(u, by_key[p["fee"]]["student"])["department_id"]

    departments = sorted({department_of(p) for p in done} | {b["department_id"] for b in balances},
                         key=lambda d: names[d])
    months = sorted({p["date"].strftime("%Y-%m") for p in done})
    return {
        "total_collected": _m(sum((p["amount"] for p in done), Decimal(0))),
        "total_pending": _m(sum((b["balance"] for b in balances), Decimal(0))),
        "total_overdue": _m(sum((b["balance"] for b in balances if b["overdue"]), Decimal(0))),
        "overdue_count": sum(1 for b in balances if b["overdue"]),
        "pending_count": len(balances),
        "total_late_fees": _m(sum((p["late_fee"] for p in done), Decimal(0))),
        "total_discounts": _m(sum((p["discount"] for p in done), Decimal(0))),
        "payment_status_breakdown": dict(Counter(p["status"] for p in pays)),
        "payment_mode_breakdown": {mode: _m(sum((p["amount"] for p in done if p["mode"] == mode), Decimal(0)))
                                   for mode in {p["mode"] for p in done}},
        "department_wise": [
            {"department_id": d, "department_name": names[d],
             "collected": _m(sum((p["amount"] for p in done if department_of(p) == d), Decimal(0))),
             "pending": _m(sum((b["balance"] for b in balances if b["department_id"] == d), Decimal(0))),
             "overdue": _m(sum((b["balance"] for b in balances if b["department_id"] == d and b["overdue"]),
                               Decimal(0)))} for d in departments],
        "monthly": [{"period": m, "collected": _m(sum((p["amount"] for p in done if p["date"].strftime("%Y-%m") == m),
                                                      Decimal(0)))} for m in months],
    }


FEE_FILTERS = [
    {}, {"academic_year": "2025-26"}, {"semester": 1}, {"department": "alpha"}, {"department": "beta"},
    {"program": "p3"},
    {"date_from": dt.date(2025, 9, 1), "date_to": dt.date(2025, 9, 30)},
    {"date_from": dt.date(2025, 9, 6), "date_to": dt.date(2025, 10, 31)},
    {"date_from": dt.date(2025, 2, 11)}, {"date_to": dt.date(2025, 9, 5)},
    {"academic_year": "2025-26", "department": "alpha", "date_from": dt.date(2025, 9, 1)},
    {"academic_year": "2030-31"},
]


@pytest.mark.parametrize("f", FEE_FILTERS, ids=str)
async def test_fee_collection(uni, f):
    filters = FeeCollectionFilters(
        academic_year=f.get("academic_year"), semester=f.get("semester"),
        department_id=uni.departments[f["department"]].id if "department" in f else None,
        program_id=uni.programs[f["program"]].id if "program" in f else None,
        date_from=f.get("date_from"), date_to=f.get("date_to"))
    out = (await reports.fee_collection_report(Actor.system(), filters=filters)).model_dump(mode="json")
    assert out == _expected_fees(uni, f)


async def test_a_refund_reopens_the_balance(uni):
    from models import FeePayment

    before = await reports.fee_collection_report(Actor.system(), filters=FeeCollectionFilters())
    payment = await FeePayment.get(amount_paid=Decimal("500.00"))
    payment.payment_status = PaymentStatus.REFUNDED
    await payment.save(update_fields=["payment_status"])
    after = await reports.fee_collection_report(Actor.system(), filters=FeeCollectionFilters())
    assert after.total_collected == before.total_collected - 500
    assert after.total_pending == before.total_pending + 500
    assert after.pending_count == before.pending_count + 1


# --- exam results ---------------------------------------------------------------------------


def _expected_results(u: Uni, f: dict[str, Any]) -> dict[str, Any]:
    chosen = [r for r in u.results
              if (f.get("academic_year") is None or r["academic_year"] == f["academic_year"])
              and (f.get("semester") is None or r["semester"] == f["semester"])
              and (f.get("department") is None
                   or _person(u, r["student"])["department_id"] == u.departments[f["department"]].id)
              and (f.get("program") is None or _person(u, r["student"])["program_id"] == u.programs[f["program"]].id)]

    def mean(rs: list[dict[str, Any]]) -> float | None:
        return float(q(sum(r["gpa"] for r in rs) / len(rs))) if rs else None

    names = {d.id: d.name for d in u.departments.values()}
    departments = sorted({_person(u, r["student"])["department_id"] for r in chosen}, key=lambda d: names[d])
    return {
        "total_results": len(chosen), "avg_gpa": mean(chosen),
        "status_breakdown": dict(Counter(r["status"] for r in chosen)),
        "semester_wise": [{"semester": s, "total_results": len(rs := [r for r in chosen if r["semester"] == s]),
                           "avg_gpa": mean(rs), "pass_count": sum(r["status"] in ("pass", "promoted") for r in rs)}
                          for s in sorted({r["semester"] for r in chosen})],
        "department_wise": [{"department_id": d, "department_name": names[d],
                             "total_results": len(rs := [r for r in chosen
                                                         if _person(u, r["student"])["department_id"] == d]),
                             "avg_gpa": mean(rs)} for d in departments],
    }


@pytest.mark.parametrize("f", [
    {}, {"academic_year": "2025-26"}, {"semester": 1}, {"department": "alpha"}, {"program": "p2"},
    {"academic_year": "2024-25", "semester": 1, "department": "alpha"}, {"semester": 9},
], ids=str)
async def test_exam_results(uni, f):
    filters = ExamResultsFilters(
        academic_year=f.get("academic_year"), semester=f.get("semester"),
        department_id=uni.departments[f["department"]].id if "department" in f else None,
        program_id=uni.programs[f["program"]].id if "program" in f else None)
    out = await reports.exam_results_report(Actor.system(), filters=filters)
    assert out.model_dump(mode="json") == _expected_results(uni, f)


# --- library --------------------------------------------------------------------------------


def _expected_library(u: Uni, f: dict[str, Any]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    books = [b for b in u.books
             if (f.get("department") is None or b["department"].id == u.departments[f["department"]].id)
             and (f.get("category") is None or (b["category"] or "").lower() == f["category"].lower())]
    keys = {b["key"] for b in books}
    loans = [loan for loan in u.loans if loan["book"] in keys]
    open_loans = [loan for loan in loans if loan["status"] == "issued"]
    categories = sorted({b["category"] for b in books}, key=lambda c: (c is None, c or ""))
    return {
        "total_books": len(books), "total_copies": sum(b["copies"] for b in books),
        "available_copies": sum(b["available"] for b in books), "currently_issued": len(open_loans),
        "overdue_count": sum(1 for loan in open_loans if loan["due"] < now),
        "lost_count": sum(1 for loan in loans if loan["status"] == "lost"),
        "total_fines": _m(sum((loan["fine"] for loan in loans), Decimal(0))),
        "category_wise": [
            {"category": c, "titles": len(bs := [b for b in books if b["category"] == c]),
             "copies": sum(b["copies"] for b in bs), "available": sum(b["available"] for b in bs),
             "issued": sum(1 for loan in open_loans if any(b["key"] == loan["book"] for b in bs))}
            for c in categories],
    }


@pytest.mark.parametrize("f", [{}, {"department": "alpha"}, {"category": "science"}, {"category": "Nothing"},
                               {"department": "beta", "category": "Arts"}], ids=str)
async def test_library_stats(uni, f):
    filters = LibraryStatsFilters(
        department_id=uni.departments[f["department"]].id if "department" in f else None, category=f.get("category"))
    out = await reports.library_stats_report(Actor.system(), filters=filters)
    assert out.model_dump(mode="json") == _expected_library(uni, f)


# --- hostels --------------------------------------------------------------------------------


@pytest.mark.parametrize("hostel_type", [None, "boys", "girls", "unisex"])
async def test_hostel_occupancy(uni, hostel_type):
    hostels = sorted([h for h in uni.hostels if h["active"] and hostel_type in (None, h["type"])],
                     key=lambda h: h["name"])
    capacity, occupied = sum(h["capacity"] for h in hostels), sum(h["occupied"] for h in hostels)
    out = await reports.hostel_occupancy_report(Actor.system(), filters=HostelOccupancyFilters(hostel_type=hostel_type))
    assert out.model_dump(mode="json") == {
        "total_hostels": len(hostels), "total_rooms": sum(h["rooms"] for h in hostels), "total_capacity": capacity,
        "total_occupied": occupied, "free_beds": capacity - occupied,
        "occupancy_percentage": round(occupied * 100 / capacity, 2) if capacity else 0.0,
        "hostel_wise": [{"hostel_id": h["id"], "hostel_name": h["name"], "hostel_type": h["type"],
                         "total_capacity": h["capacity"], "occupied": h["occupied"],
                         "free_beds": h["capacity"] - h["occupied"],
                         "occupancy_percentage": round(h["occupied"] * 100 / h["capacity"], 2)} for h in hostels],
        "room_type_breakdown": dict(Counter(t for h in hostels for t in h["room_types"])),
    }


# --- departments ----------------------------------------------------------------------------


async def test_department_wise(uni):
    out = await reports.department_wise_report(Actor.system(), filters=DepartmentWiseFilters())
    alpha, beta = uni.departments["alpha"], uni.departments["beta"]
    # Two active programs each in alpha; one in beta; the factories' courses are one per
    # offering (active), and alpha has one inactive course more.
    assert [(d.department_name, d.student_count, d.faculty_count, d.program_count) for d in out.departments] == [
        ("Alpha", 3, 2, 2), ("Beta", 1, 1, 1)]
    assert [d.department_id for d in out.departments] == [alpha.id, beta.id]
    assert [d.course_count for d in out.departments] == [2, 1]


async def test_reports_are_for_admin_and_staff_only(uni):
    from dashboard.services.auth import load_actor

    for role in (UserType.FACULTY, UserType.STUDENT, UserType.PARENT):
        user = await factories.create_user(user_type=role)
        actor = Actor.for_user(user_id=user.id, role=role)
        with pytest.raises(Forbidden):
            await reports.attendance_report(actor, filters=AttendanceFilters())
    staff = await factories.create_user(user_type=UserType.STAFF)
    await factories.create_admin_staff(user=staff)
    assert (await reports.department_wise_report(await load_actor(staff.id), filters=DepartmentWiseFilters()))
