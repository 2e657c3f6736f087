"""Readable labels for stored enum values ("parttime" → "Part-time")."""

from __future__ import annotations

from enum import Enum

# Values whose label is not their capitalised words.
_SPECIAL = {
    "parttime": "Part-time",
    "phd": "PhD",
    "obc": "OBC",
    "sc": "SC",
    "st": "ST",
    "ews": "EWS",
    "upi": "UPI",
    "id_card": "ID card",
    "super_admin": "Super admin",
}


def enum_label(value: object) -> str:
    if value is None or value == "":
        return ""
    raw = value.value if isinstance(value, Enum) else str(value)
    return _SPECIAL.get(raw, raw.replace("_", " ").capitalize())


def enum_choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """(label, value) pairs, the shape fastapi-admin's select widgets render."""
    return [(enum_label(member), member.value) for member in enum]
