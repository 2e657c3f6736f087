"""Request fields shared by the students and faculty APIs (both create a user account)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import Query
from pydantic import Field, PlainSerializer

from dashboard.schemas.base import InputModel
from models.enums import Gender

MAX_INT = 2**31 - 1
# Ids in query strings and bodies: PostgreSQL integers, so larger values are a 422 rather
# than a database error.
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_INT)]
RefId = Annotated[int, Field(ge=1, le=MAX_INT)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")]
Phone = Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[0-9+() -]+$")]
UserName = Annotated[str, Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
Password = Annotated[str, Field(min_length=8, max_length=128)]
Short = Annotated[str, Field(max_length=100)]
# Wire format (notes §3.5): money as a string with two decimals, marks and GPAs as numbers.
Money = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]
Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]


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


PHOTO_RESPONSES = {
    200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}, "description": "The photo"},
}
