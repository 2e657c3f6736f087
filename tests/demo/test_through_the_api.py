"""The demo university read through the product: the demo student's transcript, SGPA and
CGPA, the fees they owe and the defaulters list come out of the grades and fees services as
the generator stored them, so what `dashboard seed-demo` loads is what the screens show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dashboard.demo.generate import DEMO_LOGINS, generate_university

STUDENTS = 120
SEED = 11


async def test_demo_records_read_back_through_the_services(services: dict[str, str], app: Any,
                                                           login_as: Any) -> None:
    from models import Student, User

    await generate_university(services["database_url"], students=STUDENTS, seed=SEED)
    user = await User.get(email=DEMO_LOGINS["student"])
    student = await Student.get(user_id=user.id)
    me = await login_as("student", user=user, profile=student)

    transcript = (await me.get(f"/api/v1/students/{student.id}/transcript")).json()
    assert [s["semester"] for s in transcript["semesters"]] == list(range(1, student.semester))
    for semester in transcript["semesters"]:
        assert semester["courses"], semester
        assert sum(c["credits"] for c in semester["courses"]) == semester["credits_attempted"]
        sgpa = (await me.get("/api/v1/grades/calculate-sgpa",
                             params={"student_id": student.id, "semester": semester["semester"]})).json()
        assert Decimal(str(sgpa["sgpa"])) == Decimal(str(semester["sgpa"]))
        assert sgpa["total_credits"] == semester["credits_attempted"]
    cgpa = (await me.get("/api/v1/grades/calculate-cgpa", params={"student_id": student.id})).json()
    assert Decimal(str(cgpa["cgpa"])) == student.cgpa == Decimal(str(transcript["cgpa"]))

    pending = (await me.get("/api/v1/fee-payments/pending")).json()
    for record in pending["records"]:
        assert Decimal(record["balance"]) == Decimal(record["total_fee"]) - Decimal(record["total_paid"])
        assert record["student_id"] == student.id

    admin = await login_as("admin", user=await User.get(email=DEMO_LOGINS["admin"]))
    defaulters = (await admin.get("/api/v1/fee-payments/defaulters")).json()
    assert defaulters["total"] > 0
    assert all(d["days_overdue"] >= 0 for d in defaulters["defaulters"])
