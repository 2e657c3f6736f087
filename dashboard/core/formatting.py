"""Numbers and money as the settings' locale writes them (CURRENCY, LOCALE): en_IN groups
lakhs and crores (₹19,48,60,900.00), en_US thousands ($194,860,900.00)."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal

from dashboard.settings import get_settings


def money(value: Decimal | float | int | None) -> str:
    if value is None or value == "":
        return ""
    settings = get_settings()
    return format_currency(Decimal(str(value)), settings.currency, locale=settings.locale)


def number(value: float | int | str | None, *, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    locale = get_settings().locale
    # The locale's own grouping (#,##,##0 in en_IN) with exactly `decimals` places.
    grouping = Locale.parse(locale).decimal_formats[None].pattern.split(";")[0].split(".")[0]
    return format_decimal(value, format=grouping + ("." + "0" * decimals if decimals else ""), locale=locale)
