"""The panel's Reports page over HTTP: every report renders its figures, chart and tables;
the filters narrow the figures as the report service does; report files are queued,
made by the burst worker and downloaded only by whoever asked (or an admin)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from dashboard.schemas.reports import ReportName
from tests import factories


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}">.*?figure-value[^>]*>([^<]*)<', html, re.S)
    assert match, key
    return match.group(1).strip()


@pytest.mark.parametrize("report", list(ReportName))
async def test_every_report_shows_figures_a_chart_and_its_tables(admin_login, report):
    staff = await admin_login("staff")
    await factories.create_fee_payment()
    response = await staff.get("/admin/reports/list", params={"report": report.value})
    assert response.status_code == 200, response.text
    html = response.text
    assert 'id="figures"' in html and '<svg class="chart"' in html and 'class="card report-table"' in html
    assert f'data-report="{report.value}"' in html and 'class="btn btn-outline-primary queue-file"' in html


async def test_fee_collection_figures_follow_the_department_filter(admin_login):
    staff = await admin_login("staff")
    due = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)
    mine = await factories.create_fee_structure(due_date=due)
    await factories.create_fee_payment(fee_structure=mine, amount_paid=Decimal("20000.00"))
    other = await factories.create_fee_structure()
    await factories.create_fee_payment(fee_structure=other, amount_paid=Decimal("1000.00"))
    everything = (await staff.get("/admin/reports/list", params={"report": "fee-collection"})).text
    assert _figure(everything, "total_collected") == "₹21,000.00"
    department = (await mine.student).department_id
    narrowed = await staff.get("/admin/reports/list", params={"report": "fee-collection",
                                                              "department_id": department})
    html = narrowed.text
    assert _figure(html, "total_collected") == "₹20,000.00"
    assert _figure(html, "total_pending") == "₹38,000.00" and _figure(html, "total_overdue") == "₹38,000.00"
    assert f'<option value="{department}" selected>' in html


async def test_bad_filters_are_a_clear_400_and_no_figures(admin_login):
    staff = await admin_login("staff")
    response = await staff.get("/admin/reports/list", params={"report": "attendance", "semester": "abc"})
    assert response.status_code == 400 and "semester" in response.text and 'id="figures"' not in response.text
    backwards = await staff.get("/admin/reports/list", params={"report": "attendance", "date_from": "2025-09-10",
                                                               "date_to": "2025-09-01"})
    assert backwards.status_code == 400 and "date_from must not be after date_to" in backwards.text
    unknown = await staff.get("/admin/reports/list", params={"report": "nonsense"})
    assert unknown.status_code == 303 and unknown.headers["location"].endswith("/admin/reports/list")


async def test_faculty_cannot_open_the_reports(admin_login):
    teacher = await admin_login("faculty")
    assert (await teacher.get("/admin/reports/list")).status_code == 403
    queued = await teacher.post("/admin/reports/jobs", data={"report": "attendance", "format": "csv"})
    assert queued.status_code == 403
    assert "/admin/reports/list" not in (await teacher.get("/admin/")).text


async def test_a_report_file_is_queued_made_and_downloaded_by_its_owner_only(admin_login, run_jobs):
    from openpyxl import load_workbook

    staff = await admin_login("staff")
    structure = await factories.create_fee_structure()
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("12500.00"))
    queued = await staff.post("/admin/reports/jobs", data={"report": "fee-collection", "format": "xlsx"},
                              headers={"Accept": "application/json"})
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert job["status"] == "queued" and job["urls"]["status"].endswith(f"/reports/jobs/{job['id']}/status")
    assert (await staff.get(job["urls"]["file"])).status_code == 404
    page = await staff.get("/admin/reports/list", params={"report": "fee-collection"})
    assert f'data-job="{job["id"]}"' in page.text and "Waiting for a worker" in page.text

    await run_jobs()
    status = (await staff.get(job["urls"]["status"])).json()
    assert status["status"] == "done" and status["progress"] == 100, status
    download = await staff.get(job["urls"]["file"])
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download.headers["content-disposition"]
    cells = [c for sheet in load_workbook(io.BytesIO(download.content)).worksheets
             for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert 12500 in cells or Decimal("12500.00") in cells or "12500.00" in cells

    someone_else = await admin_login("staff")
    assert (await someone_else.get(job["urls"]["file"])).status_code == 404
    assert (await someone_else.get(job["urls"]["status"])).status_code == 404
    assert (await someone_else.get(job["urls"]["page"])).status_code == 404
    admin = await admin_login("admin")
    assert (await admin.get(job["urls"]["file"])).status_code == 200


async def test_queueing_refuses_bad_input_and_changes_nothing(admin_login):
    staff = await admin_login("staff")
    for data in ({"report": "attendance", "format": "docx"}, {"report": "nope", "format": "csv"},
                 {"report": "attendance", "format": "csv", "semester": "0"}):
        response = await staff.post("/admin/reports/jobs", data=data, headers={"Accept": "application/json"})
        assert response.status_code == 400 and response.json()["error"], data
    plain = await staff.post("/admin/reports/jobs", data={"report": "attendance", "format": "docx"})
    assert plain.status_code == 303 and "error=" in plain.headers["location"]
    assert "No report files yet" in (await staff.get("/admin/reports/list")).text
    assert (await staff.get("/admin/reports/jobs/not-a-uuid/status")).status_code == 404
    assert (await staff.get("/admin/reports/jobs/00000000-0000-0000-0000-000000000000/file")).status_code == 404


async def test_without_javascript_the_form_queues_and_the_job_page_shows_progress(admin_login):
    staff = await admin_login("staff")
    posted = await staff.post("/admin/reports/jobs", data={"report": "department-wise", "format": "csv"})
    assert posted.status_code == 303 and "/admin/reports/jobs/" in posted.headers["location"]
    page = await staff.get(posted.headers["location"])
    assert page.status_code == 200 and "Report file: Departments" in page.text and "progress-bar" in page.text
