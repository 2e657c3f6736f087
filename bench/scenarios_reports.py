"""Benchmark scenarios for the reports and analytics (issue 14), wired into bench/runner.py:
`parameters` picks real filters from the generated university, `scenarios` measures every
report with and without filters, the dashboard and the trends under wrk like the others,
and `report_jobs` times a report file for the whole university from the request to the
finished file while sampling the worker process's resident memory."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx

from dashboard.core.db import asyncpg_dsn

# The detail rows of each report's file, from its JSON figures (None: not among them).
DETAIL_ROWS = {
    "exam-results": lambda r: r["total_results"], "fee-collection": lambda r: r["pending_count"],
    "student-performance": lambda r: r["total_students"], "library-stats": lambda r: r["total_books"],
    "hostel-occupancy": lambda r: r["total_rooms"], "department-wise": lambda r: len(r["departments"]),
    # the file's detail rows are per offering; the months stand in for a count here
    "attendance": lambda r: len(r["monthly"]),
}
# The reports whose whole-university file is timed, with their file format.
JOB_REPORTS = (("exam-results", "xlsx"), ("fee-collection", "xlsx"), ("student-performance", "xlsx"),
               ("attendance", "xlsx"), ("library-stats", "xlsx"), ("hostel-occupancy", "xlsx"),
               ("department-wise", "xlsx"), ("fee-collection", "pdf"), ("student-performance", "csv"))


async def parameters(db_url: str) -> dict[str, Any]:
    """The busiest department, program, term and offering, and a date range that starts
    and ends inside a month (so the attendance and fee reports read part months from the
    rows and whole months from the counts)."""
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        department = await connection.fetchval(
            "SELECT department_id FROM students GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        program = await connection.fetchval(
            "SELECT program_id FROM students WHERE department_id = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
            department)
        term = await connection.fetchrow(
            "SELECT academic_year, semester FROM semester_results GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1")
        offering = await connection.fetchval(
            "SELECT course_offering_id FROM attendance_monthly_counts GROUP BY 1 "
            "ORDER BY sum(present + absent + late + excused) DESC, 1 LIMIT 1")
        marks = await connection.fetchrow("SELECT min(date) AS first, max(date) AS last FROM attendance_daily_counts")
        fee_year = await connection.fetchval(
            "SELECT academic_year FROM fee_structures GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1")
        paid = await connection.fetchrow("SELECT min(payment_date) AS first, max(payment_date) AS last "
                                         "FROM fee_payments")
        category = await connection.fetchval(
            "SELECT category FROM library_books WHERE category IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    finally:
        await connection.close()
    first = marks["first"] or dt.date(2025, 9, 1)
    last = marks["last"] or first
    pay_first = paid["first"] or first
    pay_last = paid["last"] or first
    return {
        "report_department_id": department, "report_program_id": program,
        "report_year": term["academic_year"] if term else "2025-26", "report_semester": term["semester"] if term else 1,
        "report_offering_id": offering, "report_fee_year": fee_year or "2025-26",
        "report_category": category or "General",
        "report_marks_from": (first + dt.timedelta(days=10)).isoformat(),
        "report_marks_to": (max(first + dt.timedelta(days=10), last - dt.timedelta(days=10))).isoformat(),
        "report_paid_from": (pay_first + dt.timedelta(days=3)).isoformat(),
        "report_paid_to": (max(pay_first + dt.timedelta(days=3), pay_last - dt.timedelta(days=3))).isoformat(),
    }


def scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario

    p = params
    base = "/api/v1/reports"
    return [
        Scenario("report_performance", f"{base}/student-performance"),
        Scenario("report_performance_filtered", f"{base}/student-performance?department_id={p['report_department_id']}"
                 f"&academic_year={p['report_year']}&semester={p['report_semester']}"),
        Scenario("report_attendance", f"{base}/attendance"),
        Scenario("report_attendance_filtered", f"{base}/attendance?department_id={p['report_department_id']}"
                 f"&date_from={p['report_marks_from']}&date_to={p['report_marks_to']}"),
        Scenario("report_attendance_offering", f"{base}/attendance?course_offering_id={p['report_offering_id']}"),
        Scenario("report_fees", f"{base}/fee-collection"),
        Scenario("report_fees_filtered", f"{base}/fee-collection?academic_year={p['report_fee_year']}"
                 f"&department_id={p['report_department_id']}&date_from={p['report_paid_from']}"
                 f"&date_to={p['report_paid_to']}"),
        Scenario("report_exams", f"{base}/exam-results"),
        Scenario("report_exams_filtered", f"{base}/exam-results?academic_year={p['report_year']}"
                 f"&semester={p['report_semester']}&department_id={p['report_department_id']}"),
        Scenario("report_library", f"{base}/library-stats"),
        Scenario("report_library_filtered", f"{base}/library-stats?department_id={p['report_department_id']}"
                 f"&category={quote(p['report_category'])}"),
        Scenario("report_hostels", f"{base}/hostel-occupancy"),
        Scenario("report_hostels_filtered", f"{base}/hostel-occupancy?hostel_type=boys"),
        Scenario("report_departments", f"{base}/department-wise"),
        Scenario("analytics_dashboard", "/api/v1/analytics/dashboard"),
        Scenario("analytics_trends", "/api/v1/analytics/trends?months=24"),
    ]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_pids() -> list[int]:
    """The `dashboard worker` processes this run started (children of this process)."""
    found = []
    me = os.getpid()
    for task in Path(f"/proc/{me}/task").iterdir():
        children = task / "children"
        for pid in (children.read_text().split() if children.exists() else []):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"dashboard" in command and b"worker" in command:
                found.append(int(pid))
    return found


def report_jobs(base: str, tokens: dict[str, str]) -> list[Any]:
    """Each report in JOB_REPORTS for the whole university, one at a time: the seconds
    from `POST /reports/{name}/jobs` to the downloaded file, and the worker's peak RSS
    growth over its RSS before the request."""
    from bench.runner import ExportResult, log

    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    workers = worker_pids()
    results = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        for name, fmt in JOB_REPORTS:
            baseline = {pid: _rss_kb(pid) for pid in workers}
            peak = dict(baseline)
            done = threading.Event()

            def sample(peak: dict[int, int] = peak, done: threading.Event = done) -> None:
                while not done.is_set():
                    for pid in workers:
                        peak[pid] = max(peak[pid], _rss_kb(pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            rows = DETAIL_ROWS[name](client.get(f"/api/v1/reports/{name}").json())
            size, status = 0, "failed"
            try:
                job = client.post(f"/api/v1/reports/{name}/jobs", json={"format": fmt}).json()
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline:
                    state = client.get(f"/api/v1/report-jobs/{job['id']}").json()
                    if state["status"] in ("done", "failed"):
                        status = state["status"]
                        break
                    time.sleep(0.1)
                if status == "done":
                    size = len(client.get(f"/api/v1/report-jobs/{job['id']}/file").content)
            finally:
                done.set()
                sampler.join()
            seconds = time.perf_counter() - started
            growth = max((peak[pid] - baseline[pid] for pid in workers), default=0)
            if status != "done":
                raise RuntimeError(f"the {name} {fmt} report job ended {status}")
            results.append(ExportResult(format=f"{name} {fmt} job", rows=rows, seconds=round(seconds, 2),
                                        rows_per_second=round(rows / seconds), bytes=size,
                                        peak_rss_growth_mb=round(growth / 1024, 1)))
            log(f"job   {name:<20} {fmt:<4} {seconds:6.2f} s  {size / 1e6:6.1f} MB  worker RSS +{growth / 1024:.1f} MB")
    return results
