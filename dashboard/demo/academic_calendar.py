"""The demo university's calendar: one fixed "today", so a seed always yields the same data.

The academic year runs from July to June: the odd (monsoon) semester from August to
December, the even (winter) semester from January to May. The current term is the monsoon
semester of 2026-27: classes from TERM_START, a mid-semester examination week, holidays,
and end-semester examinations after TODAY. Every date the generator writes is derived from
these constants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The university's wall clock (India Standard Time); stored instants are converted to UTC.
IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")

TODAY = dt.date(2026, 11, 26)
# Label of the current academic year (July 2026 to June 2027); earlier years are derived by
# `academic_year(-n)`.
ACADEMIC_YEAR = "2026-27"

TERM_START = dt.date(2026, 8, 17)  # a Monday
TERM_END = dt.date(2026, 12, 18)
REGISTRATION_DATE = dt.date(2026, 8, 10)
MIDTERM_WEEK = (dt.date(2026, 10, 5), dt.date(2026, 10, 9))
FINAL_EXAMS = (dt.date(2026, 12, 1), dt.date(2026, 12, 18))
HOLIDAYS = frozenset(
    {
        dt.date(2026, 8, 15),  # Independence Day
        dt.date(2026, 8, 28),  # Raksha Bandhan
        dt.date(2026, 9, 14),  # Ganesh Chaturthi
        dt.date(2026, 10, 2),  # Gandhi Jayanti
        dt.date(2026, 10, 20),  # Dussehra
        dt.date(2026, 11, 9),  # Diwali
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 24),  # Guru Nanak Jayanti
    }
)

# Fee due dates of the previous, current and next semester.
PREVIOUS_FEE_DUE = dt.date(2026, 1, 16)
CURRENT_FEE_DUE = dt.date(2026, 8, 14)
NEXT_FEE_DUE = dt.date(2027, 1, 15)


def academic_year(offset: int = 0) -> str:
    """The label `offset` years from ACADEMIC_YEAR ("2026-27", -1 → "2025-26")."""
    start = int(ACADEMIC_YEAR[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


def academic_year_of(day: dt.date) -> str:
    """The academic year a date falls in (years start in July)."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@dataclass(frozen=True, slots=True)
class Term:
    """One semester of the calendar: `back` terms before the current one (-1 is the next)."""

    back: int
    academic_year: str
    start: dt.date
    end: dt.date
    fee_due: dt.date
    results_published: dt.date

    @property
    def is_monsoon(self) -> bool:
        return self.start.month >= 7


def _first_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def term(back: int) -> Term:
    """The semester `back` terms before the current one: 0 is the current term, 1 the winter
    semester before it, 2 last year's monsoon semester, and so on; -1 is the next term."""
    if back == 0:
        return Term(0, ACADEMIC_YEAR, TERM_START, TERM_END, CURRENT_FEE_DUE,
                    dt.date(TERM_START.year + 1, 1, 12))
    if back == -1:
        return Term(-1, ACADEMIC_YEAR, _first_monday(dt.date(TERM_START.year + 1, 1, 4)),
                    dt.date(TERM_START.year + 1, 5, 14), NEXT_FEE_DUE,
                    dt.date(TERM_START.year + 1, 6, 12))
    if back < 0:
        raise ValueError("only the next term is planned ahead")
    if back % 2:  # a winter semester, January to May
        year = TERM_START.year - (back - 1) // 2
        start = _first_monday(dt.date(year, 1, 4))
        end, due, published = dt.date(year, 5, 14), dt.date(year, 1, 16), dt.date(year, 6, 12)
    else:  # a monsoon semester, August to December
        year = TERM_START.year - back // 2
        start = _first_monday(dt.date(year, 8, 14))
        end, due, published = dt.date(year, 12, 18), dt.date(year, 8, 14), dt.date(year + 1, 1, 12)
    return Term(back, academic_year_of(start), start, end, due, published)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time on `day` at the university."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


def is_teaching_day(day: dt.date) -> bool:
    return (
        day.weekday() < 5
        and day not in HOLIDAYS
        and not (MIDTERM_WEEK[0] <= day <= MIDTERM_WEEK[1])
    )


def teaching_days() -> list[dt.date]:
    """Every class day of the term before TODAY (attendance is marked up to yesterday)."""
    days = []
    day = TERM_START
    while day < TODAY:
        if is_teaching_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def working_day(day: dt.date) -> dt.date:
    """`day`, or the next weekday that is not a holiday."""
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += dt.timedelta(days=1)
    return day
