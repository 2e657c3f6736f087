"""The product does not depend on the benchmarks: no module of the shipped packages imports
`bench` (the demo university generator lives in `dashboard.demo`, and `bench` imports it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("dashboard", "api", "admin_views", "jobs", "models")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) in ("import_module", "__import__"))):
            found.append((node.lineno, node.args[0].value))
    return found


def _bench_imports(package: str) -> list[str]:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, module in _imported_modules(tree):
            if module == "bench" or module.startswith("bench."):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return offenders


@pytest.mark.parametrize("package", PRODUCT_PACKAGES)
def test_product_package_does_not_import_bench(package: str) -> None:
    assert (ROOT / package).is_dir()
    assert _bench_imports(package) == []


def test_the_scan_finds_each_form_of_import(tmp_path: Path) -> None:
    source = (
        "import bench\n"
        "from bench.runner import main\n"
        "import importlib\n"
        "importlib.import_module('bench.floor')\n"
        "from benchmarks import x\n"  # another package, not ours
    )
    modules = [m for _, m in _imported_modules(ast.parse(source))]
    flagged = [m for m in modules if m == "bench" or m.startswith("bench.")]
    assert flagged == ["bench", "bench.runner", "bench.floor"]
