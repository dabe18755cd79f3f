"""Importer for the "Anonymous Bank" call-centre month (Technion SEE data, February 1999).

Source: Avi Mandelbaum's "Anonymous Bank" data (Technion Service Enterprise Engineering lab),
copy from the public repository mtpa/mtpa, `MTPA_Chapter_6/` (see the data README).
The file is read as if it were a hall's ledger:

* arrival (`issued_at`) = `q_start` when the call queued, else `vru_exit`;
* wait = `q_time`, so `called_at = issued_at + q_time`;
* handling = `ser_exit − ser_start`; `started_at = max(ser_start, called_at)` and
  `finished_at = started_at + handling` — the 1-second clock skew between `ser_start` and
  `vru_exit`/`q_exit` is absorbed without changing the recorded wait or handling time;
* window = clerk = `server`; category = `type`; priority 0/1 → "regular", 2 → "priority";
* `AGENT` → served; `HANG` with a `q_start` → abandoned (left the queue at `q_exit`, stored as
  `finished_at`); `HANG` without `q_start` hung up in the voice menu and never took a ticket,
  `PHANTOM` calls are not visits — both are skipped and counted;
* `AGENT` rows with server `NO_SERVER` (very short handling) are kept as served with no window
  by default (`no_server="keep"`), or dropped with `no_server="skip"`;
* negative `vru_time` rows (vru_exit before vru_entry) are kept — arrival uses vru_exit/q_start;
* times are `H:MM:SS` of the row's date; a time more than an hour before `vru_entry` belongs to
  the next day (a call crossing midnight); `0:00:00` means "did not happen".

Times are local wall-clock times of a configurable time zone and are returned in UTC.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from .model import HallCalendar, VisitRecord

EXPECTED_COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
_ZERO = "0:00:00"


@dataclass(frozen=True)
class BankImport:
    """Records and the bookkeeping of what was read, skipped or repaired."""

    records: tuple[VisitRecord, ...]
    rows_read: int
    days: tuple[date, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    quirks: dict[str, int] = field(default_factory=dict)


def bank_calendar(tz: str = "Asia/Jerusalem") -> HallCalendar:
    """Opening hours read off the data: Sunday–Thursday 7:00–24:00, Friday 7:00–14:00,
    Saturday evening 19:00–24:00 (after the Sabbath)."""
    week = ((time(7, 0), time(0, 0)),)
    return HallCalendar(
        tz=tz,
        hours={
            6: week,
            0: week,
            1: week,
            2: week,
            3: week,
            4: ((time(7, 0), time(14, 0)),),
            5: ((time(19, 0), time(0, 0)),),
        },
    )


def _seconds(text: str) -> int:
    h, m, s = (int(part) for part in text.split(":"))
    return h * 3600 + m * 60 + s


def _parse_date(text: str) -> date:
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    return date(1900 + yy if yy >= 50 else 2000 + yy, mm, dd)


def load_bank_records(
    path: str | Path,
    *,
    tz: str = "Asia/Jerusalem",
    hall: str = "anonymous-bank",
    no_server: Literal["keep", "skip"] = "keep",
) -> BankImport:
    """Read the tab-separated Anonymous Bank file into `VisitRecord`s (UTC datetimes)."""
    zone = ZoneInfo(tz)
    skipped: Counter[str] = Counter()
    quirks: Counter[str] = Counter()
    records: list[VisitRecord] = []
    days: set[date] = set()
    rows = 0
    with open(path, newline="", encoding="ascii") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != EXPECTED_COLUMNS:
            raise ValueError(f"unexpected columns: {reader.fieldnames}")
        for row in reader:
            rows += 1
            day = _parse_date(row["date"])
            days.add(day)
            midnight = datetime.combine(day, time(0, 0))
            entry = _seconds(row["vru_entry"])

            def at(text: str, *, _entry: int = entry, _midnight: datetime = midnight) -> datetime:
                secs = _seconds(text)
                if secs < _entry - 3600:
                    secs += 86400
                    quirks["after_midnight"] += 1
                return (_midnight + timedelta(seconds=secs)).replace(tzinfo=zone).astimezone(UTC)

            if int(row["vru_time"]) < 0:
                quirks["negative_vru_time"] += 1
            outcome = row["outcome"]
            queued = row["q_start"] != _ZERO
            if outcome == "PHANTOM":
                skipped["phantom"] += 1
                continue
            if outcome == "HANG" and not queued:
                skipped["hang_in_vru"] += 1
                continue
            server = row["server"]
            if outcome == "AGENT" and server == "NO_SERVER":
                quirks["no_server"] += 1
                if no_server == "skip":
                    skipped["no_server"] += 1
                    continue
            issued = at(row["q_start"] if queued else row["vru_exit"])
            priority = "priority" if row["priority"] == "2" else "regular"
            window = None if server == "NO_SERVER" else server
            if outcome == "HANG":
                left = at(row["q_exit"]) if row["q_exit"] != _ZERO else None
                if left is not None and left < issued:
                    left = issued
                records.append(
                    VisitRecord(
                        hall=hall,
                        category=row["type"],
                        window=None,
                        clerk=None,
                        issued_at=issued,
                        called_at=None,
                        started_at=None,
                        finished_at=left,
                        outcome="abandoned",
                        priority=priority,
                        ticket=row["call_id"],
                    )
                )
                continue
            if outcome != "AGENT":
                skipped[f"outcome_{outcome.lower()}"] += 1
                continue
            called = issued + timedelta(seconds=max(0, int(row["q_time"])))
            ser_start, ser_exit = at(row["ser_start"]), at(row["ser_exit"])
            if ser_start < called:
                quirks["clock_skew"] += 1
            handling = max(timedelta(0), ser_exit - ser_start)
            started = max(ser_start, called)
            records.append(
                VisitRecord(
                    hall=hall,
                    category=row["type"],
                    window=window,
                    clerk=window,
                    issued_at=issued,
                    called_at=called,
                    started_at=started,
                    finished_at=started + handling,
                    outcome="served",
                    priority=priority,
                    ticket=row["call_id"],
                )
            )
    return BankImport(
        records=tuple(records),
        rows_read=rows,
        days=tuple(sorted(days)),
        skipped=dict(skipped),
        quirks=dict(quirks),
    )
