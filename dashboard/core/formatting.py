"""Numbers and money as the settings' locale writes them (CURRENCY, LOCALE): en_IN groups
lakhs and crores (₹19,48,60,900.00), en_US thousands ($194,860,900.00)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_currency, format_decimal, parse_pattern

from dashboard.settings import get_settings


# Parsing a locale and a number pattern costs more than formatting with them, and a page
# formats hundreds of figures: both are parsed once per locale.
@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _number_pattern(locale: str, decimals: int) -> NumberPattern:
    # The locale's own grouping (#,##,##0 in en_IN) with exactly `decimals` places.
    grouping = _locale(locale).decimal_formats[None].pattern.split(";")[0].split(".")[0]
    return parse_pattern(grouping + ("." + "0" * decimals if decimals else ""))


def money(value: Decimal | float | int | None) -> str:
    if value is None or value == "":
        return ""
    settings = get_settings()
    return format_currency(Decimal(str(value)), settings.currency, locale=_locale(settings.locale))


def number(value: float | int | str | None, *, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    locale = get_settings().locale
    return format_decimal(value, format=_number_pattern(locale, decimals), locale=_locale(locale))
