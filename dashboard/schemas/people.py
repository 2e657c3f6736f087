"""What the bodies of people (students, faculty, staff) share: their account's fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field

from dashboard.schemas.base import InputModel
from dashboard.schemas.fields import Name, Phone, Short
from models.enums import Gender


class ContactFields(InputModel):
    """The optional account fields of a person."""

    middle_name: Name | None = None
    date_of_birth: dt.date | None = None
    gender: Gender | None = None
    phone: Phone | None = None
    emergency_contact: Short | None = None
    address: Annotated[str, Field(max_length=255)] | None = None
    city: Short | None = None
    state: Short | None = None
    country: Short | None = None
    postal_code: Annotated[str, Field(max_length=20)] | None = None


# The fields of a person's body that belong to their user account, not their profile row.
ACCOUNT_FIELDS = frozenset({
    "user_type", "email", "user_name", "password", "first_name", "middle_name", "last_name",
    *ContactFields.model_fields,
})


def split_account(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the user account's fields, the profile's)."""
    account = {k: v for k, v in fields.items() if k in ACCOUNT_FIELDS}
    return account, {k: v for k, v in fields.items() if k not in ACCOUNT_FIELDS}
