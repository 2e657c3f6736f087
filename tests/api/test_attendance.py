"""/api/v1/attendance: marks, bulk, updates, lists, reports, defaulters and summaries
(domain.md §3.7), with the monthly summaries kept exact on every write."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest
from tortoise import connections

from models import Attendance, AttendanceSummary, AuditLog, CourseRegistration
from models.enums import AttendanceStatus, RegistrationStatus
from tests import factories

URL = "/api/v1/attendance"
DAY = dt.date(2025, 9, 1)


async def _marks() -> list[tuple]:
    return await Attendance.all().order_by("id").values_list("id", "enrollment_id", "course_offering_id", "date",
                                                             "status", "remarks")


async def _summaries() -> list[tuple]:
    rows = await AttendanceSummary.all().order_by("enrollment_id", "month").values_list(
        "enrollment_id", "month", "total_classes", "attended_classes", "attendance_percentage")
    return [r for r in rows if r[2]]


async def _recount() -> list[tuple]:
    """The summaries as they should be, counted from the marks."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT enrollment_id, date_trunc('month', date)::date AS month, count(*) AS total, "
        "count(*) FILTER (WHERE status IN ('present', 'late')) AS attended FROM attendance GROUP BY 1, 2 ORDER BY 1, 2")
    from dashboard.services.attendance import percentage

    return [(r["enrollment_id"], r["month"], r["total"], r["attended"], percentage(r["attended"], r["total"]))
            for r in rows]


def _mark(registration, offering, **overrides) -> dict:
    body = {"enrollment_id": registration.enrollment_id, "course_offering_id": offering.id,
            "date": DAY.isoformat(), "status": "present"}
    body.update(overrides)
    return body


@pytest.fixture
async def teacher(login_as):
    return await login_as("faculty")


@pytest.fixture
async def taught(teacher):
    return await factories.create_class(3, faculty=[teacher.profile])


# --- marking one -----------------------------------------------------------------------------


