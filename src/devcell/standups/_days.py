"""Local days: which calendar day "today" is for a user, and the next working day after it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devcell.core.db import utcnow

# The clock the slice reads. A module attribute (not a call to datetime.now in place) so tests can stand the
# appliance a minute before midnight without waiting for it.
clock: Callable[[], datetime] = utcnow

SATURDAY = 5


def zone_for(user_zone: str, appliance_zone: str) -> ZoneInfo:
    """The user's time zone, else the appliance's, else UTC (a zone removed from tzdata must not break standups)."""
    for name in (user_zone, appliance_zone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_today(zone: ZoneInfo) -> date:
    """The calendar day it is now where the user lives (never the server's or UTC's day)."""
    return clock().astimezone(zone).date()


def next_working_day(day: date) -> date:
    """The next Monday-Friday after `day`: Friday, Saturday and Sunday all lead to Monday."""
    following = day + timedelta(days=1)
    while following.weekday() >= SATURDAY:
        following += timedelta(days=1)
    return following


def day_start_utc(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day begins, for comparing with stored UTC timestamps."""
    return datetime(day.year, day.month, day.day, tzinfo=zone)
