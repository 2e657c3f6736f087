"""Row scopes are decided in one place (issue 9 item 1, notes §3.11).

Who may see which student is written in the scope functions of the students service, and
"the offerings a faculty member teaches" in the course offerings service. This scan fails
when such a check is written inline anywhere else in the product code, so a new section
calls the scope instead of copying it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("dashboard", "api", "admin_views", "jobs")

# The attributes of Actor that only a scope function may read.
SCOPE_ATTRIBUTES = frozenset({"own_student_ids", "sees_all_records", "may_see_student"})
# The lookups that spell out "taught by" and so only its one definition may use.
TEACHING_LOOKUPS = frozenset({"faculty_assignments__faculty_id", "course_offering__faculty_assignments__faculty_id"})

ALLOWED = {
    ("dashboard/core/actor.py", "Actor.sees_all_records"),
    ("dashboard/services/students.py", "visible_students"),
    ("dashboard/services/students.py", "student_scope"),
    ("dashboard/services/students.py", "sees_student"),
    ("dashboard/services/students.py", "is_own_record"),
    ("dashboard/services/students.py", "sees_every_student"),
    ("dashboard/services/students.py", "own_students"),
    ("dashboard/services/course_offerings.py", "offerings_taught_by"),
}


def _violations(source: str, path: str) -> list[str]:
    """`path:line in function: what` for every scope check outside ALLOWED."""
    found: list[str] = []

    def visit(node: ast.AST, scope: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = (*scope, child.name)
            where = ".".join(inner) or "<module>"
            allowed = (path, where) in ALLOWED
            what = None
            if isinstance(child, ast.Attribute) and child.attr in SCOPE_ATTRIBUTES:
                what = child.attr
            elif isinstance(child, ast.keyword) and child.arg in TEACHING_LOOKUPS:
                what = child.arg
            elif (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                  and isinstance(child.func.value, ast.Name) and child.func.value.id == "OfferingFaculty"
                  and child.func.attr == "filter" and any(k.arg == "faculty_id" for k in child.keywords)):
                what = "OfferingFaculty.filter(faculty_id=...)"
            if what is not None and not allowed:
                found.append(f"{path}:{child.lineno} in {where}: {what}")  # type: ignore[attr-defined]
            visit(child, inner)

    visit(ast.parse(source), ())
    return found


def _product_files() -> list[Path]:
    return sorted(p for top in SCANNED for p in (ROOT / top).rglob("*.py"))


def test_no_scope_check_is_written_outside_the_scope_functions():
    found = [v for path in _product_files()
             for v in _violations(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == [], "Call the service's visible_<things>(actor) instead:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    "async def get(actor, student_id):\n    if student_id not in actor.own_student_ids:\n        raise X\n",
    "def q(actor):\n    return Student.all() if actor.sees_all_records else Student.none()\n",
    "def q(faculty_id):\n    return Offering.filter(faculty_assignments__faculty_id=faculty_id)\n",
    "def q(faculty_id):\n    return OfferingFaculty.filter(faculty_id=faculty_id)\n",
])
def test_the_scan_catches_an_inline_check(source):
    assert _violations(source, "admin_views/new_screen.py")


def test_the_scan_reads_the_product_code():
    names = {str(p.relative_to(ROOT)) for p in _product_files()}
    assert {"dashboard/services/students.py", "admin_views/students.py", "api/students.py"} <= names
