"""fastapi-admin widgets made safe for this panel.

Stock widgets insert raw values into the page (a department named `<script>` would
run), turn a bad form or filter value into a 500 (`int("")`, `Enum("bogus")`, a NUL that
PostgreSQL refuses, an id past the int4 columns), list every row of a model in a
foreign-key dropdown and accept any posted id. These subclasses
escape what they show, parse input into a `FieldError` the form can display, and take
their options from a queryset scoped to the signed-in actor, which also bounds the
values a form or filter accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from tortoise.expressions import Q
from tortoise.models import Model as TortoiseModel
from tortoise.queryset import QuerySet

import admin_views.compat  # noqa: F401  (before fastapi_admin)

# isort: split
from fastapi_admin.widgets import displays, filters, inputs

from admin_views.formatting import money
from admin_views.labels import enum_choices, enum_label

# A queryset of the rows the signed-in actor may pick.
Scope = Callable[[Request], Awaitable[QuerySet]]

class FieldError(ValueError):
    """A form or filter value that cannot be used; the message is shown beside the field."""

# C0 control characters but tab, line feed and carriage return. PostgreSQL text cannot hold
# a NUL (asyncpg refuses the query, a 500), and none of the others belongs in anything typed
# into a form or a filter.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS_ERROR = "Remove the control characters (such as NUL) from this value"
# The empty choice of an optional dropdown, worded so that it reads as a decision.
NO_CHOICE = "— None —"

def has_control_characters(value: str) -> bool:
    return _CONTROL_CHARACTERS.search(value) is not None

def check_text(value: str) -> str:
    if has_control_characters(value):
        raise FieldError(CONTROL_CHARACTERS_ERROR)
    return value

# Primary keys are int4 columns; a larger number is an error in PostgreSQL, not a miss.
_MAX_PK = 2**31 - 1

def parse_pk(value: Any) -> int | None:
    """A posted row id, or None when it cannot be the id of any row."""
    try:
        pk = int(str(value))
    except ValueError:
        return None
    return pk if 1 <= pk <= _MAX_PK else None

def _render(widget: Any, **context: Any) -> Markup:
    # A local context, never `widget.context.update(...)`: widget instances are shared by
    # every request, and the stock pattern leaks one request's options into another.
    # The widget templates autoescape what they insert, so their output is markup.
    html = widget.templates.get_template(widget.template).render(**{**widget.context, **context})
    return Markup(html)  # noqa: S704

# --- displays (list cells) ------------------------------------------------------------------

class Text(displays.Display):
    async def render(self, request: Request, value: Any) -> Markup:
        return escape("" if value is None else value)

class EnumLabel(displays.Display):
    async def render(self, request: Request, value: Any) -> Markup:
        return escape(enum_label(value))

class YesNo(displays.Display):
    template = "widgets/displays/boolean.html"

    async def render(self, request: Request, value: Any) -> Markup:
        return _render(self, value=value)

class DateTime(displays.Display):
    def __init__(self, date_only: bool = False) -> None:
        super().__init__()
        self.date_only = date_only

    async def render(self, request: Request, value: Any) -> Markup:
        return escape(format_datetime(value, date_only=self.date_only))

class Money(displays.Display):
    """An amount in the settings' currency and locale (₹19,48,60,900.00 for INR in en_IN)."""

    async def render(self, request: Request, value: Any) -> Markup:
        return escape(money(value))

