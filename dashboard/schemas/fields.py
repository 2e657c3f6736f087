"""Field types the domains' schemas share: ids, codes, names, contact details, passwords,
and the wire formats of notes §3.5 (money as a 2-decimal string, marks and GPAs as numbers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, EmailStr, Field, PlainSerializer, StringConstraints

from dashboard.core.security import password_fits_bcrypt

MAX_INT = 2**31 - 1
# Ids in bodies: PostgreSQL integers, so larger values are a 422 rather than a database error.
RefId = Annotated[int, Field(ge=1, le=MAX_INT)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")]
Phone = Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[0-9+() -]+$")]
UserName = Annotated[str, Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
Password = Annotated[str, Field(min_length=8, max_length=128)]
Email = Annotated[EmailStr, Field(max_length=255)]
Short = Annotated[str, Field(max_length=100)]
Money = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]
Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]


def _fits_bcrypt(password: str) -> str:
    if not password_fits_bcrypt(password):
        raise ValueError("Password must be at most 72 bytes (UTF-8)")
    return password


# Passwords are taken exactly as typed: no whitespace stripping.
NewPassword = Annotated[
    str, StringConstraints(strip_whitespace=False, min_length=8), AfterValidator(_fits_bcrypt)
]


def ref_id(description: str) -> Any:
    """The Field of a reference in a body: a PostgreSQL integer id, described by whose
    id it is (issue 10: every `*_id` says so). `Annotated[int | None, ref_id(...)]` for
    an optional one keeps the description on the field itself."""
    return Field(ge=1, le=MAX_INT, description=description)
