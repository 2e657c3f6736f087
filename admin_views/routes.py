"""The resource routes of the panel, in place of fastapi-admin's stock router.

The stock router writes with `model.create/update/delete` straight through the ORM
(no validation, no audit row, no business rule), finds models by name whether or not
they are registered, turns an empty optional foreign key into a 500, and lists rows with
`values()` that show ids instead of names. These routes keep its URLs and route names
(templates and `redirect()` use them) and:

- authorize every request through `get_current_admin` (overridden by admin_views.guard)
  before any parameter is read;
- list with the resource's row scope and filters (`resolve_query_params`), one count
  query and one page query that joins the names it shows, sortable on indexed columns;
- export the same rows as CSV through the API's formula-safe writer;
- write only by calling the resource's service functions with the signed-in Actor, so the
  panel gets the API's validation, rules, audit rows and errors; a validation or rule
  error is shown on the form, and so is a constraint violation from a concurrent write
  (409, as the API answers it).
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import ValidationError
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.status import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_CONTENT,
)
from tortoise.exceptions import IntegrityError

import admin_views.compat  # noqa: F401  (before fastapi_admin)

# isort: split
from fastapi_admin.depends import get_current_admin
from fastapi_admin.template import templates

from admin_views.base import Action, AdminResource, FormResult
from admin_views.errors import conflict_message
from admin_views.guard import registered_resource, visible_resources
from admin_views.widgets import FieldError
from dashboard.core.db import atomic, ids_of
from dashboard.core.errors import DomainError

router = APIRouter(dependencies=[Depends(get_current_admin)])

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_BULK = 100

def _resource(request: Request) -> type[AdminResource]:
    # The guard already answered 404 for an unregistered name.
    resource = registered_resource(request, request.path_params["resource"])
    if resource is None:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    return resource

def _cell_value(column: Any, value: dict[str, Any]) -> Any:
    return column.compute(value) if column.compute else value.get(column.name)


def _int_param(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        return default
    return min(max(value, low), high)

def _pk(request: Request) -> int:
    try:
        pk = int(request.path_params["pk"])
    except ValueError as exc:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND) from exc
    if not 1 <= pk < 2**31:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    return pk

def _context(request: Request, resource: type[AdminResource], **extra: Any) -> dict[str, Any]:
    actor = request.state.admin.actor
    return {
        "request": request,
        "resources": visible_resources(request),
        "resource": resource.name(),
        "resource_label": resource.label,
        "singular": resource.singular or resource.label.lower(),
        "model_resource": resource,
        "page_title": resource.page_title or resource.label,
        "page_pre_title": resource.page_pre_title,
        "can_create": resource.allows(actor, Action.CREATE),
        "can_update": resource.allows(actor, Action.UPDATE),
        "can_delete": resource.allows(actor, Action.DELETE),
        "can_act": resource.allows(actor, Action.ROW_ACTION),
        **extra,
    }


def page_numbers(page_num: int, total_pages: int, *, around: int = 2) -> list[int | None]:
    """The pagination's links: the first and last page, `around` pages either side of the
    current one, and None where pages are left out (shown as an ellipsis)."""
    shown = sorted({1, total_pages, *range(max(1, page_num - around), min(total_pages, page_num + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        previous = numbers[-1] if numbers else None
        if previous is not None and number - previous == 2:
            numbers.append(previous + 1)  # an ellipsis would hide no more than the page itself
        elif previous is not None and number - previous > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers

async def _list_query(request: Request, resource: type[AdminResource]) -> tuple[dict, Any, str | None]:
    try:
        params, qs = await resource.resolve_query_params(request, dict(request.query_params), None)  # type: ignore[arg-type]
    except FieldError as exc:
        return {}, None, str(exc)
    return params, qs, None

def _ordering(request: Request, resource: type[AdminResource]) -> tuple[str, str, list[str]]:
    sortable = resource.sort_fields()
    sort = request.query_params.get("sort", "")
    order = "desc" if request.query_params.get("order") == "desc" else "asc"
    if sort not in sortable:
        sort, order = resource.default_sort
    field = sortable[sort]
    prefix = "-" if order == "desc" else ""
    # The id breaks ties, so that pages never repeat or skip rows.
    tie = "-id" if order == "desc" else "id"
    return sort, order, [prefix + field] + ([tie] if field != "id" else [])

@router.get("/{resource}/list", name="list_view")
async def list_view(request: Request) -> Response:
    resource = _resource(request)
    page_size = _int_param(request.query_params.get("page_size"), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page_num = _int_param(request.query_params.get("page_num"), 1, 1, 10**6)
    params, qs, error = await _list_query(request, resource)
    sort, order, ordering = _ordering(request, resource)
    rows: list[list[Any]] = []
    ids: list[int] = []
    offered: dict[int, list[Any]] = {}
    total = 0
    if qs is not None:
        total = await qs.count()
        if total and (page_num - 1) * page_size < total:
            values = await resource.page_query(
                qs.order_by(*ordering).offset((page_num - 1) * page_size).limit(page_size)
            )
            for value in values:
                ids.append(value["id"])
                rows.append([await column.display.render(request, _cell_value(column, value))
                             for column in resource.columns])
                offered[value["id"]] = [a for a in resource.row_actions if a.offered(value)]
    filters = [await f.render_filter(request, request.query_params.get(f.context["name"]))
               for f in resource.list_filters]
    total_pages = math.ceil(total / page_size) if total else 0
    query = {k: v for k, v in request.query_params.items() if k not in ("page_num",)}
    search_note = getattr(request.state, "search_note", None)

    def page_url(number: int) -> str:
        return f"{request.app.admin_path}/{resource.name()}/list?" + urlencode({**query, "page_num": number})

    def sort_url(column: str) -> str:
        next_order = "desc" if sort == column and order == "asc" else "asc"
        base = {k: v for k, v in query.items() if k not in ("sort", "order")}
        return (f"{request.app.admin_path}/{resource.name()}/list?"
                + urlencode({**base, "sort": column, "order": next_order}))

    export_query = {k: v for k, v in request.query_params.items() if k not in ("page_num", "page_size")}
    context = _context(
        request, resource,
        columns=resource.columns, sortable=resource.sort_fields(), sort=sort, order=order,
        rows=rows, ids=ids, filters=filters, filter_error=error, total=total, page_num=page_num,
        page_size=page_size, total_pages=total_pages, page_url=page_url, sort_url=sort_url,
        pages=page_numbers(page_num, total_pages) if total_pages else [], jump_query=query,
        offered_actions=offered, sort_text=resource.sort_text(sort, order),
        is_default_sort=(sort, order) == tuple(resource.default_sort), search_note=search_note,
        first=(page_num - 1) * page_size + 1 if rows else 0, last=(page_num - 1) * page_size + len(rows),
        export_url=f"{request.app.admin_path}/{resource.name()}/export?" + urlencode(export_query),
        params=params,
    )
    return templates.TemplateResponse(request, "list.html", context,
                                      status_code=HTTP_400_BAD_REQUEST if error else 200)

@router.get("/{resource}/export", name="export")
async def export(request: Request) -> Response:
    from admin_views.export import export_csv

    resource = _resource(request)
    _, qs, error = await _list_query(request, resource)
    if qs is None:
        return Response(error or "Bad filter", status_code=HTTP_400_BAD_REQUEST, media_type="text/plain")
    _, _, ordering = _ordering(request, resource)
    return await export_csv(request, resource, qs.order_by(*ordering))

async def _render_form(request: Request, resource: type[AdminResource], action: Action, *,
                       values: dict[str, Any], result: FormResult | None = None, error: str | None = None,
                       pk: int | None = None, status_code: int = 200) -> Response:
    controls = []
    for form_field in resource.fields_for(action):
        controls.append(await form_field.input.render_field(
            request, name=form_field.name, label=form_field.label, value=values.get(form_field.name),
            error=(result.errors.get(form_field.name) if result else None),
            disabled=action is Action.UPDATE and not form_field.on_update,
        ))
    target = "create" if action is Action.CREATE else f"update/{pk}"
    singular = resource.singular or resource.label.lower()
    title = f"New {singular}" if action is Action.CREATE else f"Edit {singular} #{pk}"
    context = _context(request, resource, inputs=controls, error=error, pk=pk, action=action.value,
                       form_action=f"{request.app.admin_path}/{resource.name()}/{target}")
    context.update(page_title=title, page_pre_title=resource.label)
    return templates.TemplateResponse(request, "form.html", context, status_code=status_code)

def _validation_errors(exc: ValidationError, result: FormResult, resource: type[AdminResource]) -> None:
    shown = {f.name for f in resource.form_fields}
    for item in exc.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        message = item["msg"].removeprefix("Value error, ")
        # A field the form does not show (renamed by `prepare`) is reported above the form.
        if name in shown:
            result.errors.setdefault(name, message)
        else:
            result.errors.setdefault("__all__", f"{name}: {message}")

async def _validated(request: Request, resource: type[AdminResource], action: Action) -> tuple[FormResult, Any]:
    form = await request.form()
    result = await resource.parse_form(request, form, action)
    schema = resource.create_schema if action is Action.CREATE else resource.update_schema
    for form_field in resource.fields_for(action):
        if action is Action.UPDATE and not form_field.on_update:
            continue
        if (form_field.name not in result.errors and result.data.get(form_field.name) is None
                and not form_field.input.context.get("null")):
            result.errors[form_field.name] = "This field is required"
    if result.errors:
        return result, None
    try:
        validated = schema.model_validate(await resource.prepare(request, dict(result.data), action))  # type: ignore[union-attr]
    except ValidationError as exc:
        _validation_errors(exc, result, resource)
        return result, None
    return result, validated

@router.get("/{resource}/create", name="create_view")
async def create_view(request: Request) -> Response:
    resource = _resource(request)
    return await _render_form(request, resource, Action.CREATE, values={})

@router.post("/{resource}/create", name="create")
async def create(request: Request) -> Response:
    resource = _resource(request)
    result, validated = await _validated(request, resource, Action.CREATE)
    if validated is None:
        return await _render_form(request, resource, Action.CREATE, values=result.data, result=result,
                                  error=result.errors.get("__all__", "Please correct the errors below."),
                                  status_code=HTTP_422_UNPROCESSABLE_CONTENT)
    try:
        await resource.create(request.state.admin.actor, validated)
    except DomainError as exc:
        return await _render_form(request, resource, Action.CREATE, values=result.data, result=result,
                                  error=exc.message, status_code=exc.status_code)
    except IntegrityError as exc:
        return await _render_form(request, resource, Action.CREATE, values=result.data, result=result,
                                  error=conflict_message(exc), status_code=HTTP_409_CONFLICT)
    return RedirectResponse(f"{request.app.admin_path}/{resource.name()}/list", status_code=HTTP_303_SEE_OTHER)

async def _visible_row(request: Request, resource: type[AdminResource], pk: int) -> Any:
    obj = await (await resource.base_queryset(request)).get_or_none(pk=pk)
    if obj is None:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    return obj

@router.get("/{resource}/update/{pk}", name="update_view")
async def update_view(request: Request) -> Response:
    resource = _resource(request)
    pk = _pk(request)
    obj = await _visible_row(request, resource, pk)
    values = await resource.initial_values(request, obj)
    return await _render_form(request, resource, Action.UPDATE, values=values, pk=pk)

@router.post("/{resource}/update/{pk}", name="update")
async def update(request: Request) -> Response:
    resource = _resource(request)
    pk = _pk(request)
    obj = await _visible_row(request, resource, pk)
    result, validated = await _validated(request, resource, Action.UPDATE)
    shown = {**await resource.initial_values(request, obj), **result.data}
    if validated is None:
        return await _render_form(request, resource, Action.UPDATE, values=shown, result=result, pk=pk,
                                  error=result.errors.get("__all__", "Please correct the errors below."),
                                  status_code=HTTP_422_UNPROCESSABLE_CONTENT)
    try:
        await resource.update(request.state.admin.actor, pk, validated)
    except DomainError as exc:
        return await _render_form(request, resource, Action.UPDATE, values=shown, result=result, pk=pk,
                                  error=exc.message, status_code=exc.status_code)
    except IntegrityError as exc:
        return await _render_form(request, resource, Action.UPDATE, values=shown, result=result, pk=pk,
                                  error=conflict_message(exc), status_code=HTTP_409_CONFLICT)
    return RedirectResponse(f"{request.app.admin_path}/{resource.name()}/list", status_code=HTTP_303_SEE_OTHER)

@router.delete("/{resource}/delete/{pk}", name="delete")
async def delete(request: Request) -> Response:
    resource = _resource(request)
    pk = _pk(request)
    await _visible_row(request, resource, pk)
    try:
        await resource.delete(request.state.admin.actor, pk)
    except DomainError as exc:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)
    except IntegrityError as exc:
        return JSONResponse({"detail": conflict_message(exc)}, status_code=HTTP_409_CONFLICT)
    return JSONResponse({"deleted": [pk]})

@router.delete("/{resource}/delete", name="bulk_delete")
async def bulk_delete(request: Request) -> Response:
    """All or nothing: one failing row (a delete blocked by dependants) keeps every row."""
    resource = _resource(request)
    raw = request.query_params.get("ids", "")
    try:
        ids = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        return JSONResponse({"detail": "ids must be a comma-separated list of numbers"},
                            status_code=HTTP_400_BAD_REQUEST)
    if not ids or len(ids) > MAX_BULK or not all(1 <= pk < 2**31 for pk in ids):
        return JSONResponse({"detail": f"Give between 1 and {MAX_BULK} ids"}, status_code=HTTP_400_BAD_REQUEST)
    visible = set(await ids_of((await resource.base_queryset(request)).filter(pk__in=ids), "id"))
    missing = [pk for pk in ids if pk not in visible]
    if missing:
        return JSONResponse({"detail": f"Not found: {', '.join(map(str, missing))}"}, status_code=HTTP_404_NOT_FOUND)
    try:
        async with atomic():
            for pk in ids:
                await resource.delete(request.state.admin.actor, pk)
    except DomainError as exc:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)
    except IntegrityError as exc:
        return JSONResponse({"detail": conflict_message(exc)}, status_code=HTTP_409_CONFLICT)
    return JSONResponse({"deleted": ids})


@router.post("/{resource}/act/{pk}/{action_name}", name="row_action")
async def row_action(request: Request) -> Response:
    """One of the resource's row actions, through its service as the signed-in actor;
    answers JSON for the list's script (the message to show, or the refusal)."""
    resource = _resource(request)
    pk = _pk(request)
    action = resource.row_action(request.path_params["action_name"])
    if action is None:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    await _visible_row(request, resource, pk)
    try:
        await action.run(request.state.admin.actor, pk)
    except DomainError as exc:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)
    return JSONResponse({"detail": action.done})
