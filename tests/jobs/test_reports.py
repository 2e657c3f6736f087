"""Report files made by the burst worker: progress advances, each format parses back with
the figures of the JSON report, the file is the requester's (or an admin's), an expired
file is gone, and a job whose worker died is retried or failed, never left running."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from tortoise import connections

from dashboard.core.actor import Actor
from dashboard.core.files import file_store
from dashboard.services import reports
from models.enums import PaymentStatus
from tests import factories

REPORTS = "/api/v1/reports"
JOBS = "/api/v1/report-jobs"


async def _university() -> None:
    """A few students with fees, payments and results across two departments."""
    for n in range(7):
        student = await factories.create_student(cgpa=Decimal("6.25") + Decimal("0.5") * n)
        structure = await factories.create_fee_structure(student=student, semester=1 + n % 2)
        await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("1000.50") * (n + 1),
                                           payment_status=PaymentStatus.COMPLETED if n != 3 else PaymentStatus.REFUNDED)


async def _job(client, name: str, fmt: str, filters: dict | None = None) -> dict:
    response = await client.post(f"{REPORTS}/{name}/jobs", json={"format": fmt, "filters": filters or {}})
    assert response.status_code == 202, response.text
    return response.json()


async def _drop_queued_runs() -> None:
    from dashboard.core import cache

    redis = cache.redis()
    keys = [key async for key in redis.scan_iter(match="arq:*")]
    if keys:
        await redis.delete(*keys)


async def _download(client, job_id: str) -> bytes:
    response = await client.get(f"{JOBS}/{job_id}/file")
    assert response.status_code == 200, response.text
    return response.content


async def test_xlsx_holds_the_json_figures(staff_client, run_jobs, monkeypatch):
    await _university()
    seen: list[int] = []
    record = reports.report_job_progress

    async def recording(job_id: str, progress: int) -> bool:
        seen.append(progress)
        return await record(job_id, progress)

    monkeypatch.setattr(reports, "report_job_progress", recording)
    monkeypatch.setattr(reports, "DETAIL_CHUNK", 2)
    job = await _job(staff_client, "fee-collection", "xlsx")
    assert await run_jobs() == 1
    done = (await staff_client.get(f"{JOBS}/{job['id']}")).json()
    assert done["status"] == "done" and done["progress"] == 100 and done["error"] is None
    assert done["file_name"].startswith("fee-collection-report-") and done["file_name"].endswith(".xlsx")
    # 7 structures with a balance in pages of 2: the detail rows move the bar in steps.
    assert seen == sorted(seen) and len(set(seen)) >= 4 and seen[0] == 10 and seen[-1] == 95
    report = (await staff_client.get(f"{REPORTS}/fee-collection")).json()

    workbook = load_workbook(io.BytesIO(await _download(staff_client, job["id"])), read_only=True)
    assert workbook.sheetnames == ["Summary", "Payments by status", "Collected by mode", "By department",
                                   "Collected by month", "Outstanding balances"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=6, values_only=True) if row[0]}
    assert Decimal(str(summary["Collected"])) == Decimal(report["total_collected"])
    assert Decimal(str(summary["Pending (outstanding balances)"])) == Decimal(report["total_pending"])
    assert summary["Structures with a balance"] == report["pending_count"]
    status = dict(workbook["Payments by status"].iter_rows(min_row=2, values_only=True))
    assert status == report["payment_status_breakdown"]
    detail = list(workbook["Outstanding balances"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == report["pending_count"]
    assert sum(Decimal(str(row[7])) for row in detail) == Decimal(report["total_pending"])
    # Money cells keep a two-decimal number format, not text.
    sheet = load_workbook(io.BytesIO(await _download(staff_client, job["id"])))["Outstanding balances"]
    assert sheet["H2"].number_format == "#,##0.00" and isinstance(sheet["H2"].value, float)


async def test_csv_and_pdf_hold_the_json_figures(admin_client, run_jobs):
    await _university()
    csv_job = await _job(admin_client, "student-performance", "csv")
    pdf_job = await _job(admin_client, "student-performance", "pdf")
    assert await run_jobs() == 2
    report = (await admin_client.get(f"{REPORTS}/student-performance")).json()

    rows = list(csv.reader(io.StringIO((await _download(admin_client, csv_job["id"])).decode("utf-8-sig"))))
    figures = {row[0]: row[1] for row in rows if len(row) == 2}
    assert int(figures["Students"]) == report["total_students"] == 7
    assert float(figures["Average CGPA"]) == report["avg_cgpa"]
    students = rows[rows.index(["Students"]) + 2:]
    assert len(students) == 7

    pdf = await _download(admin_client, pdf_job["id"])
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "University" in text and "Student performance report" in text
    assert "Filters: none (the whole university)" in text
    assert f"{report['avg_cgpa']:.2f}" in text and "Students by department" in text


async def test_filters_reach_the_file(staff_client, run_jobs):
    await _university()
    department = await factories.create_department(name="Zoology")
    program = await factories.create_program(department=department)
    await factories.create_student(program=program, department=department, cgpa=Decimal("9.00"))
    job = await _job(staff_client, "student-performance", "csv", {"department_id": department.id})
    await run_jobs()
    text = (await _download(staff_client, job["id"])).decode("utf-8-sig")
    assert f"Department: Zoology (id {department.id})" in text
    figures = {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if len(row) == 2}
    assert figures["Students"] == "1" and figures["Average CGPA"] == "9.0"


async def test_the_file_is_the_requesters(staff_client, login_as, run_jobs):
    job = await _job(staff_client, "department-wise", "xlsx")
    await run_jobs()
    other = await login_as("staff")
    assert (await other.get(f"{JOBS}/{job['id']}/file")).status_code == 404
    admin = await login_as("admin")
    assert (await admin.get(f"{JOBS}/{job['id']}/file")).status_code == 200


async def test_an_expired_file_is_gone(staff_client, run_jobs):
    job = await _job(staff_client, "hostel-occupancy", "csv")
    await run_jobs()
    db = connections.get("default")
    key = (await db.execute_query_dict("SELECT file_key FROM report_jobs WHERE id = $1::uuid", [job["id"]]))[0][
        "file_key"]
    assert await file_store().size(key)
    await db.execute_query("UPDATE report_jobs SET expires_at = now() - interval '1 second' WHERE id = $1::uuid",
                           [job["id"]])
    # Past its time the file is refused at once, before the cleaner has run.
    assert (await staff_client.get(f"{JOBS}/{job['id']}/file")).status_code == 404
    assert await reports.remove_expired_report_files(Actor.system()) == 1
    assert await file_store().size(key) is None
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json()["status"] == "expired"
    assert await reports.remove_expired_report_files(Actor.system()) == 0


async def test_the_expiry_follows_the_setting(staff_client, run_jobs, monkeypatch):
    from dashboard.settings import get_settings

    monkeypatch.setattr(get_settings(), "report_file_ttl_minutes", 5)
    job = await _job(staff_client, "hostel-occupancy", "csv")
    await run_jobs()
    done = (await staff_client.get(f"{JOBS}/{job['id']}")).json()
    left = dt.datetime.fromisoformat(done["expires_at"]) - dt.datetime.fromisoformat(done["finished_at"])
    assert dt.timedelta(minutes=4, seconds=59) <= left <= dt.timedelta(minutes=5, seconds=1)


async def test_a_dead_workers_job_is_retried_then_failed(staff_client, run_jobs):
    job = await _job(staff_client, "library-stats", "xlsx")
    db = connections.get("default")

    async def a_worker_takes_it_and_dies() -> None:
        assert await reports.claim_report_job(job["id"]) is not None
        await db.execute_query("UPDATE report_jobs SET lease_until = now() - interval '1 second' WHERE id = $1::uuid",
                               [job["id"]])

    # The run the request queued is the one a worker took before dying.
    await _drop_queued_runs()
    await a_worker_takes_it_and_dies()
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json()["status"] == "running"
    assert await reports.sweep_report_jobs(Actor.system()) == {"failed": 0, "requeued": 1, "waiting": 0}
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json()["status"] == "queued"
    assert await run_jobs() == 1
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json()["status"] == "done"

    second = await _job(staff_client, "library-stats", "csv")
    await _drop_queued_runs()
    for _ in range(reports.MAX_ATTEMPTS):
        job = second
        await a_worker_takes_it_and_dies()
        swept = await reports.sweep_report_jobs(Actor.system())
    assert swept["failed"] == 1
    failed = (await staff_client.get(f"{JOBS}/{second['id']}")).json()
    assert failed["status"] == "failed" and failed["error"] == reports.DEAD_WORKER_REASON
    assert (await staff_client.get(f"{JOBS}/{second['id']}/file")).status_code == 404


async def test_a_job_run_twice_makes_one_file(staff_client, run_jobs):
    job = await _job(staff_client, "department-wise", "csv")
    assert await run_jobs() == 1
    first = (await staff_client.get(f"{JOBS}/{job['id']}")).json()
    assert await reports.generate_report_file(job["id"]) == "skipped"
    assert (await staff_client.get(f"{JOBS}/{job['id']}")).json() == first


async def test_a_failing_report_is_marked_failed(staff_client, run_jobs, monkeypatch):
    job = await _job(staff_client, "attendance", "pdf")

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports.rf, "write_file", broken)
    with pytest.raises(Exception, match="failed"):
        await run_jobs()
    failed = (await staff_client.get(f"{JOBS}/{job['id']}")).json()
    assert failed["status"] == "failed" and "disk full" not in failed["error"]
