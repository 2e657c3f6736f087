"""The demo university's calendar: one fixed "today", so a seed always yields the same data.

The current term is the odd (monsoon) semester: classes from TERM_START, a mid-semester
examination week, holidays, and end-semester examinations after TODAY. Every date the
generator writes is derived from these constants.
"""

from __future__ import annotations

import datetime as dt

# The university's wall clock (India Standard Time); stored instants are converted to UTC.
IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")

TODAY = dt.date(2026, 11, 26)
# Labels of the current academic year; earlier years are derived by `academic_year(-n)`.
ACADEMIC_YEAR = "2025-26"

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
    """The label `offset` years from ACADEMIC_YEAR ("2025-26", -1 → "2024-25")."""
    start = int(ACADEMIC_YEAR[:4]) + offset
    return f"{start}-{(start + 1) % 100:02d}"


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
