"""Ticket numbers: a category's prefix and a counter that starts again every local day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def service_day(instant: datetime, timezone: ZoneInfo) -> date:
    """The hall's local calendar day of an instant: numbering resets at local midnight."""
    return instant.astimezone(timezone).date()


def format_number(prefix: str, counter: int, width: int) -> str:
    """A001; past 999 the number simply grows (A1000) rather than wrapping into a duplicate."""
    return f"{prefix}{counter:0{width}d}"
