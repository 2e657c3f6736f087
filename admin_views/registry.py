"""Which screens the panel shows, collected in one place.

Each domain has its module, `admin_views/<group>.py` (the name of its API group and of
its service: `departments`, `course_offerings`, ...), holding its resources and a
module-level list of them:

    RESOURCES = [AttendanceResource]

Nothing else is edited to add a domain: `resources()` imports every module of this
package and gathers the lists, so two engineers adding two domains touch no shared file.
The menu is ordered by each resource's `menu_order`: 100s the catalogue (departments,
programs, courses), 200s teaching (offerings; attendance, grades and exams fit here),
300s people, 400s-800s the rest (fees, library, hostels...), 900s accounts (users, audit
log). A resource names its URL with `url_name`, the API's plural snake_case name of its
rows (/admin/course_offerings/list), its service with `service = Service(module,
"thing")` and its schemas with `create_schema`/`update_schema`; admin_views.base does
the rest (listing through the service's scope, create, update, delete through its
functions, the 403s and 404s).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from admin_views.base import AdminResource


@cache
def resources() -> tuple[type[AdminResource], ...]:
    import admin_views

    found: list[type[AdminResource]] = []
    for module_info in pkgutil.iter_modules(admin_views.__path__):
        module = importlib.import_module(f"admin_views.{module_info.name}")
        found.extend(getattr(module, "RESOURCES", ()))
    names = [resource.url_name for resource in found]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"Two admin resources share the URL name {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda resource: (resource.menu_order, resource.url_name)))
