"""/api/v1/reports and /api/v1/report-jobs: every report answers its documented shape with
each of its query parameters, bad input is a 422 that names it, only admin and staff get
in, and a report job is queued (202), followed, and its file kept from other users.
The figures themselves are checked against a recount in tests/services/test_reports.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories

REPORTS = "/api/v1/reports"
JOBS = "/api/v1/report-jobs"

QUERIES = {
    "student-performance": [{}, {"department_id": 1}, {"program_id": 1}, {"academic_year": "2025-26"},
                            {"semester": 2}],
    "attendance": [{}, {"department_id": 1}, {"course_offering_id": 1}, {"program_id": 1},
                   {"academic_year": "2025-26"}, {"semester": 1}, {"date_from": "2025-09-02", "date_to": "2025-10-31"}],
    "fee-collection": [{}, {"academic_year": "2025-26"}, {"semester": 1}, {"department_id": 1}, {"program_id": 1},
                       {"date_from": "2025-09-01", "date_to": "2025-09-30"}],
    "exam-results": [{}, {"academic_year": "2025-26"}, {"semester": 1}, {"department_id": 1}, {"program_id": 1}],
    "library-stats": [{}, {"department_id": 1}, {"category": "General"}],
    "hostel-occupancy": [{}, {"hostel_type": "boys"}],
    "department-wise": [{}],
}
KEYS = {
    "student-performance": {"total_students", "avg_cgpa", "status_breakdown", "department_wise", "semester_wise_gpa"},
    "attendance": {"total_records", "present_count", "absent_count", "late_count", "excused_count",
                   "attendance_percentage", "department_wise", "monthly"},
    "fee-collection": {"total_collected", "total_pending", "total_overdue", "overdue_count", "pending_count",
                       "total_late_fees", "total_discounts", "payment_status_breakdown", "payment_mode_breakdown",
                       "department_wise", "monthly"},
    "exam-results": {"total_results", "avg_gpa", "status_breakdown", "semester_wise", "department_wise"},
    "library-stats": {"total_books", "total_copies", "available_copies", "currently_issued", "overdue_count",
                      "lost_count", "total_fines", "category_wise"},
    "hostel-occupancy": {"total_hostels", "total_rooms", "total_capacity", "total_occupied", "free_beds",
                         "occupancy_percentage", "hostel_wise", "room_type_breakdown"},
    "department-wise": {"departments"},
}


@pytest.mark.parametrize(("name", "params"), [(n, p) for n, ps in QUERIES.items() for p in ps],
                         ids=lambda v: str(v))
async def test_every_report_and_parameter(staff_client, name, params):
    await factories.create_fee_payment(amount_paid=Decimal("100.00"))
    response = await staff_client.get(f"{REPORTS}/{name}", params=params)
    assert response.status_code == 200, response.text
    assert set(response.json()) == KEYS[name]


async def test_money_is_a_string_and_percentages_numbers(admin_client):
    await factories.create_fee_payment(amount_paid=Decimal("100.00"))
    body = (await admin_client.get(f"{REPORTS}/fee-collection")).json()
    assert body["total_collected"] == "100.00" and body["total_pending"] == "57900.00"
    assert body["payment_mode_breakdown"] == {"upi": "100.00"}
    assert (await admin_client.get(f"{REPORTS}/attendance")).json()["attendance_percentage"] == 0.0


@pytest.mark.parametrize(("name", "params"), [
    ("student-performance", {"academic_year": "2025"}),
    ("student-performance", {"semester": 0}),
    ("attendance", {"date_from": "2025-10-02", "date_to": "2025-10-01"}),
    ("attendance", {"date_from": "not-a-date"}),
    ("attendance", {"department": 1}),
    ("fee-collection", {"department_id": 0}),
    ("fee-collection", {"date_to": "1999-12-31"}),
    ("exam-results", {"semester": "x"}),
    ("library-stats", {"category": "x" * 101}),
    ("hostel-occupancy", {"hostel_type": "mixed"}),
    ("department-wise", {"department_id": 1}),
])
async def test_bad_parameters_are_422(staff_client, name, params):
    response = await staff_client.get(f"{REPORTS}/{name}", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff(login_as, role):
    client = await login_as(role)
    for name in QUERIES:
        assert (await client.get(f"{REPORTS}/{name}")).status_code == 403
    assert (await client.post(f"{REPORTS}/attendance/jobs", json={"format": "csv"})).status_code == 403
    assert (await client.get(JOBS)).status_code == 403


async def test_a_job_is_queued_and_followed(staff_client):
    response = await staff_client.post(f"{REPORTS}/fee-collection/jobs",
                                       json={"format": "pdf", "filters": {"academic_year": "2025-26"}})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "queued" and job["progress"] == 0 and job["report"] == "fee-collection"
    assert job["filters"] == {"academic_year": "2025-26"} and job["format"] == "pdf"
    assert job["requested_by"] == staff_client.user.id
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json() == job
    assert [j["id"] for j in (await staff_client.get(JOBS)).json()] == [job["id"]]
    # Not made yet: no file.
    assert (await staff_client.get(f"{JOBS}/{job['id']}/file")).status_code == 404


@pytest.mark.parametrize("body", [
    {"format": "docx"},
    {"filters": {"department": 1}},
    {"filters": {"date_from": "2025-10-02", "date_to": "2025-10-01"}},
    {"filters": {"semester": 99}},
    {"format": "csv", "extra": True},
    {"filters": []},
])
async def test_bad_job_requests_are_422_and_record_nothing(staff_client, body):
    response = await staff_client.post(f"{REPORTS}/attendance/jobs", json=body)
    assert response.status_code == 422, response.text
    assert (await staff_client.get(JOBS)).json() == []


async def test_an_unknown_report_is_422(staff_client):
    assert (await staff_client.post(f"{REPORTS}/salaries/jobs", json={})).status_code == 422


async def test_another_users_job_is_404_but_an_admin_sees_it(staff_client, login_as):
    job = (await staff_client.post(f"{REPORTS}/department-wise/jobs", json={"format": "csv"})).json()
    other = await login_as("staff")
    assert (await other.get(f"{JOBS}/{job['id']}")).status_code == 404
    assert (await other.get(f"{JOBS}/{job['id']}/file")).status_code == 404
    assert (await other.get(JOBS)).json() == []
    admin = await login_as("admin")
    assert (await admin.get(f"{JOBS}/{job['id']}")).json()["id"] == job["id"]


@pytest.mark.parametrize("job_id", ["nope", "00000000-0000-0000-0000-000000000000", "1"])
async def test_unknown_job_ids_are_404(staff_client, job_id):
    assert (await staff_client.get(f"{JOBS}/{job_id}")).status_code == 404
    assert (await staff_client.get(f"{JOBS}/{job_id}/file")).status_code == 404


async def test_report_dates_accept_the_documented_range(staff_client):
    today = dt.date.today().isoformat()
    response = await staff_client.get(f"{REPORTS}/attendance", params={"date_from": "2000-01-01", "date_to": today})
    assert response.status_code == 200
