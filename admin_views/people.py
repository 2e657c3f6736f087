"""What the people screens (students, faculty, staff, parents, users) share: a person's
account fields beside the profile's on one form, their name in lists, and search by what
a member of staff types (a name or an email). Not a screen itself: no RESOURCES."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from admin_views import widgets as w
from admin_views.base import Action, AdminResource, FormField
from models.enums import UserType

# The account fields a person is found by: what a member of staff types is a name or an email.
PERSON_SEARCH_FIELDS = ("user__first_name", "user__last_name", "user__email")
NAME_NEEDS = {"first_name": "user__first_name", "last_name": "user__last_name"}
_ACCOUNT_SHOWN = ("first_name", "middle_name", "last_name", "email", "user_name", "phone", "gender", "date_of_birth",
                  "user_type")


def full_name(row: dict[str, Any]) -> str:
    return f"{row['first_name']} {row['last_name']}"


def person_label(row: Any) -> str:
    """A faculty member in a dropdown (the scope selects the user with the row)."""
    user = row.user
    return f"{user.first_name} {user.last_name} ({row.employee_id})"


def account_fields(*, user_type: bool = False) -> list[FormField]:
    fields = [
        FormField("first_name", "First name", w.TextInput()),
        FormField("last_name", "Last name", w.TextInput()),
        FormField("email", "Email", w.EmailInput()),
        FormField("user_name", "User name", w.TextInput(), on_update=False),
        FormField("password", "Password", w.PasswordInput(help_text="At least 8 characters")),
        FormField("phone", "Phone", w.TextInput(null=True)),
    ]
    if user_type:
        fields.insert(0, FormField("user_type", "Account type",
                                   w.EnumSelect(UserType, only=(UserType.STAFF, UserType.ADMIN))))
    return fields


class PersonResource(AdminResource):
    """A profile row (student, faculty member, staff member) edited together with its
    user account on one form."""

    @classmethod
    def fields_for(cls, action: Action) -> list[FormField]:
        # A password is set at creation; afterwards it is the person's own (or a reset).
        fields = super().fields_for(action)
        return fields if action is Action.CREATE else [f for f in fields if f.name != "password"]

    @classmethod
    async def initial_values(cls, request: Request, obj: Any) -> dict[str, Any]:
        values = await super().initial_values(request, obj)
        # The row came from the scope; its account is fetched as its relation.
        user = await obj.user
        for name in _ACCOUNT_SHOWN:
            values[name] = getattr(user, name)
        return values
