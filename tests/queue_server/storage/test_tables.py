"""The store's UTC datetime column: what a group commit binds by itself for SQLite is what
SQLAlchemy's own conversions would write, so rows read back the same either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from queue_server.storage.tables import UTCDateTime

SQLITE = sqlite.dialect()
SQLALCHEMY_BINDS = UTCDateTime().dialect_impl(SQLITE).bind_processor(SQLITE)

zones = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(min_value=-14 * 60, max_value=14 * 60)
)


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones))
def test_a_datetime_is_written_as_sqlalchemy_writes_it(value: datetime) -> None:
    assert SQLALCHEMY_BINDS is not None
    assert UTCDateTime.sqlite_text(value) == SQLALCHEMY_BINDS(value)


def test_none_stays_none_and_a_naive_datetime_is_refused_as_before() -> None:
    assert UTCDateTime.sqlite_text(None) is None
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime.sqlite_text(datetime(2026, 12, 2, 8, 0))
    assert UTCDateTime.sqlite_text(datetime(2026, 12, 2, 8, 0, tzinfo=UTC)) == "2026-12-02 08:00:00.000000"
