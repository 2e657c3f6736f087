"""Which screens the panel shows, collected in one place.

Each domain has its module, `admin_views/<group>.py` (the name of its API group and of
its service: `departments`, `course_offerings`, `fees`, ...). A module is a domain module
when it declares at module level any of:

    RESOURCES = [DepartmentResource]     # table screens (admin_views.base.AdminResource)
    router = APIRouter(...)              # task screens (a register, the cashier's desk)
    def menu(actor) -> list[dict]: ...   # their menu entries, or
    SCREENS = (CASHIER, DEFAULTERS)      # admin_views.screens.Screen entries
    MENU_ORDER = 210                     # where its task screens sit in the menu

Nothing else is edited to add a domain: this module imports every module of the package
and gathers them, so two engineers adding two domains touch no shared file. The menu is
ordered by `menu_order` (a resource's) or `MENU_ORDER` (a module's task screens): 100s
the catalogue (departments, programs, courses), 200s teaching (offerings, enrollments,
attendance, assessments, grades), 300s people, 400s-800s campus services (fees, library,
hostels), 900s accounts (users, audit log).

A table resource names its URL with `url_name`, the API's plural snake_case name of its
rows (/admin/course_offerings/list), its service with `service = Service(module,
"thing")` and its schemas with `create_schema`/`update_schema`; admin_views.base does the
rest (listing through the service's scope, create, update and delete through its
functions, the 403s and 404s). Task screens come before the resource routes, whose
`/{resource}/list` would otherwise take their `/<screen>/list`.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType
from typing import Any

from admin_views.base import Action, AdminResource
from dashboard.core.actor import Actor

DEFAULT_MENU_ORDER = 800
# The menu's section headings, by the first menu order each covers.
SECTIONS = ((100, "Academics"), (200, "Teaching"), (300, "People"), (400, "Campus"), (900, "Accounts"))


def section_of(order: int) -> str:
    return next((name for start, name in reversed(SECTIONS) if order >= start), "")
_MARKERS = ("RESOURCES", "SCREENS", "menu")


@cache
def domain_modules() -> tuple[ModuleType, ...]:
    import admin_views

    found = []
    for module_info in sorted(pkgutil.iter_modules(admin_views.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"admin_views.{module_info.name}")
        if any(hasattr(module, marker) for marker in _MARKERS):
            found.append(module)
    return tuple(found)


@cache
def resources() -> tuple[type[AdminResource], ...]:
    found: list[type[AdminResource]] = [r for m in domain_modules() for r in getattr(m, "RESOURCES", ())]
    names = [resource.url_name for resource in found]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"Two admin resources share the URL name {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda resource: (resource.menu_order, resource.url_name)))


def _module_order(module: ModuleType) -> int:
    return getattr(module, "MENU_ORDER", DEFAULT_MENU_ORDER)


def screen_routers() -> list[Any]:
    """The task screens' routers, in menu order."""
    modules = sorted((m for m in domain_modules() if hasattr(m, "router")), key=_module_order)
    return [module.router for module in modules]


def _screen_items(module: ModuleType, actor: Actor) -> list[dict[str, str]]:
    if hasattr(module, "menu"):
        return list(module.menu(actor))
    return [{"type": "model", "model": s.path, "label": s.label, "icon": s.icon}
            for s in getattr(module, "SCREENS", ()) if actor.can(s.permission)]


def menu_items(actor: Actor) -> list[dict[str, str]]:
    """Every entry the actor may open, resources and task screens, in menu order (the
    guard enforces the same rules on the server)."""
    ordered: list[tuple[int, int, dict[str, str]]] = []
    for resource in resources():
        if resource.allows(actor, Action.LIST):
            ordered.append((resource.menu_order, len(ordered), {
                "type": "model", "model": resource.name(), "label": resource.label, "icon": resource.icon}))
    for module in domain_modules():
        for item in _screen_items(module, actor):
            ordered.append((_module_order(module), len(ordered), item))
    return [{**item, "section": section_of(order)}
            for order, _, item in sorted(ordered, key=lambda entry: (entry[0], entry[1]))]
