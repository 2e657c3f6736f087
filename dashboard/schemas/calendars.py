"""Response bodies of /calendars (calendar feeds)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from dashboard.schemas.base import OutputModel


class CalendarFeedOut(OutputModel):
    url: str = Field(description="The feed's address, secret included: subscribe to it in a calendar app "
                     "(webcal:// works too). Anyone holding it can read the timetable; rotate it if it leaked.")
    created_at: dt.datetime = Field(description="Since when this address works")