def format_datetime(value: Any, *, date_only: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d") if date_only else value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

# --- inputs (create/update forms) -----------------------------------------------------------

class FormInput(inputs.Input):
    """A form control that parses its own value: "" is None (NULL for an optional field)."""

    template = "widgets/inputs/input.html"
    input_type = "text"

    def __init__(self, *, null: bool = False, help_text: str | None = None, **context: Any) -> None:
        super().__init__(null=null, help_text=help_text, input_type=self.input_type, **context)

    async def parse_value(self, request: Request, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        if not isinstance(value, str):
            raise FieldError("Enter text")
        return check_text(value.strip())

    def display_value(self, value: Any) -> Any:
        return "" if value is None else value

    async def render_field(self, request: Request, *, name: str, label: str, value: Any,
                           error: str | None, disabled: bool) -> Markup:
        return _render(self, name=name, label=label, value=self.display_value(value), error=error,
                       disabled=disabled or self.context.get("disabled", False))

class TextInput(FormInput):
    pass

class EmailInput(FormInput):
    input_type = "email"

class PasswordInput(FormInput):
    input_type = "password"

    async def parse_value(self, request: Request, value: Any) -> str | None:
        # Passwords are taken as typed: surrounding spaces are part of them.
        return check_text(value) if isinstance(value, str) and value != "" else None

    def display_value(self, value: Any) -> Any:
        return ""

class TextArea(FormInput):
    template = "widgets/inputs/textarea.html"

class DateInput(FormInput):
    input_type = "date"

    async def parse_value(self, request: Request, value: Any) -> dt.date | None:
        text = await super().parse_value(request, value)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise FieldError("Enter a date as YYYY-MM-DD") from exc

    def display_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else super().display_value(value)

class IntegerInput(FormInput):
    input_type = "number"

    async def parse_value(self, request: Request, value: Any) -> int | None:
        text = await super().parse_value(request, value)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError as exc:
            raise FieldError("Enter a whole number") from exc
        if not -(2**31) <= number < 2**31:
            raise FieldError("Enter a smaller number")
        return number

class DecimalInput(FormInput):
    input_type = "text"

    async def parse_value(self, request: Request, value: Any) -> Decimal | None:
        text = await super().parse_value(request, value)
        if text is None:
            return None
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise FieldError("Enter a number") from exc

class Switch(FormInput):
    template = "widgets/inputs/switch.html"

    async def parse_value(self, request: Request, value: Any) -> bool:
        # An unticked checkbox is absent from the form.
        return value in ("on", "true", "1")

class EnumSelect(FormInput):
    template = "widgets/inputs/select.html"

    def __init__(self, enum: type[Enum], *, null: bool = False, help_text: str | None = None,
                 only: tuple[Enum, ...] | None = None) -> None:
        super().__init__(null=null, help_text=help_text)
        self.enum = enum
        # A subset of the members, when the schema accepts only some (staff accounts).
        self.only = only

    async def parse_value(self, request: Request, value: Any) -> Enum | None:
        text = await super().parse_value(request, value)
        if text is None:
            return None
        try:
            member = self.enum(text)
        except ValueError as exc:
            raise FieldError("Select a valid choice") from exc
        if self.only is not None and member not in self.only:
            raise FieldError("Select a valid choice")
        return member

    async def render_field(self, request: Request, *, name: str, label: str, value: Any,
                           error: str | None, disabled: bool) -> Markup:
        options = [(label_, v) for label_, v in enum_choices(self.enum)
                   if self.only is None or self.enum(v) in self.only]
        if self.context.get("null"):
            options = [(NO_CHOICE, ""), *options]
        current = value.value if isinstance(value, Enum) else ("" if value is None else str(value))
        return _render(self, name=name, label=label, value=current, options=options, error=error,
                       disabled=disabled)

def _option_label(row: TortoiseModel) -> str:
    return str(row)

class ForeignKey(inputs.ForeignKey):
    """A foreign-key dropdown whose options, and the values it accepts, are the rows of
    `scope(request)`: an id outside it is refused as if it did not exist."""

    template = "widgets/inputs/select.html"

    def __init__(self, model: type[TortoiseModel], *, scope: Scope | None = None, null: bool = False,
                 label: Callable[[TortoiseModel], str] = _option_label, help_text: str | None = None,
                 limit: int = 1000) -> None:
        super().__init__(model, null=null, help_text=help_text)
        self.scope = scope
        self.label = label
        self.limit = limit

    async def get_queryset(self, request: Request | None = None) -> QuerySet:
        if self.scope is not None and request is not None:
            return await self.scope(request)
        return self.model.none()  # no scope, no choice: a dropdown never lists a whole table by default

    async def get_options(self, request: Request | None = None) -> list[tuple[str, Any]]:
        rows = await (await self.get_queryset(request)).order_by("id").limit(self.limit)
        options = [(self.label(row), row.pk) for row in rows]
        if self.context.get("null"):
            options = [(NO_CHOICE, ""), *options]
        return options

    async def parse_value(self, request: Request, value: Any) -> int | None:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if self.context.get("null"):
                return None
            raise FieldError("This field is required")
        pk = parse_pk(value)
        if pk is None or not await (await self.get_queryset(request)).filter(pk=pk).exists():
            raise FieldError("Select a valid choice")
        return pk

    async def render_field(self, request: Request, *, name: str, label: str, value: Any,
                           error: str | None, disabled: bool) -> Markup:
        options = await self.get_options(request)
        current = "" if value is None else value
        if current != "" and all(pk != current for _, pk in options):
            # Keep the stored value visible even when it is past the option limit.
            row = await (await self.get_queryset(request)).get_or_none(pk=current)
            if row is not None:
                options.append((self.label(row), row.pk))
        return _render(self, name=name, label=label, value=current, options=options, error=error,
                       disabled=disabled)

class ManyForeignKeys(ForeignKey):
    """A multiple select of ids, each checked like a ForeignKey."""

    template = "widgets/inputs/many_to_many.html"

    def __init__(self, model: type[TortoiseModel], **kwargs: Any) -> None:
        super().__init__(model, null=True, **kwargs)

    async def parse_values(self, request: Request, values: list[Any]) -> list[int]:
        ids: list[int] = []
        for value in values:
            if value is None or str(value).strip() == "":
                continue
            pk = parse_pk(value)
            if pk is None:
                raise FieldError("Select valid choices")
            ids.append(pk)
        ids = sorted(set(ids))
        if ids:
            found = await (await self.get_queryset(request)).filter(pk__in=ids).count()
            if found != len(ids):
                raise FieldError("Select valid choices")
        return ids

    async def render_field(self, request: Request, *, name: str, label: str, value: Any,
                           error: str | None, disabled: bool) -> Markup:
        options = [(label_, pk) for label_, pk in await self.get_options(request) if pk != ""]
        selected = set(value or [])
        return _render(self, name=name, label=label, options=options, selected=selected, error=error,
                       disabled=disabled)

# --- filters (list toolbar) -----------------------------------------------------------------

class ListFilter(filters.Filter):
    """A list filter; `apply` narrows the queryset, `parse` raises FieldError on bad input.
    `AdminResource.resolve_query_params` refuses control characters before any `parse`."""

    template = "widgets/filters/search.html"

    async def parse(self, request: Request, value: str) -> Any:
        return value

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        return qs.filter(**{self.context["name"]: value})

    async def render_filter(self, request: Request, value: str | None) -> Markup:
        return _render(self, value="" if value is None else value)

MAX_SEARCH_WORDS = 5


def search_words(value: str) -> list[str]:
    """What a person types, as the words each row must match ("Asha Rao", "CS 101")."""
    return value.split()[:MAX_SEARCH_WORDS]


class SearchFilter(ListFilter):
    """`search`: every typed word is a case-insensitive substring of one of `fields`, so a
    full name matches across first and last name, and a code and a word of the name
    narrow together."""

    def __init__(self, fields: tuple[str, ...], *, label: str = "Search", placeholder: str = "",
                 name: str = "search") -> None:
        super().__init__(name=name, label=label, placeholder=placeholder)
        self.fields = fields

    async def parse(self, request: Request, value: str) -> str:
        value = check_text(value.strip())
        if len(value) > 100:
            raise FieldError("Search text is too long")
        return value

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        for word in search_words(value):
            condition = Q()
            for field in self.fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs

class SelectFilter(ListFilter):
    template = "widgets/filters/select.html"

    async def options(self, request: Request) -> list[tuple[str, Any]]:
        raise NotImplementedError

    async def render_filter(self, request: Request, value: str | None) -> Markup:
        options = [("All", ""), *[(label, str(v)) for label, v in await self.options(request)]]
        return _render(self, value="" if value is None else str(value), options=options)

class EnumFilter(SelectFilter):
    def __init__(self, enum: type[Enum], *, name: str, label: str, field: str | None = None) -> None:
        super().__init__(name=name, label=label)
        self.enum = enum
        self.field = field or name

    async def options(self, request: Request) -> list[tuple[str, Any]]:
        return enum_choices(self.enum)

    async def parse(self, request: Request, value: str) -> Enum:
        try:
            return self.enum(value)
        except ValueError as exc:
            raise FieldError(f"Unknown {self.context['label'].lower()}") from exc

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        return qs.filter(**{self.field: value})

class BooleanFilter(SelectFilter):
    def __init__(self, *, name: str, label: str, field: str | None = None) -> None:
        super().__init__(name=name, label=label)
        self.field = field or name

    async def options(self, request: Request) -> list[tuple[str, Any]]:
        return [("Yes", "true"), ("No", "false")]

    async def parse(self, request: Request, value: str) -> bool:
        if value.lower() in ("true", "1", "yes"):
            return True
        if value.lower() in ("false", "0", "no"):
            return False
        raise FieldError(f"{self.context['label']} must be yes or no")

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        return qs.filter(**{self.field: value})

class IntegerFilter(ListFilter):
    def __init__(self, *, name: str, label: str, field: str | None = None) -> None:
        super().__init__(name=name, label=label, placeholder="any")
        self.field = field or name

    async def parse(self, request: Request, value: str) -> int:
        try:
            number = int(value)
        except ValueError as exc:
            raise FieldError(f"{self.context['label']} must be a whole number") from exc
        if not -(2**31) <= number < 2**31:
            raise FieldError(f"{self.context['label']} is out of range")
        return number

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        return qs.filter(**{self.field: value})

class ForeignKeyFilter(SelectFilter):
    """Options are the rows of `scope(request)`; a value outside it is refused."""

    def __init__(self, model: type[TortoiseModel], *, name: str, label: str, scope: Scope,
                 field: str | None = None, option_label: Callable[[TortoiseModel], str] = _option_label,
                 apply: Callable[[QuerySet, int], QuerySet] | None = None) -> None:
        super().__init__(name=name, label=label)
        self.model = model
        self.scope = scope
        self.field = field or name
        self.option_label = option_label
        self.custom_apply = apply

    async def options(self, request: Request) -> list[tuple[str, Any]]:
        rows = await (await self.scope(request)).order_by("id").limit(1000)
        return [(self.option_label(row), row.pk) for row in rows]

    async def parse(self, request: Request, value: str) -> int:
        pk = parse_pk(value)
        if pk is None or not await (await self.scope(request)).filter(pk=pk).exists():
            raise FieldError(f"Unknown {self.context['label'].lower()}")
        return pk

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        if self.custom_apply is not None:
            return self.custom_apply(qs, value)
        return qs.filter(**{self.field: value})

class ChoiceFilter(SelectFilter):
    """A fixed set of (label, value) choices."""

    def __init__(self, *, name: str, label: str, choices: list[tuple[str, str]], field: str | None = None) -> None:
        super().__init__(name=name, label=label)
        self.choices = choices
        self.field = field or name

    async def options(self, request: Request) -> list[tuple[str, Any]]:
        return self.choices

    async def parse(self, request: Request, value: str) -> str:
        if value not in {v for _, v in self.choices}:
            raise FieldError(f"Unknown {self.context['label'].lower()}")
        return value

    async def apply(self, request: Request, value: Any, qs: QuerySet) -> QuerySet:
        return qs.filter(**{self.field: value})

STUDENTS_URL_NAME = "students"


class RosterLink(displays.Display):
    """The students registered in an offering: the students list filtered by it."""

    async def render(self, request: Request, value: Any) -> Markup:
        url = f"{request.app.admin_path}/{STUDENTS_URL_NAME}/list?offering={int(value)}"
        return Markup('<a href="{}">Students</a>').format(url)

class Changes(displays.Display):
    """An audit row's before → after, one changed field per line."""

    async def render(self, request: Request, value: Any) -> Markup:
        before, after = value if isinstance(value, tuple) else (None, None)
        before, after = before or {}, after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return escape("")
        lines = []
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if key in before and key in after:
                lines.append(Markup("<div><code>{}</code>: {} → {}</div>").format(key, _short(old), _short(new)))
            elif key in after:
                lines.append(Markup("<div><code>{}</code>: {}</div>").format(key, _short(new)))
            else:
                lines.append(Markup("<div><code>{}</code>: <s>{}</s></div>").format(key, _short(old)))
            if len(lines) == 8:
                lines.append(Markup("<div>…</div>"))
                break
        return Markup("").join(lines)

def _short(value: Any) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
