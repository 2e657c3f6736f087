"""The floor: the same read SQL as the API, served by raw asyncpg and Starlette with no ORM,
no validation, no authentication and no middleware. Its throughput on this machine is the
ceiling our stack is compared against (`python -m bench` reports the ratio).

Run as `uvicorn bench.floor:app --workers N` with DATABASE_URL set.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard.core.db import asyncpg_dsn
from dashboard.schemas.reports import ExamResultsFilters, LibraryStatsFilters, StudentPerformanceFilters
from dashboard.services import attendance, fees, hostels, library, reports
from dashboard.services import departments as departments_service
from dashboard.services.course_offerings import roster_sql
from dashboard.services.students import (
    SEARCH_SQL,
    STUDENT_SELECT,
    like_pattern,
    student_list_sql,
)

PAGE_SIZE = 10



def _json(payload: Any) -> Response:
    return Response(json.dumps(payload, default=str), media_type="application/json")


def _page(rows: list[asyncpg.Record], total: int) -> dict[str, Any]:
    return {"items": [dict(r) for r in rows], "total": total, "page": 1, "page_size": PAGE_SIZE,
            "total_pages": -(-total // PAGE_SIZE)}


async def live(_: Request) -> Response:
    return _json({"status": "ok"})


DEPARTMENTS_PAGE_SQL = departments_service.DEPARTMENT_PAGE_SQL.format(where="", limit=1, offset=2)


async def departments(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(DEPARTMENTS_PAGE_SQL, PAGE_SIZE, 0)
    return _json(_page(rows, rows[0]["total"] if rows else 0))


async def students(request: Request) -> Response:
    query = request.query_params
    filters: dict[str, Any] = {
        "status": query.get("student_status"), "category": query.get("category"),
        **{name: int(query[name]) for name in ("department_id", "program_id", "batch_year", "semester")
           if name in query},
    }
    page_sql, _, params = student_list_sql(filters, search=query.get("search"))
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(page_sql, *params, PAGE_SIZE, 0)
    return _json(_page(rows, rows[0]["total"] if rows else 0))


async def search(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(SEARCH_SQL,
                                      like_pattern(request.query_params.get("q", "")), 20)
    return _json([dict(r) for r in rows])


async def student(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(
            f"{STUDENT_SELECT} WHERE s.id = $1",
            int(request.path_params["student_id"]))
    return _json(dict(row)) if row else Response(status_code=404)


async def roster(request: Request) -> Response:
    count_sql, page_sql, params = roster_sql(status="registered")
    offering_id = int(request.path_params["offering_id"])
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(page_sql, offering_id, *params, PAGE_SIZE, 0)
        total = rows[0]["total"] if rows else await connection.fetchval(count_sql, offering_id, *params)
    return _json(_page(rows, total))


# --- the SQL floor ------------------------------------------------------------------------
#
# The best SQL found for a scenario, run raw: no HTTP, no JSON, only the statements a
# request makes, from asyncpg connections at the bench's concurrency. The app's and the
# HTTP floor's rates divided by it say how close each is to the query itself; its own
# latency says how good the query is (bench/README.md, "The SQL floor").

Statements = list[tuple[str, list[Any]]]


def _students_page(params: dict[str, Any], filters: dict[str, Any]) -> Statements:
    # The page carries its total; the count statement only runs for an empty later page.
    page_sql, _, args = student_list_sql(filters)
    return [(page_sql, [*args, PAGE_SIZE, 0])]


def _roster(params: dict[str, Any]) -> Statements:
    # The page carries its total; the count statement only runs past the last page.
    _, page_sql, args = roster_sql(status="registered")
    return [(page_sql, [params["offering_id"], *args, PAGE_SIZE, 0])]


def _fee_defaulters(params: dict[str, Any]) -> Statements:
    on = fees.today()
    # The API's default page of defaulters.
    return [(fees.DEFAULTERS_COUNT_SQL, [on]), (fees.DEFAULTERS_PAGE_SQL, [on, 100, 0])]


SQL_FLOORS: dict[str, Any] = {
    "departments_list": lambda p: [(DEPARTMENTS_PAGE_SQL, [PAGE_SIZE, 0])],
    "students_page1": lambda p: _students_page(p, {}),
    "students_filtered": lambda p: _students_page(p, {"department_id": p["department_id"],
                                                      "batch_year": p["batch_year"], "status": "active"}),
    "students_search": lambda p: [tuple(p["search_statements"]["students_search"])],
    "students_search_rare": lambda p: [tuple(p["search_statements"]["students_search_rare"])],
    "offering_roster": _roster,
    "books_search": lambda p: [(library.SEARCH_SQL, [like_pattern(p["book_search_term"]), 20])],
    "books_search_rare": lambda p: [(library.SEARCH_SQL, [like_pattern(p["rare_book_term"]), 20])],
    "fees_defaulters": _fee_defaulters,
    "rooms_available": lambda p: [(hostels.AVAILABLE_ROOMS_JSON_SQL, [None, None])],
    "defaulters_university": lambda p: [(attendance.DEFAULTERS_JSON_SQL.format(
        rows=attendance.ALL_TIME_DEFAULTERS_SQL.format(filters="")), [75.0])],
    # The reports read from counts (migration 9); the filters are those of their scenarios.
    "report_exams": lambda p: [reports.exam_results_statement(ExamResultsFilters())],
    "report_exams_filtered": lambda p: [reports.exam_results_statement(ExamResultsFilters(
        academic_year=p["report_year"], semester=p["report_semester"], department_id=p["report_department_id"]))],
    "report_library": lambda p: [reports.library_stats_statement(LibraryStatsFilters())],
    "report_library_filtered": lambda p: [reports.library_stats_statement(LibraryStatsFilters(
        department_id=p["report_department_id"], category=p["report_category"]))],
    "report_performance": lambda p: [reports.student_performance_statement(StudentPerformanceFilters())],
    "report_performance_filtered": lambda p: [reports.student_performance_statement(StudentPerformanceFilters(
        department_id=p["report_department_id"], academic_year=p["report_year"], semester=p["report_semester"]))],
}


@contextlib.asynccontextmanager
async def lifespan(application: Starlette) -> AsyncIterator[None]:
    application.state.pool = await asyncpg.create_pool(
        **asyncpg_dsn(os.environ["DATABASE_URL"]), min_size=2, max_size=10)
    try:
        yield
    finally:
        await application.state.pool.close()


app = Starlette(
    routes=[
        Route("/health/live", live),
        Route("/api/v1/departments", departments),
        Route("/api/v1/students", students),
        Route("/api/v1/students/search", search),
        Route("/api/v1/students/{student_id:int}", student),
        Route("/api/v1/course-offerings/{offering_id:int}/students", roster),
    ],
    lifespan=lifespan,
)
