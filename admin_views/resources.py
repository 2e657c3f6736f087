"""The resources the admin panel shows."""

from __future__ import annotations

import admin_views.compat  # noqa: F401
from fastapi_admin.resources import Field, Model
from fastapi_admin.widgets import displays, filters
from models import Department


class DepartmentResource(Model):
    label = "Departments"
    model = Department
    icon = "fas fa-building"
    page_pre_title = "Academics"
    page_title = "Departments"
    filters = [
        filters.Search(name="search", label="Name", search_mode="icontains", placeholder="Name"),
    ]
    fields = [
        "id",
        Field(name="code", label="Code"),
        Field(name="name", label="Name"),
        Field(name="building", label="Building"),
        Field(name="is_active", label="Active", display=displays.Boolean()),
    ]


RESOURCES = [DepartmentResource]