async def test_faculty_marks_their_offering(teacher, taught):
    offering, regs = taught
    response = await teacher.post(URL, json=_mark(regs[0], offering, status="late", remarks="Bus"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["student_id"] == regs[0].student.id and body["marked_by"] == teacher.user.id
    assert body["status"] == "late" and body["date"] == DAY.isoformat()
    assert await _summaries() == [(regs[0].enrollment_id, DAY.replace(day=1), 1, 1, 100)]
    assert await AuditLog.exists(entity_type="attendance", entity_id=body["id"], action="create")
    again = await teacher.post(URL, json=_mark(regs[0], offering, status="absent"))
    assert again.status_code == 409
    assert "already marked" in again.json()["detail"]


@pytest.mark.parametrize(("case", "status"), [
    ("future", 400), ("not_registered", 400), ("dropped", 400), ("wrong_student", 400),
    ("no_offering", 404), ("no_enrollment", 404), ("not_teaching", 403),
])
async def test_refusals_change_nothing(teacher, taught, case, status):
    offering, regs = taught
    body = _mark(regs[0], offering)
    if case == "future":
        body["date"] = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    elif case == "not_registered":
        body["enrollment_id"] = (await factories.create_enrollment()).id
    elif case == "dropped":
        await CourseRegistration.filter(id=regs[0].id).update(status=RegistrationStatus.DROPPED)
    elif case == "wrong_student":
        body["student_id"] = regs[1].student.id
    elif case == "no_offering":
        body["course_offering_id"] = 999999
    elif case == "no_enrollment":
        body["enrollment_id"] = 999999
    elif case == "not_teaching":
        other, other_regs = await factories.create_class(1)
        body = _mark(other_regs[0], other)
    response = await teacher.post(URL, json=body)
    assert response.status_code == status, response.text
    assert await _marks() == [] and await _summaries() == []


@pytest.mark.parametrize("change", [
    {"status": "asleep"}, {"status": None}, {"date": "2025-13-01"}, {"date": "1999-12-31"}, {"enrollment_id": "x"},
    {"course_offering_id": None}, {"remarks": "x" * 2001}, {"marked_by": 1}, {"remarks": "\x00"},
])
async def test_bad_bodies_are_422(staff_client, taught, change):
    offering, regs = taught
    response = await staff_client.post(URL, json=_mark(regs[0], offering, **change))
    assert response.status_code == 422, response.text
    assert await _marks() == []


@pytest.mark.parametrize("role", ["student", "parent"])
async def test_students_and_parents_do_not_mark(login_as, taught, role):
    offering, regs = taught
    caller = await login_as(role)
    assert (await caller.post(URL, json=_mark(regs[0], offering))).status_code == 403
    assert (await caller.post(f"{URL}/bulk", json={"course_offering_id": offering.id, "date": DAY.isoformat(),
                                                   "items": [{"enrollment_id": regs[0].enrollment_id,
                                                              "status": "present"}]})).status_code == 403
    assert await _marks() == []


async def test_the_same_mark_twice_at_once_is_one_record_and_one_409(staff_client, taught):
    offering, regs = taught
    responses = await asyncio.gather(*(staff_client.post(URL, json=_mark(regs[0], offering)) for _ in range(2)))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(await _marks()) == 1
    assert await _summaries() == await _recount()


# --- bulk ------------------------------------------------------------------------------------


def _bulk(offering, regs, status="present", **overrides) -> dict:
    body = {"course_offering_id": offering.id, "date": DAY.isoformat(),
            "items": [{"enrollment_id": r.enrollment_id, "status": status} for r in regs]}
    body.update(overrides)
    return body


async def test_bulk_reports_each_item(teacher, taught):
    offering, regs = taught
    outsider = await factories.create_enrollment()
    await teacher.post(URL, json=_mark(regs[2], offering, status="absent"))
    body = _bulk(offering, regs)
    body["items"][1]["status"] = "excused"
    body["items"] += [{"enrollment_id": regs[0].enrollment_id, "status": "late"},
                      {"enrollment_id": outsider.id, "status": "present"},
                      {"enrollment_id": 999999, "status": "present"},
                      {"enrollment_id": regs[1].enrollment_id, "student_id": regs[0].student.id, "status": "late"}]
    response = await teacher.post(f"{URL}/bulk", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["total"], result["successful"], result["failed"]) == (7, 2, 5)
    assert [r["message"] for r in result["results"]] == [
        "Marked", "Marked", "Attendance already marked for this date", "Listed twice in this request",
        "Student is not registered in this course offering", "Enrollment not found",
        "student_id is not the enrollment's student"]
    statuses = dict(await Attendance.all().values_list("enrollment_id", "status"))
    assert statuses == {regs[0].enrollment_id: AttendanceStatus.PRESENT,
                        regs[1].enrollment_id: AttendanceStatus.EXCUSED,
                        regs[2].enrollment_id: AttendanceStatus.ABSENT}
    assert await _summaries() == await _recount()
    # excused counts in the total and not as attended
    summary = await AttendanceSummary.get(enrollment_id=regs[1].enrollment_id)
    assert (summary.total_classes, summary.attended_classes) == (1, 0)


@pytest.mark.parametrize("change", [
    {"items": []}, {"items": [{"enrollment_id": 1, "status": "present"}] * 1001},
    {"items": [{"enrollment_id": 1, "status": "gone"}]}, {"date": "tomorrow"}, {"course_offering_id": "x"},
])
async def test_bulk_bad_bodies_are_422(staff_client, taught, change):
    offering, regs = taught
    assert (await staff_client.post(f"{URL}/bulk", json=_bulk(offering, regs, **change))).status_code == 422
    assert await _marks() == []


async def test_bulk_refusals_for_the_whole_class(teacher, taught):
    offering, regs = taught
    other, other_regs = await factories.create_class(2)
    assert (await teacher.post(f"{URL}/bulk", json=_bulk(other, other_regs))).status_code == 403
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert (await teacher.post(f"{URL}/bulk", json=_bulk(offering, regs, date=future))).status_code == 400
    assert (await teacher.post(f"{URL}/bulk", json=_bulk(offering, regs, course_offering_id=999999))).status_code == 404
    assert await _marks() == []


async def test_two_bulks_of_one_roster_at_once_leave_one_mark_each_and_exact_summaries(staff_client):
    offering, regs = await factories.create_class(12)
    responses = await asyncio.gather(*(staff_client.post(f"{URL}/bulk", json=_bulk(offering, regs, status=s))
                                       for s in ("present", "absent")))
    assert all(r.status_code == 200 for r in responses)
    assert sum(r.json()["successful"] for r in responses) == 12
    assert len(await _marks()) == 12
    assert await _summaries() == await _recount()


async def test_summaries_match_a_recount_after_a_mixed_sequence_of_writes(staff_client):
    offering, regs = await factories.create_class(4)
    second = await factories.create_offering(program=offering.program)  # type: ignore[arg-type]
    for r in regs[:2]:
        await factories.create_registration(course_offering=second, enrollment=r.enrollment)
    rng = random.Random(7)
    statuses = [s.value for s in AttendanceStatus]
    days = [dt.date(2025, 8, 28), dt.date(2025, 8, 29), dt.date(2025, 9, 1), dt.date(2025, 9, 2)]
    for day in days:
        body = _bulk(offering, regs, date=day.isoformat())
        for item in body["items"]:
            item["status"] = rng.choice(statuses)
        await staff_client.post(f"{URL}/bulk", json=body)
        await staff_client.post(URL, json=_mark(regs[0], second, date=day.isoformat(), status=rng.choice(statuses)))
    ids = await Attendance.all().values_list("id", flat=True)
    writes = []
    for mark_id in rng.sample(list(ids), 10):
        writes.append(staff_client.put(f"{URL}/{mark_id}", json={"status": rng.choice(statuses)}))
    writes.append(staff_client.post(URL, json=_mark(regs[1], second, date="2025-09-03", status="late")))
    writes.append(staff_client.post(f"{URL}/bulk", json=_bulk(offering, regs, date="2025-09-03", status="absent")))
    await asyncio.gather(*writes)
    assert await _summaries() == await _recount()


# --- update ----------------------------------------------------------------------------------


async def test_update_changes_the_summary_in_step(teacher, taught):
    offering, regs = taught
    mark = (await teacher.post(URL, json=_mark(regs[0], offering, status="absent"))).json()
    response = await teacher.put(f"{URL}/{mark['id']}", json={"status": "present", "remarks": "Came late, excused"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "present" and response.json()["updated_at"]
    assert await _summaries() == [(regs[0].enrollment_id, DAY.replace(day=1), 1, 1, 100)]
    before = await _marks()
    for body, status in (({}, 400), ({"status": None}, 400), ({"status": "gone"}, 422), ({"date": "2025-09-02"}, 422)):
        assert (await teacher.put(f"{URL}/{mark['id']}", json=body)).status_code == status, body
    assert (await teacher.put(f"{URL}/999999", json={"status": "late"})).status_code == 404
    assert await _marks() == before


async def test_faculty_update_of_an_offering_they_do_not_teach_is_403(login_as, teacher, taught):
    offering, regs = taught
    # The student is theirs (visible), the other offering is not.
    other = await factories.create_offering(program=offering.program)  # type: ignore[arg-type]
    await factories.create_registration(course_offering=other, enrollment=regs[0].enrollment)
    mark = await factories.create_attendance(enrollment=regs[0].enrollment, course_offering=other,
                                             status=AttendanceStatus.ABSENT)
    assert (await teacher.put(f"{URL}/{mark.id}", json={"status": "present"})).status_code == 403
    stranger = await factories.create_attendance()
    assert (await teacher.put(f"{URL}/{stranger.id}", json={"status": "present"})).status_code == 404
    assert (await Attendance.get(id=mark.id)).status is AttendanceStatus.ABSENT


# --- reading ---------------------------------------------------------------------------------


async def _seed(staff_client, offering, regs, pattern: dict[int, list[str]]) -> None:
    days = [dt.date(2025, 9, d) for d in (1, 2, 3, 4)]
    for n, day in enumerate(days):
        body = _bulk(offering, regs, date=day.isoformat())
        for i, item in enumerate(body["items"]):
            item["status"] = pattern[i][n]
        assert (await staff_client.post(f"{URL}/bulk", json=body)).json()["failed"] == 0


PATTERN = {0: ["present"] * 4, 1: ["present", "absent", "late", "excused"], 2: ["absent", "absent", "absent", "late"]}


async def test_list_filters_and_scopes(login_as, staff_client, teacher, taught):
    offering, regs = taught
    await _seed(staff_client, offering, regs, PATTERN)
    page = (await staff_client.get(URL, params={"page_size": 5})).json()
    assert page["total"] == 12 and page["total_pages"] == 3 and page["items"][0]["date"] == "2025-09-04"
    one = (await staff_client.get(URL, params={"student_id": regs[2].student.id, "attendance_status": "absent"})).json()
    assert one["total"] == 3
    ranged = (await staff_client.get(URL, params={"enrollment_id": regs[1].enrollment_id,
                                                  "date_from": "2025-09-02T00:00:00", "date_to": "2025-09-03"})).json()
    assert [i["date"] for i in ranged["items"]] == ["2025-09-03", "2025-09-02"]
    assert (await staff_client.get(URL, params={"course_offering_id": offering.id})).json()["total"] == 12
    for params in ({"attendance_status": "nope"}, {"date_from": "soon"}, {"date_to": "1990-01-01"},
                   {"student_id": 0}, {"page_size": 101}):
        assert (await staff_client.get(URL, params=params)).status_code == 422, params
    assert (await teacher.get(URL)).json()["total"] == 12
    student = await login_as("student", user=await regs[0].student.user, profile=regs[0].student)
    mine = (await student.get(URL)).json()
    assert mine["total"] == 4 and {i["student_id"] for i in mine["items"]} == {regs[0].student.id}
    assert (await student.get(URL, params={"student_id": regs[1].student.id})).json()["total"] == 0
    outsider = await login_as("faculty")
    assert (await outsider.get(URL)).json()["total"] == 0
    past = (await staff_client.get(URL, params={"page_size": 5, "page": 4})).json()
    assert (past["total"], past["items"]) == (12, [])
    last = (await staff_client.get(URL, params={"page_size": 5, "page": 3})).json()["items"]
    assert [(i["date"], i["id"]) for i in last] == sorted(((i["date"], i["id"]) for i in last), reverse=True)
    assert all(set(i) == set(page["items"][0]) for i in last)


async def test_reports_count_each_status(staff_client, taught):
    offering, regs = taught
    await _seed(staff_client, offering, regs, PATTERN)
    body = (await staff_client.get(f"{URL}/reports", params={"course_offering_id": offering.id})).json()
    assert body["total"] == 3
    second = next(r for r in body["records"] if r["enrollment_id"] == regs[1].enrollment_id)
    assert (second["total_classes"], second["present"], second["absent"], second["late"], second["excused"],
            second["attendance_percentage"]) == (4, 1, 1, 1, 1, 50.0)
    ranged = (await staff_client.get(f"{URL}/reports", params={"student_id": regs[2].student.id,
                                                               "date_from": "2025-09-04"})).json()
    assert ranged["records"][0]["attendance_percentage"] == 100.0


async def test_defaulters_below_the_threshold(staff_client, teacher, taught, login_as):
    offering, regs = taught
    await _seed(staff_client, offering, regs, PATTERN)
    body = (await staff_client.get(f"{URL}/defaulters")).json()
    assert body["threshold"] == 75.0
    assert [(d["enrollment_id"], d["attendance_percentage"]) for d in body["defaulters"]] == [
        (regs[2].enrollment_id, 25.0), (regs[1].enrollment_id, 50.0)]
    assert body["defaulters"][0]["student_code"] == regs[2].student.student_code
    # strictly below: 50% is not below 50
    assert (await staff_client.get(f"{URL}/defaulters", params={"threshold": 50})).json()["total"] == 1
    # the marks path (an offering, or dates that are not whole months) agrees with the summaries
    for params in ({"course_offering_id": offering.id}, {"date_from": "2025-09-01", "date_to": "2025-09-30"},
                   {"date_from": "2025-09-02"}):
        assert (await staff_client.get(f"{URL}/defaulters", params=params)).json()["total"] == 2, params
    # on the 4th only the excused mark falls short: excused counts in the total, not as attended
    last_day = (await staff_client.get(f"{URL}/defaulters", params={"date_from": "2025-09-04"})).json()
    assert [d["enrollment_id"] for d in last_day["defaulters"]] == [regs[1].enrollment_id]
    department = offering.program.department_id  # type: ignore[attr-defined]
    assert (await staff_client.get(f"{URL}/defaulters", params={"department_id": department})).json()["total"] == 2
    assert (await staff_client.get(f"{URL}/defaulters", params={"department_id": 999999})).json()["total"] == 0
    by_program = {"program_id": offering.program_id}  # type: ignore[attr-defined]
    assert (await staff_client.get(f"{URL}/defaulters", params=by_program)).json()["total"] == 2
    assert (await teacher.get(f"{URL}/defaulters")).json()["total"] == 2
    assert (await (await login_as("faculty")).get(f"{URL}/defaulters")).json()["total"] == 0
    for params in ({"threshold": 101}, {"threshold": "high"}, {"date_from": "x"}):
        assert (await staff_client.get(f"{URL}/defaulters", params=params)).status_code == 422
    assert (await (await login_as("student")).get(f"{URL}/defaulters")).status_code == 403



async def test_defaulters_json_is_the_response_model_of_the_rows(staff_client, taught):
    """PostgreSQL writes the defaulters' JSON itself: on every path (the all-time totals,
    the monthly summaries, the marks) it reads as the rows validated into DefaultersOut
    and encoded by pydantic would, in the same order."""
    import json

    from dashboard.core.actor import Actor
    from dashboard.schemas.attendance import DefaultersOut
    from dashboard.services import attendance as service

    offering, regs = taught
    await _seed(staff_client, offering, regs, PATTERN)
    department = offering.program.department_id  # type: ignore[attr-defined]
    for params in ({}, {"threshold": 100}, {"threshold": 0}, {"threshold": 62.5}, {"course_offering_id": offering.id},
                   {"date_from": "2025-09-01", "date_to": "2025-09-30"}, {"date_from": "2025-09-02"},
                   {"department_id": department, "threshold": 99.9}):
        response = await staff_client.get(f"{URL}/defaulters", params=params)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        typed = {k: (float(v) if k == "threshold" else v) for k, v in params.items()}
        if "date_from" in typed:
            typed["date_from"] = dt.date.fromisoformat(typed["date_from"])
        if "date_to" in typed:
            typed["date_to"] = dt.date.fromisoformat(typed["date_to"])
        rows = await service.attendance_defaulters(Actor.system(), **typed)
        expected = json.loads(DefaultersOut.model_validate(rows).model_dump_json())
        assert response.json() == expected, params
        assert [list(d) for d in response.json()["defaulters"]] == [list(d) for d in expected["defaulters"]]
    whole = (await staff_client.get(f"{URL}/defaulters", params={"threshold": 100})).json()
    assert whole["total"] == len(whole["defaulters"]) == 2

async def test_summary_per_enrollment_and_month(staff_client, taught, login_as):
    offering, regs = taught
    await _seed(staff_client, offering, regs, PATTERN)
    await staff_client.post(URL, json=_mark(regs[1], offering, date="2025-10-01", status="present"))
    rows = (await staff_client.get(f"{URL}/summary", params={"enrollment_id": regs[1].enrollment_id})).json()
    assert [(r["month"], r["total_classes"], r["attended_classes"], r["attendance_percentage"]) for r in rows] == [
        ("2025-10-01", 1, 1, 100.0), ("2025-09-01", 4, 2, 50.0)]
    only = (await staff_client.get(f"{URL}/summary", params={"student_id": regs[1].student.id,
                                                            "month": "2025-09-17"})).json()
    assert [r["month"] for r in only] == ["2025-09-01"]
    assert (await staff_client.get(f"{URL}/summary")).status_code == 400
    student = await login_as("student", user=await regs[2].student.user, profile=regs[2].student)
    assert [r["enrollment_id"] for r in (await student.get(f"{URL}/summary")).json()] == [regs[2].enrollment_id]
    assert (await student.get(f"{URL}/summary", params={"enrollment_id": regs[1].enrollment_id})).json() == []
