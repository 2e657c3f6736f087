"""Every API section has the parts CONTRIBUTING.md ("How to add a domain") lists: its
service module, which the routes call; its API tests; and an admin entry, or a statement
that it has none.

A section is what the API serves: every module or package of `api/` with a module-level
`router` (api/__init__.py mounts exactly those). Its name is the group's, and the same
name is used in every package: dashboard/services/<group>.py, tests/api/test_<group>*.py,
admin_views/<group>.py. A domain served by several routers (fee_structures and fee_payments
are both `fees`) names its domain by importing the domain's service as `service`.

A section without admin screens says so and why, either in its own module,

    ADMIN = None  # sign-in and tokens are the API's own; the panel has its own sign-in

or in WITHOUT_ADMIN below.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from fastapi import APIRouter

import api

ROOT = Path(__file__).resolve().parents[1]

# Sections with no admin screen, and why. Prefer `ADMIN = None  # reason` in the section's
# own module; this list is for reasons that concern several sections at once.
WITHOUT_ADMIN: dict[str, str] = {}

# Sections whose admin screen exists but does not go through the section's service yet.
# Each is an expected failure (strict): once it is fixed the test passes, and the entry
# must go.
KNOWN_GAPS: dict[str, str] = {}


def _sections() -> list[str]:
    found = []
    for info in pkgutil.iter_modules(api.__path__):
        module = importlib.import_module(f"api.{info.name}")
        if isinstance(getattr(module, "router", None), APIRouter):
            found.append(info.name)
    return sorted(found)


SECTIONS = _sections()


def _source_files(package: str) -> list[Path]:
    base = ROOT / package
    return sorted(base.rglob("*.py")) if base.is_dir() else []


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (`from a import b` counts as `a` and `a.b`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _section_files(group: str) -> list[Path]:
    module = ROOT / "api" / f"{group}.py"
    return [module] if module.exists() else _source_files(f"api/{group}")


def _declares_no_admin(group: str) -> bool:
    """A module-level `ADMIN = None` with a comment giving the reason."""
    for path in _section_files(group):
        lines = path.read_text().splitlines()
        for node in ast.parse("\n".join(lines)).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "ADMIN"
                    and isinstance(node.value, ast.Constant) and node.value.value is None):
                reason = lines[node.lineno - 1].partition("#")[2].strip()
                assert reason, f"{path}: `ADMIN = None` needs a comment saying why the section has no admin screen"
                return True
    return False


def test_sections_are_found():
    # The API's own discovery and this test's agree; an empty list would pass everything.
    assert {"departments", "students", "auth"} <= set(SECTIONS)


def _service_import(group: str) -> str | None:
    """The domain whose service the section imports as `service` (`from dashboard.services
    import fees as service`), if it does."""
    for path in _section_files(group):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "dashboard.services":
                for alias in node.names:
                    if alias.asname == "service":
                        return alias.name
    return None


def _has_service_module(domain: str) -> bool:
    base = ROOT / "dashboard" / "services"
    return (base / f"{domain}.py").exists() or (base / domain / "__init__.py").exists()


def _domain(group: str) -> str:
    """A section's domain is its own name, or, for a domain served by several routers
    (fee_structures and fee_payments are both `fees`), the service it imports as `service`."""
    if _has_service_module(group):
        return group
    imported = _service_import(group)
    assert imported and _has_service_module(imported), (
        f"api/{group} has no service: its rules belong in dashboard/services/{group}.py (or, if it is one "
        f"router of a larger domain, it imports that domain's service as `service`)")
    return imported


@pytest.mark.parametrize("group", SECTIONS)
def test_a_section_has_its_service_and_calls_it(group):
    domain = _domain(group)
    imported = set().union(*(_imported_modules(p) for p in _section_files(group)))
    assert f"dashboard.services.{domain}" in imported, (
        f"api/{group} does not call its service (dashboard.services.{domain})")


def _router_prefix(group: str) -> str:
    return importlib.import_module(f"api.{group}").router.prefix


@pytest.mark.parametrize("group", SECTIONS)
def test_a_section_has_api_tests(group):
    """tests/api/test_<section>*.py or test_<domain>*.py, and they call the section's URLs."""
    names = {group, _domain(group)}
    tests = sorted({path for name in names for pattern in (f"test_{name}.py", f"test_{name}_*.py")
                    for path in (ROOT / "tests" / "api").glob(pattern)})
    assert tests, f"api/{group} has no tests: add tests/api/test_{group}.py"
    prefix = _router_prefix(group)
    assert any(prefix in path.read_text() for path in tests), (
        f"api/{group}: none of {[p.name for p in tests]} calls a URL under {prefix}")


@pytest.mark.parametrize("group", [
    pytest.param(group, marks=pytest.mark.xfail(reason=KNOWN_GAPS[group], strict=True)) if group in KNOWN_GAPS
    else group for group in SECTIONS
])
def test_a_section_has_an_admin_entry_or_says_why_not(group):
    """An admin entry is admin_views/<section or domain>.py, or an admin module that reads
    and writes through the section's service (the panel uses the same rules as the API)."""
    if group in WITHOUT_ADMIN or _declares_no_admin(group):
        return
    domain = _domain(group)
    for name in {group, domain}:
        if (ROOT / "admin_views" / f"{name}.py").exists() or (ROOT / "admin_views" / name).is_dir():
            return
    service = f"dashboard.services.{domain}"
    users = [p for p in _source_files("admin_views") if service in _imported_modules(p)]
    assert users, (
        f"api/{group} has no admin entry: add admin_views/{domain}.py, or state in api/{group}.py "
        f"`ADMIN = None  # why the panel has no screen for it`")


def test_the_documented_exemptions_name_real_sections():
    assert set(WITHOUT_ADMIN) | set(KNOWN_GAPS) <= set(SECTIONS), (set(WITHOUT_ADMIN) | set(KNOWN_GAPS)) - set(SECTIONS)
    for group in WITHOUT_ADMIN:
        assert not (ROOT / "admin_views" / f"{group}.py").exists(), (
            f"{group} has admin_views/{group}.py now: drop it from WITHOUT_ADMIN")
