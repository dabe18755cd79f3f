"""The supervisor's report and the visitors' crowded periods, as JSON-ready dicts and CSV.

All statistics are those of `queue_server.planning.stats` (see its docstring for the exact
definitions: waits issue → first call, within target = called within the hall's waiting target
`max_wait_minutes` among called or abandoned tickets, 好评率 = 非常满意 + 满意 among ratings,
主动评价率 = ratings / served). This module only shapes them for the API, the page and the CLI.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from queue_server.domain.model import HallSpec
from queue_server.planning.model import HallCalendar, VisitRecord, intervals_to_minutes
from queue_server.planning.stats import RATING_LABELS, grouped_stats, hall_report, heat_map
from queue_server.reports.ledger import LedgerRead

Row = dict[str, Any]
CSV_TABLES = ("summary", "extended", "heatmap", "ratings", "bad_ratings")
GROUPS = ("day", "hour", "weekday", "category", "window", "clerk")
QUIET, MODERATE, CROWDED = "quiet", "moderate", "crowded"


def _round(value: Any, digits: int = 1) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def _clean(rows: Iterable[Row]) -> list[Row]:
    return [{k: _round(v, 4 if k in ("within_target",) else 1) for k, v in r.items()} for r in rows]


def hall_info(spec: HallSpec) -> Row:
    return {"id": spec.id, "name": spec.name, "name_en": spec.name_en, "timezone": spec.timezone.key}


def build_report(
    read: LedgerRead,
    spec: HallSpec,
    calendar: HallCalendar,
    start: date,
    end: date,
    *,
    category: str | None = None,
) -> Row:
    """Everything the reports page shows, for the records of one date range."""
    wait_target = spec.policy.max_wait.total_seconds()
    records = list(read.records)
    report = hall_report(records, calendar, wait_target=wait_target)
    weekday = hall_report_weekday(records, calendar, wait_target)
    ratings = report.ratings
    extended = report.extended
    names = {c.code: (c.name, c.name_en) for c in spec.categories}
    by_category = _clean(report.by_category.to_rows())
    for row in by_category:
        row["name"], row["name_en"] = names.get(row["category"], (row["category"],) * 2)
    return {
        "hall": hall_info(spec),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "category": category,
        "wait_target_s": wait_target,
        "categories": [
            {"code": c.code, "name": c.name, "name_en": c.name_en, "weekend": c.weekend}
            for c in spec.categories
        ],
        "source": {
            "tickets": read.tickets,
            "events": read.events,
            "records": len(records),
            "open_legs": read.open_legs,
            "ratings_table": read.ratings,
        },
        "overall": _clean([report.overall.to_row("key")])[0],
        "by_day": _clean(report.by_day.to_rows()),
        "by_hour": _clean(report.by_hour.to_rows()),
        "by_weekday": weekday,
        "by_category": by_category,
        "by_window": _clean(report.by_window.to_rows()),
        "by_clerk": _clean(report.by_clerk.to_rows()),
        "ratings": {
            "by_level": ratings.to_rows(),
            "rated": ratings.rated,
            "served": ratings.served,
            "good_min": ratings.good_min,
            "good_rate": _round(ratings.good_rate, 4),
            "active_rate": _round(ratings.active_rate, 4),
            "bad": [
                {
                    "issued_at": b.issued_at.isoformat(),
                    "category": b.category,
                    "window": b.window,
                    "clerk": b.clerk,
                    "rating": b.rating,
                    "label": RATING_LABELS[b.rating],
                    "reason": b.reason,
                    "ticket": b.ticket,
                }
                for b in ratings.bad
            ],
        },
        "extended": {
            "open_days": extended.open_days,
            "days_with_extension": extended.days_with_extension,
            "total_minutes_after_closing": round(extended.total_minutes_after_closing, 1),
            "mean_minutes_after_closing": round(extended.total_minutes_after_closing / extended.open_days, 1)
            if extended.open_days
            else None,
            "max_minutes_after_closing": round(
                max((d.minutes_after_closing for d in extended.days), default=0.0), 1
            ),
            "tickets_after_closing": extended.tickets_after_closing,
            "days": _clean(extended.to_rows()),
        },
        "heatmap": _clean(report.heatmap.to_rows()),
    }


def hall_report_weekday(
    records: Sequence[VisitRecord], calendar: HallCalendar, wait_target: float
) -> list[Row]:
    return _clean(grouped_stats(records, "weekday", calendar, wait_target=wait_target).to_rows())


def report_csv(report: Row, table: str = "summary") -> str:
    """One table of the report as CSV (UTF-8; the caller adds a BOM for spreadsheet programs).

    `summary`: every grouping in long form — a `group` column (overall, day, hour, weekday,
    category, window, clerk), the group's `key`, then the volumes and wait/handling figures."""
    rows: list[Row]
    if table == "summary":
        rows = [{"group": "overall", **report["overall"]}]
        for group in GROUPS:
            for row in report[f"by_{group}"]:
                rest = {k: v for k, v in row.items() if k not in (group, "name", "name_en")}
                rows.append({"group": group, "key": row[group], **rest})
    elif table == "extended":
        rows = report["extended"]["days"]
    elif table == "heatmap":
        rows = report["heatmap"]
    elif table == "ratings":
        rows = report["ratings"]["by_level"]
    elif table == "bad_ratings":
        rows = report["ratings"]["bad"]
    else:
        raise ValueError(f"unknown table {table!r}")
    out = io.StringIO()
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    if not fields:
        fields = ["(empty)"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def crowded_periods(
    records: Sequence[VisitRecord],
    spec: HallSpec,
    calendar: HallCalendar,
    start: date,
    end: date,
) -> Row:
    """Per weekday and open hour: average tickets per open day, the mean wait and a level
    (crowded ≥ 80 % of the busiest hour of the week, quiet < 50 %); the busiest hour itself and
    how many open days of each weekday the averages are over. Aggregates only."""
    heat = heat_map(records, calendar)
    open_hours: dict[int, list[int]] = {}
    for wd in range(7):
        open_set: set[int] = set()
        for a, b in intervals_to_minutes(calendar.weekday_intervals(wd)):
            open_set.update(range(a // 60, (b + 59) // 60))
        open_hours[wd] = sorted(open_set)
    open_cells = [c for c in heat.cells if c.hour in open_hours[c.weekday]]
    # The first of equals, Monday morning first, so that the answer is the same every time.
    top = max(open_cells, key=lambda c: c.arrivals_per_day, default=None)
    peak = top.arrivals_per_day if top is not None else 0.0
    days = []
    for wd in range(7):
        hours: list[Row] = []
        for c in open_cells:
            if c.weekday != wd:
                continue
            share = c.arrivals_per_day / peak if peak else 0.0
            level = CROWDED if share >= 0.8 else MODERATE if share >= 0.5 else QUIET
            hours.append(
                {
                    "hour": c.hour,
                    "label": f"{c.hour:02d}:00",
                    "tickets_per_day": round(c.arrivals_per_day, 1),
                    "mean_wait_min": None if c.mean_wait is None else round(c.mean_wait / 60),
                    "level": level,
                }
            )
        quiet = [h["label"] for h in sorted(hours, key=lambda h: h["tickets_per_day"])[:2]]
        days.append(
            {
                "weekday": wd,
                "open": bool(hours),
                "days": heat.open_days[wd],
                "hours": hours,
                "best_hours": quiet if hours else [],
            }
        )
    busiest = (
        None
        if top is None or not peak
        else {
            "weekday": top.weekday,
            "hour": top.hour,
            "label": f"{top.hour:02d}:00",
            "tickets_per_day": round(top.arrivals_per_day, 1),
        }
    )
    return {
        "hall": hall_info(spec),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "weeks": ((end - start).days + 1) // 7,
        "busiest": busiest,
        "weekdays": days,
    }
