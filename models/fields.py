"""Field types the stock Tortoise fields do not provide."""

import datetime
from typing import Any

from tortoise import fields


class WallClockTimeField(fields.TimeField):
    """A time of day on the university's wall clock (``TIME`` without time zone).

    Tortoise's ``TimeField`` is ``TIMETZ`` on PostgreSQL and, with ``use_tz``, warns on
    naive values and returns times tagged UTC. A timetable slot at 09:00 is 09:00 local
    time all year, not an instant, so it is stored and returned naive.
    """

    skip_to_python_if_native = True

    class _db_postgres:  # noqa: N801 - Tortoise looks this class up by name
        SQL_TYPE = "TIME"

    def to_python_value(self, value: Any) -> datetime.time | None:
        if isinstance(value, str):
            value = datetime.time.fromisoformat(value)
        if isinstance(value, datetime.time) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value

    def to_db_value(self, value: Any, instance: Any) -> datetime.time | None:
        value = self.to_python_value(value)
        self.validate(value)
        return value
