"""What a resource of this panel declares: columns, filters, sorting, who may do what, and
the service functions that write it.

It builds on fastapi-admin's `Model` resource (menu entry, label, icon, titles, filters,
`resolve_query_params`) and adds what the stock one lacks: a row scope per actor, list
columns that read foreign-key names in the page query, sorting, and writes that go
through the services rather than the stock ORM path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel
from starlette.requests import Request
from tortoise.expressions import Subquery
from tortoise.models import Model as TortoiseModel
from tortoise.queryset import QuerySet, ValuesQuery

import admin_views.compat  # noqa: F401  (before fastapi_admin)

# isort: split
from fastapi_admin.resources import Field
from fastapi_admin.resources import Model as StockModelResource
from fastapi_admin.widgets import displays

from admin_views.widgets import (
    CONTROL_CHARACTERS_ERROR,
    DateTime,
    FieldError,
    ForeignKeyFilter,
    FormInput,
    ListFilter,
    ManyForeignKeys,
    Text,
    has_control_characters,
)
from dashboard.core.actor import Actor
from dashboard.core.roles import Permission

_DATE_DISPLAYS = (DateTime,)


def choices(visible: Callable[[Actor], QuerySet], *related: str) -> Callable[[Request], Awaitable[QuerySet]]:
    """A dropdown's or a filter's rows: a service's scope for the signed-in actor, with the
    relations its option labels read."""

    async def scope(request: Request) -> QuerySet:
        rows = visible(request.state.admin.actor)
        return rows.select_related(*related) if related else rows

    return scope


class Access(StrEnum):
    NONE = "none"
    SCOPED = "scoped"  # read-only, rows narrowed to the actor's own (faculty)
    READ = "read"
    WRITE = "write"

class Action(StrEnum):
    LIST = "list"  # the list page and its CSV export
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ROW_ACTION = "row_action"  # one of the resource's `row_actions` on one row

class Column(Field):
    """A list column. `source` is the `.values()` expression it reads (a related name such
    as `department__name` comes from the same query by a join); `sort` names the ORM field
    the column sorts by, when it may be sorted.

    `priority` decides which columns a narrow card drops first: 1 is always shown, 2 is
    hidden when the list's card is under 60rem wide, 3 under 75rem (a 1440-pixel screen
    shows 1 and 2; the CSV export has every column). `wrap` lets a long cell (an audit
    row's changes) wrap instead of being cut with an ellipsis."""

    def __init__(self, name: str, label: str, display: displays.Display | None = None, *,
                 source: str | None = None, sort: str | None = None,
                 value: Callable[[dict[str, Any]], Any] | None = None,
                 needs: dict[str, str] | None = None, annotation: Any = None,
                 priority: int = 1, wrap: bool = False) -> None:
        super().__init__(name=name, label=label, display=display or Text())
        self.source = source or name
        self.sort = sort
        self.compute = value
        self.needs = needs or {}
        self.annotation = annotation
        self.priority = priority
        self.wrap = wrap

    @property
    def css_class(self) -> str:
        classes = [f"col-p{self.priority}"] if self.priority > 1 else []
        if self.wrap:
            classes.append("cell-wrap")
        return " ".join(classes)

@dataclass
class FormField:
    name: str
    label: str
    input: FormInput | ManyForeignKeys
    on_create: bool = True
    # False: shown read-only on the update form (immutable fields such as codes).
    on_update: bool = True

@dataclass
class FormResult:
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

Writer = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Service:
    """The domain service behind a resource, found by the pattern's names: `thing` =
    "department" means `create_department(actor, *, data)`, `update_department(actor, *,
    department_id, changes)`, `delete_department(actor, *, department_id)` (or
    `deactivate_<thing>` with `remove="deactivate"`: people are deactivated, never
    removed) and the row scope `visible_<things>(actor)`. A function the module lacks is
    an action the panel does not offer (read-only until a service exists), and a
    resource without the scope function sees no row at all."""

    module: Any
    thing: str
    things: str = ""
    remove: str = "delete"

    def function(self, name: str) -> Writer | None:
        return getattr(self.module, name, None)

    @property
    def creator(self) -> Writer | None:
        return self.function(f"create_{self.thing}")

    @property
    def updater(self) -> Writer | None:
        return self.function(f"update_{self.thing}")

    @property
    def remover(self) -> Writer | None:
        return self.function(f"{self.remove}_{self.thing}")

    def visible(self, actor: Actor) -> QuerySet:
        scope = getattr(self.module, f"visible_{self.things or self.thing + 's'}", None)
        if scope is None:
            raise LookupError(f"{self.module.__name__} has no visible_{self.things or self.thing + 's'}(actor)")
        return scope(actor)

    async def create(self, actor: Actor, data: BaseModel) -> Any:
        return await self.creator(actor, data=data)  # type: ignore[misc]

    async def update(self, actor: Actor, pk: int, changes: BaseModel) -> Any:
        return await self.updater(actor, **{f"{self.thing}_id": pk}, changes=changes)  # type: ignore[misc]

    async def delete(self, actor: Actor, pk: int) -> None:
        await self.remover(actor, **{f"{self.thing}_id": pk})  # type: ignore[misc]


@dataclass(frozen=True)
class RowAction:
    """A one-click service call on one row of a list (deactivate an account, end its
    sessions), offered in the row's menu to whoever may write the resource. `run` is
    `(actor, pk)`; `when` reads the row's `needs` values and says whether to offer it
    (Reactivate only on a deactivated account); `done` is shown once it succeeded."""

    name: str
    label: str
    run: Writer
    done: str
    icon: str = ""
    confirm: str | None = None
    danger: bool = False
    when: Callable[[dict[str, Any]], bool] | None = None
    needs: dict[str, str] = field(default_factory=dict)

    def offered(self, values: dict[str, Any]) -> bool:
        return self.when is None or bool(self.when(values))

class AdminResource(StockModelResource):
    model: ClassVar[type[TortoiseModel]]
    # The API's plural snake_case name of the rows: /admin/<url_name>/list.
    url_name: ClassVar[str]
    # Where the menu lists it (admin_views.registry sorts by it).
    menu_order: ClassVar[int] = 1000
    # Writes and the row scope (see Service); the schemas validate the forms' input.
    service: ClassVar[Service | None] = None
    # Who sees every row (normally the group's write permission: the panel is where a
    # resource is managed).
    read_permission: ClassVar[Permission]
    # Who may write through the panel; None keeps the resource read-only.
    write_permission: ClassVar[Permission | None] = None
    # The permission a faculty member needs to read the rows the service's scope gives them.
    faculty_read_permission: ClassVar[Permission | None] = None
    # The row named in titles ("New department", "Edit student #149").
    singular: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]] = ()
    list_filters: ClassVar[Sequence[ListFilter]] = ()
    # The list's one default order: a sortable column's name and "asc" or "desc"; the
    # list says it in words and marks the column.
    default_sort: ClassVar[tuple[str, str]] = ("id", "asc")
    # The order in words when the automatic ones ("A to Z", "newest first") do not fit.
    default_sort_words: ClassVar[str] = ""
    row_actions: ClassVar[Sequence[RowAction]] = ()
    form_fields: ClassVar[Sequence[FormField]] = ()
    create_schema: ClassVar[type[BaseModel] | None] = None
    update_schema: ClassVar[type[BaseModel] | None] = None
    export_name: ClassVar[str] = ""

    # --- access ---------------------------------------------------------------------------

    @classmethod
    def name(cls) -> str:
        return cls.url_name

    @classmethod
    def access(cls, actor: Actor) -> Access:
        if actor.can(cls.read_permission):
            if cls.write_permission is not None and actor.can(cls.write_permission):
                return Access.WRITE
            return Access.READ
        if (cls.faculty_read_permission is not None and actor.faculty_id is not None
                and actor.can(cls.faculty_read_permission)):
            return Access.SCOPED
        return Access.NONE

    @classmethod
    def supports(cls, action: Action) -> bool:
        """Whether the panel offers `action` at all (a service exists to do it)."""
        if action is Action.LIST:
            return True
        if action is Action.ROW_ACTION:
            return bool(cls.row_actions)
        if cls.service is None:
            return False
        if action is Action.CREATE:
            return cls.create_schema is not None and cls.service.creator is not None
        if action is Action.UPDATE:
            return cls.update_schema is not None and cls.service.updater is not None
        return cls.service.remover is not None

    @classmethod
    def allows(cls, actor: Actor, action: Action) -> bool:
        access = cls.access(actor)
        if access is Access.NONE:
            return False
        if action is Action.LIST:
            return True
        return access is Access.WRITE and cls.supports(action)

    # --- rows -----------------------------------------------------------------------------

    @classmethod
    def scope(cls, actor: Actor) -> QuerySet:
        """The rows `actor` may see: the service's own scope function, the one definition
        the API and jobs use too. Override only to join what the list shows."""
        if cls.service is None:
            return cls.model.filter(id__in=[])
        return cls.service.visible(actor)

    @classmethod
    async def base_queryset(cls, request: Request) -> QuerySet:
        """Every row the signed-in actor may see, before the list's own filters."""
        actor: Actor = request.state.admin.actor
        if cls.access(actor) is Access.NONE:
            return cls.model.filter(id__in=[])
        return cls.scope(actor)

    # --- writes, through the service as the signed-in actor --------------------------------

    @classmethod
    async def create(cls, actor: Actor, data: BaseModel) -> Any:
        return await cls.service.create(actor, data)  # type: ignore[union-attr]

    @classmethod
    async def update(cls, actor: Actor, pk: int, changes: BaseModel) -> Any:
        return await cls.service.update(actor, pk, changes)  # type: ignore[union-attr]

    @classmethod
    async def delete(cls, actor: Actor, pk: int) -> None:
        await cls.service.delete(actor, pk)  # type: ignore[union-attr]

    @classmethod
    async def resolve_query_params(cls, request: Request, values: dict, qs: QuerySet) -> tuple[dict, QuerySet]:
        """The hook fastapi-admin's list view calls: row scope first, then the filters.
        A bad filter value raises FieldError (shown above the list, never a 500)."""
        qs = await cls.base_queryset(request)
        params: dict[str, Any] = {}
        for list_filter in cls.list_filters:
            name = list_filter.context["name"]
            raw = values.get(name)
            if raw is None or raw == "":
                continue
            if has_control_characters(raw):
                # Here rather than in each filter's `parse`, so no filter can forget it.
                raise FieldError(f"{list_filter.context['label']}: {CONTROL_CHARACTERS_ERROR}")
            parsed = await list_filter.parse(request, raw)
            params[name] = raw
            qs = await list_filter.apply(request, parsed, qs)
        return params, qs

    @classmethod
    def sort_fields(cls) -> dict[str, str]:
        return {column.name: column.sort for column in cls.columns if column.sort}

    @classmethod
    def row_action(cls, name: str) -> RowAction | None:
        return next((action for action in cls.row_actions if action.name == name), None)

    @classmethod
    def sort_text(cls, column_name: str, order: str) -> str:
        """An order in words, as the list states it ("Sorted by name, A to Z")."""
        column = next(c for c in cls.columns if c.name == column_name)
        if cls.default_sort_words and (column_name, order) == tuple(cls.default_sort):
            words = cls.default_sort_words
        elif column_name == "id" or isinstance(column.display, _DATE_DISPLAYS):
            words = "newest first" if order == "desc" else "oldest first"
        else:
            words = "Z to A" if order == "desc" else "A to Z"
        return f"Sorted by {column.label.lower() if column_name != 'id' else 'ID'}, {words}"

    @classmethod
    def page_query(cls, qs: QuerySet) -> ValuesQuery[Literal[False]]:
        """`.values()` of every column, joins included, in one query."""
        plain: list[str] = []
        aliased: dict[str, str] = {}
        for column in cls.columns:
            if column.annotation is not None:
                qs = qs.annotate(**{column.name: column.annotation})
                plain.append(column.name)
            elif column.compute is None:
                if column.source == column.name:
                    plain.append(column.name)
                else:
                    aliased[column.name] = column.source
            for alias, source in column.needs.items():
                if alias == source:
                    plain.append(alias)
                else:
                    aliased[alias] = source
        for action in cls.row_actions:
            for alias, source in action.needs.items():
                if alias == source:
                    plain.append(alias)
                else:
                    aliased[alias] = source
        if "id" not in plain:
            plain.insert(0, "id")
        return qs.values(*dict.fromkeys(plain), **aliased)

    # --- forms ----------------------------------------------------------------------------

    @classmethod
    def fields_for(cls, action: Action) -> list[FormField]:
        if action is Action.CREATE:
            return [f for f in cls.form_fields if f.on_create]
        return list(cls.form_fields)

    @classmethod
    async def initial_values(cls, request: Request, obj: TortoiseModel) -> dict[str, Any]:
        """The form's values for an existing row (`obj` comes from the actor's scope)."""
        return {f.name: getattr(obj, f.name, None) for f in cls.form_fields}

    @classmethod
    async def parse_form(cls, request: Request, form: Any, action: Action) -> FormResult:
        result = FormResult()
        for form_field in cls.fields_for(action):
            if action is Action.UPDATE and not form_field.on_update:
                continue
            try:
                if isinstance(form_field.input, ManyForeignKeys):
                    value = await form_field.input.parse_values(request, form.getlist(form_field.name))
                else:
                    value = await form_field.input.parse_value(request, form.get(form_field.name))
            except FieldError as exc:
                result.errors[form_field.name] = str(exc)
                continue
            result.data[form_field.name] = value
        return result

    @classmethod
    async def prepare(cls, request: Request, data: dict[str, Any], action: Action) -> dict[str, Any]:
        """Parsed form values → the API schema's input (override to rename or look up)."""
        return data


class ChoicesOfVisibleRows(ForeignKeyFilter):
    """A foreign-key filter whose choices, for an actor who sees only some rows (faculty),
    are the values those rows hold: nothing outside their scope is listed or accepted.
    `options` is the scope of the option rows (`visible_departments`), `owner` the resource
    being filtered."""

    def __init__(self, model: type[TortoiseModel], *, name: str, label: str,
                 options: Callable[[Actor], QuerySet], owner: Callable[[], type[AdminResource]],
                 column: str | None = None, **kwargs: Any) -> None:
        column = column or name

        async def scope(request: Request) -> QuerySet:
            resource = owner()
            rows = options(request.state.admin.actor)
            if resource.access(request.state.admin.actor) is Access.SCOPED:
                visible = await resource.base_queryset(request)
                return rows.filter(id__in=Subquery(visible.values(column)))
            return rows

        super().__init__(model, name=name, label=label, scope=scope, **kwargs)
