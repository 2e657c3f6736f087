"""Benchmark scenarios of the campus services (fees, library, hostels), wired into
bench/runner.py: `campus_parameters` adds real ids from the dataset to the runner's
parameters, `campus_scenarios` the scenarios that read them.

The writes are built so that every request succeeds however long a scenario runs where
that is possible: a payment is 0.01 against one of many structures with a balance left.
A loan cannot be issued twice nor returned twice, so `library_issue` and `library_return`
carry one body per distinct loan (MAX_LOAN_BODIES) and stay 2xx only while the requests
of a run do not outnumber them; `library_issue` runs first and `library_return` brings
back loans that were open in the dataset.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

PAYMENT_STRUCTURES = 400
# BENCH_BODIES travels in one environment variable (at most 128 KiB on Linux).
MAX_LOAN_BODIES = 3000


async def campus_parameters(connection: asyncpg.Connection) -> dict[str, Any]:
    student = await connection.fetchval(
        "SELECT fs.student_id FROM fee_structures fs "
        "WHERE fs.total_fee > (SELECT COALESCE(SUM(amount_paid), 0) FROM fee_payments p "
        "                      WHERE p.fee_structure_id = fs.id AND p.payment_status = 'completed') "
        "ORDER BY fs.id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM fee_structures)")
    if student is None:
        student = await connection.fetchval("SELECT student_id FROM fee_structures ORDER BY id LIMIT 1")
    structures = await connection.fetch(
        "SELECT fs.id, fs.student_id FROM fee_structures fs "
        "WHERE fs.total_fee - (SELECT COALESCE(SUM(amount_paid), 0) FROM fee_payments p "
        "                      WHERE p.fee_structure_id = fs.id AND p.payment_status = 'completed') >= 100 "
        "ORDER BY fs.id LIMIT $1", PAYMENT_STRUCTURES)
    title = await connection.fetchval(
        "SELECT title FROM library_books ORDER BY id OFFSET (SELECT count(*) / 2 FROM library_books) LIMIT 1")
    words = [w for w in (title or "library").replace(":", " ").split() if len(w) >= 4]
    # Books with copies on the shelf, each offered as many times as it has copies, to
    # borrowers (students) who hold nothing now: every pair can be issued once.
    books = await connection.fetch(
        "SELECT id, copies_available FROM library_books WHERE NOT is_reference AND copies_available > 0 "
        "ORDER BY id")
    borrowers = await connection.fetch(
        "SELECT u.id FROM users u JOIN students s ON s.user_id = u.id WHERE u.is_active "
        "AND NOT EXISTS (SELECT 1 FROM book_issues i WHERE i.user_id = u.id AND i.status = 'issued') "
        "ORDER BY u.id LIMIT $1", MAX_LOAN_BODIES)
    copies = [book["id"] for book in books for _ in range(book["copies_available"])]
    open_loans = await connection.fetch(
        "SELECT id FROM book_issues WHERE status = 'issued' ORDER BY id LIMIT $1", MAX_LOAN_BODIES)
    return {
        "fee_student_id": student,
        "payment_structures": [(row["id"], row["student_id"]) for row in structures],
        "book_search_term": (max(words, key=len) if words else "library")[:6].lower(),
        "loan_pairs": list(zip(copies, (row["id"] for row in borrowers), strict=False)),
        "open_loan_ids": [row["id"] for row in open_loans],
    }


def _compact(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"))


def campus_scenarios(params: dict[str, Any]) -> list[Any]:
    from bench.runner import Scenario  # the runner imports this module

    payments = [_compact({"student_id": student, "fee_structure_id": structure, "amount_paid": "0.01",
                          "payment_mode": "cash"}) for structure, student in params["payment_structures"]]
    issues = [_compact({"book_id": book, "user_id": user}) for book, user in params["loan_pairs"]]
    returns = [_compact({"issue_id": loan}) for loan in params["open_loan_ids"]]
    return [
        Scenario("fees_pending", f"/api/v1/fee-payments/pending?student_id={params['fee_student_id']}"),
        Scenario("fees_defaulters", "/api/v1/fee-payments/defaulters"),
        Scenario("books_search", f"/api/v1/library/books/search?q={params['book_search_term']}"),
        Scenario("books_overdue", "/api/v1/library/overdue"),
        Scenario("rooms_available", "/api/v1/hostel-rooms/available"),
        Scenario("fee_payment", "/api/v1/fee-payments", method="POST", bodies=payments),
        Scenario("library_issue", "/api/v1/library/issue", method="POST", bodies=issues),
        Scenario("library_return", "/api/v1/library/return", method="PUT", bodies=returns),
    ]
