"""好差评 export: every rating of a date range in the layout provincial rating platforms take in,
as JSON or CSV (docs/RATING_EXPORT.md describes each field). The route is in
clerk_console.reports.routes, the command `onewindow ratings-export` in queue_server.cli."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from queue_server.domain.model import HallSpec, Reason
from queue_server.messages import translate
from queue_server.ratings import is_bad, reasons_named
from queue_server.service import QueueService
from queue_server.storage.base import RatedTicket, Store

LAYOUT = "onewindow.ratings/1"
FIELDS = (
    "hall",
    "ticket",
    "number",
    "matter_code",
    "matter",
    "matter_en",
    "window",
    "clerk",
    "rated_at",
    "level",
    "level_name",
    "level_name_en",
    "good",
    "reason_code",
    "reason",
    "reason_en",
    "comment",
    "channel",
    "follow_up",
)


def day_range(spec: HallSpec, first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the start of the day after `last`, in the hall's zone."""
    zone = spec.timezone
    return datetime.combine(first, time(0), zone), datetime.combine(last + timedelta(days=1), time(0), zone)


def export_row(rated: RatedTicket, spec: HallSpec, reasons: Mapping[str, Reason]) -> dict[str, Any]:
    rating = rated.rating
    category = spec.category(rated.category or "")
    level = f"rating.level.{rating.level}"
    reason = reasons.get(rating.reason or "")
    return {
        "hall": rating.hall,
        "ticket": rating.ticket,
        "number": rated.number,
        "matter_code": rated.category,
        "matter": None if category is None else category.name,
        "matter_en": None if category is None else category.name_en,
        "window": rating.window,
        "clerk": rating.clerk,
        "rated_at": rating.at.astimezone(spec.timezone).isoformat(),
        "level": rating.level,
        "level_name": translate(level, "zh-CN"),
        "level_name_en": translate(level, "en"),
        "good": not is_bad(rating.level),
        "reason_code": rating.reason,
        # A reason the hall never named in its ledger (one only in a config file since changed)
        # is exported by its code rather than dropped.
        "reason": rating.reason if reason is None else reason.name,
        "reason_en": rating.reason if reason is None else reason.name_en,
        "comment": rating.comment,
        "channel": rating.channel,
        # Every bad rating is followed up (差评必回访); OneWindow does not record the follow-up
        # itself, so a bad one leaves here as pending for the platform to track.
        "follow_up": "pending" if is_bad(rating.level) else "none",
    }


async def export_rows(store: Store, spec: HallSpec, first: date, last: date) -> list[dict[str, Any]]:
    """Each rating of the days with its reason in words, also one the hall has removed since."""
    start, end = day_range(spec, first, last)
    reasons = await reasons_named(store, spec)
    return [export_row(rated, spec, reasons) for rated in await store.rated_tickets(spec.id, start, end)]


async def hall_export_rows(
    svc: QueueService, spec: HallSpec, first: date, last: date
) -> list[dict[str, Any]]:
    """`export_rows` of the service's store: what the reports page exports."""
    return await export_rows(svc.store, spec, first, last)


def export_document(spec: HallSpec, first: date, last: date, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "layout": LAYOUT,
        "hall": spec.id,
        "hall_name": spec.name,
        "timezone": str(spec.timezone),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "count": len(rows),
        "ratings": rows,
    }


def export_csv(rows: list[dict[str, Any]]) -> str:
    """The same records, one a line, columns FIELDS; true/false and empty for none."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


# ---- `onewindow ratings-export` ----------------------------------------------------------

COMMAND = "ratings-export"


def add_parser(commands: Any) -> None:
    export = commands.add_parser(COMMAND, help="好差评 ratings of a date range (JSON or CSV)")
    export.add_argument("--hall", help="hall id (default: the first hall)")
    export.add_argument("--from", dest="start", type=_day, help="first day YYYY-MM-DD (default: --to)")
    export.add_argument("--to", dest="end", type=_day, help="last day (default: yesterday)")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def export_text(spec: HallSpec, first: date, last: date, rows: list[dict[str, Any]], fmt: str) -> str:
    """What the command writes: the JSON document, or the CSV with a byte-order mark for Excel."""
    if fmt == "json":
        return json.dumps(export_document(spec, first, last, rows), ensure_ascii=False, indent=1) + "\n"
    return "\ufeff" + export_csv(rows)


def export_days(spec: HallSpec, start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    last = end or now.astimezone(spec.timezone).date() - timedelta(days=1)
    first = start or last
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    return first, last
