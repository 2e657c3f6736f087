"""The panel's layering (issue 9): admin_views reads rows only through the services'
scope functions and writes nothing itself, the API is not imported from the panel, and
every domain's screens register themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import admin_views
from admin_views.base import AdminResource
from admin_views.registry import resources

PACKAGE = Path(admin_views.__file__).parent
# The one module that stands in for scopes and typed signatures the services lack.
ADAPTERS = PACKAGE / "adapters.py"
QUERY_METHODS = {"all", "filter", "exclude", "get", "get_or_none", "first", "create", "get_or_create",
                 "update_or_create", "bulk_create", "bulk_update", "select_for_update", "annotate", "values",
                 "values_list", "raw", "exists", "count", "update", "delete", "in_bulk", "only"}
WRITE_METHODS = {"save", "update_from_dict", "bulk_create", "bulk_update", "select_for_update", "get_or_create",
                 "update_or_create"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def _model_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "models":
            names.update(alias.asname or alias.name for alias in node.names)
    return names - {"enums"}


def _calls(tree: ast.Module) -> list[tuple[int, ast.Attribute]]:
    return [(node.lineno, node.func) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]


def _receiver_is_queryset(node: ast.expr, models: set[str]) -> bool:
    """A model class, or a chain of queryset calls starting from one."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return isinstance(node, ast.Name) and node.id in models


def test_no_orm_query_outside_the_scope_functions():
    found = []
    for path in _modules():
        if path == ADAPTERS:
            continue
        tree = ast.parse(path.read_text())
        models = _model_names(tree)
        for line, func in _calls(tree):
            if func.attr in QUERY_METHODS and _receiver_is_queryset(func.value, models):
                found.append(f"{path.name}:{line} {func.attr}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(name.startswith("tortoise") and "connections" in ast.unparse(node) for name in names), (
                    f"{path.name}:{node.lineno} hand-written SQL belongs in a service")
    assert found == [], "admin_views queries the ORM outside the services' scopes: " + ", ".join(found)


def test_no_orm_write_anywhere_in_the_panel():
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        models = _model_names(tree)
        for line, func in _calls(tree):
            if func.attr in WRITE_METHODS or (func.attr in {"update", "delete", "create"}
                                             and _receiver_is_queryset(func.value, models)):
                found.append(f"{path.name}:{line} {func.attr}")
    assert found == [], "admin_views writes through the ORM: " + ", ".join(found)


def test_the_panel_does_not_import_the_api_but_for_the_schemas_still_there():
    for path in _modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "api":
                # Until the request schemas live in dashboard/schemas/<group>.py, the
                # adapters module alone takes them from the API's modules.
                assert path == ADAPTERS, f"{path.name}:{node.lineno} imports {node.module}"
                assert all(not alias.name.startswith("_") for alias in node.names), path.name


def test_every_resource_registers_from_its_domain_module_with_the_apis_plural_name():
    registered = resources()
    assert [r.url_name for r in registered] == [
        "departments", "programs", "courses", "course_offerings", "students", "faculty", "parents", "staff",
        "users", "audit_logs"]
    for resource in registered:
        assert issubclass(resource, AdminResource)
        assert resource.__module__ == f"admin_views.{resource.url_name}", resource
        assert resource.url_name.islower() and "-" not in resource.url_name
        assert resource.service is not None, resource


def test_resources_declare_their_service_and_no_hand_written_writers():
    for resource in resources():
        for verb in ("create", "update", "delete"):
            assert getattr(resource, verb).__func__ is getattr(AdminResource, verb).__func__, (resource, verb)
        assert not any(name.startswith("service_") for name in vars(resource)), resource


async def test_every_resource_reads_through_a_scope_function_of_its_service(app):
    from tortoise.queryset import QuerySet

    from dashboard.core.actor import Actor

    for resource in resources():
        assert isinstance(resource.service.visible(Actor.system()), QuerySet), resource


def test_task_screens_register_through_the_registry_too():
    from admin_views.registry import domain_modules, menu_items, screen_routers
    from dashboard.core.actor import Actor
    from models.enums import UserType

    names = {module.__name__.rsplit(".", 1)[1] for module in domain_modules()}
    assert {"departments", "students", "users"} <= names
    assert all(hasattr(router, "routes") for router in screen_routers())
    items = menu_items(Actor.for_user(user_id=1, role=UserType.ADMIN))
    sections = [item["section"] for item in items]
    # Sections come in one block each, in order.
    assert sections == sorted(sections, key=["Academics", "Teaching", "People", "Campus", "Accounts"].index)
    assert [i["model"] for i in items if i["section"] == "Accounts"] == ["users", "audit_logs", "imports"]
