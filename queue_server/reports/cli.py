"""`onewindow report`, `onewindow plan` and `onewindow demo-data` (wired in queue_server.cli)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from queue_server.config import Settings
from queue_server.demo import demo_store_url
from queue_server.domain.model import HallSpec
from queue_server.files import StoreInUse, StoreLock
from queue_server.planning.bank_import import bank_calendar, load_bank_records
from queue_server.planning.model import HallCalendar, VisitRecord
from queue_server.reports.demo import DemoDataError, fill_demo_month
from queue_server.reports.ledger import hall_calendar, read_ledger
from queue_server.reports.report import CSV_TABLES, build_report, report_csv
from queue_server.storage import Store, open_store

COMMANDS = ("report", "plan", "demo-data")
_T = TypeVar("_T")


class CommandError(Exception):
    pass


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def add_parsers(commands: Any) -> None:
    report = commands.add_parser("report", help="statistics from the ledger (CSV or JSON)")
    _range_args(report)
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.add_argument("--category", help="only this category")
    report.add_argument(
        "--table", choices=CSV_TABLES, default="summary", help="which table to write as CSV (default summary)"
    )
    report.add_argument("--output", "-o", help="file to write (default: standard output)")

    plan = commands.add_parser(
        "plan", help="windows per slot, extended hours, weekend and roster from the ledger"
    )
    _range_args(plan)
    plan.add_argument(
        "--weekday", type=int, choices=range(7), help="0 = Monday … 6 = Sunday (default: the busiest weekday)"
    )
    plan.add_argument("--target-wait", type=float, default=900.0, help="seconds (default 900)")
    plan.add_argument(
        "--target-level", type=float, default=0.8, help="share called within the target wait (default 0.8)"
    )
    plan.add_argument("--replications", type=int, default=30)
    plan.add_argument("--seed", type=int, default=0)
    plan.add_argument(
        "--overtime-limit",
        type=float,
        default=15.0,
        help="minutes after closing the hall accepts on average (default 15)",
    )
    plan.add_argument(
        "--all-windows", type=int, help="windows of 'every window open' (default: the hall's windows)"
    )
    plan.add_argument("--shifts", help="shift patterns CSV (hourly 0/1 columns)")
    plan.add_argument("--bank", help="plan from the Anonymous Bank file instead of the ledger")
    plan.add_argument("--json", action="store_true", help="print JSON instead of text")

    demo = commands.add_parser("demo-data", help="fill the demo's store (var/demo.db) with a simulated month")
    demo.add_argument("--hall")
    demo.add_argument(
        "--store",
        help="fill this store instead (refused while a server runs on "
        "it or where it has tickets on the days to fill)",
    )
    demo.add_argument("--days", type=int, default=30)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--end", type=_date, help="last day (default yesterday)")
    demo.add_argument(
        "--volume", type=float, default=600.0, help="expected tickets on an ordinary weekday (default 600)"
    )


def _range_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hall", help="hall id (default: the first hall)")
    parser.add_argument(
        "--from", dest="start", type=_date, help="first day YYYY-MM-DD (default: 30 days before --to)"
    )
    parser.add_argument("--to", dest="end", type=_date, help="last day (default: yesterday)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.command == "report":
            return _report(settings, args)
        if args.command == "plan":
            return _plan(settings, args)
        return _demo(settings, args)
    except (CommandError, DemoDataError, ValueError) as exc:
        print(f"onewindow {args.command}: {exc}", file=sys.stderr)
        return 2


def _hall(settings: Settings, hall: str | None) -> HallSpec:
    spec = settings.hall(hall) if hall else settings.halls[0]
    if spec is None:
        known = ", ".join(h.id for h in settings.halls)
        raise CommandError(f"no hall {hall!r} in {settings.source} (halls: {known})")
    return spec


def _range(spec: HallSpec, start: date | None, end: date | None) -> tuple[date, date]:
    last = end or datetime.now(spec.timezone).date() - timedelta(days=1)
    first = start or last - timedelta(days=29)
    if first > last:
        raise CommandError(f"--from {first} is after --to {last}")
    return first, last


def _with_store(settings: Settings, work: Callable[[Store], Awaitable[_T]], url: str | None = None) -> _T:
    async def go() -> _T:
        store = open_store(url or settings.server.store)
        await store.start()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(go())


def _records(
    settings: Settings, spec: HallSpec, first: date, last: date, category: str | None
) -> tuple[list[VisitRecord], Any]:
    read = _with_store(settings, lambda store: read_ledger(store, spec, first, last, category=category))
    return list(read.records), read


def _report(settings: Settings, args: argparse.Namespace) -> int:
    spec = _hall(settings, args.hall)
    if args.category and spec.category(args.category) is None:
        raise CommandError(f"hall {spec.id} has no category {args.category!r}")
    first, last = _range(spec, args.start, args.end)
    _, read = _records(settings, spec, first, last, args.category)
    report = build_report(read, spec, hall_calendar(spec), first, last, category=args.category)
    text = (
        json.dumps(report, ensure_ascii=False, indent=1) + "\n"
        if args.format == "json"
        else report_csv(report, args.table)
    )
    if args.output:
        Path(args.output).write_text(
            ("\ufeff" if args.format == "csv" else "") + text, encoding="utf-8", newline=""
        )
        print(f"{read.tickets} tickets, {len(read.records)} records -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _plan(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here, by the one command that plans: the planner brings in OR-Tools and pandas,
    # which made every `onewindow serve` 64 MiB larger and seconds slower to start.
    from queue_server.reports.planner import PlanOptions, format_plan, make_plan, pools_from_spec

    options = PlanOptions(
        weekday=args.weekday,
        target_wait=args.target_wait,
        target_level=args.target_level,
        replications=args.replications,
        seed=args.seed,
        overtime_limit=args.overtime_limit,
        all_windows=args.all_windows,
        shifts=args.shifts,
    )
    calendar: HallCalendar
    if args.bank:
        bank = load_bank_records(args.bank)
        calendar = bank_calendar()
        # the bank's week: Sunday–Thursday full days, a short Friday, Saturday evening
        options = PlanOptions(**{**options.__dict__, "weekend_days": (5,)})
        records = list(bank.records)
        if args.start or args.end:
            first = args.start or date.min
            last = args.end or date.max
            records = [r for r in records if first <= calendar.local(r.issued_at).date() <= last]
        source = f"{args.bank}: {len(records)} records"
    else:
        spec = _hall(settings, args.hall)
        first, last = _range(spec, args.start, args.end)
        records, read = _records(settings, spec, first, last, None)
        calendar = hall_calendar(spec)
        options = PlanOptions(
            **{
                **options.__dict__,
                "pools": None if args.all_windows else pools_from_spec(spec),
                "all_windows": args.all_windows,
                "weekend_eligible": frozenset(c.code for c in spec.categories if c.weekend),
            }
        )
        source = f"hall {spec.id} {first}..{last}: {read.tickets} tickets, {len(records)} records"
    if not records:
        raise CommandError("no tickets in the chosen dates (try onewindow demo-data)")
    print(f"planning from {source} …", file=sys.stderr)
    result = make_plan(records, calendar, options)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(format_plan(result))
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    spec = _hall(settings, args.hall)
    url = args.store or demo_store_url(settings)
    try:
        # Alone on the store: a server running on it would write steps with the same seqs.
        lock = StoreLock(url, exclusive=True)
    except StoreInUse:
        raise CommandError(
            f"a server (onewindow serve or demo) is running on {url}; demo data written beside "
            "a live hall would collide with its steps. Stop it, run demo-data, start it again."
        ) from None
    started = datetime.now()
    try:
        result = _with_store(
            settings,
            lambda store: fill_demo_month(
                store, spec, days=args.days, seed=args.seed, end=args.end, weekday_volume=args.volume
            ),
            url,
        )
    finally:
        lock.release()
    seconds = (datetime.now() - started).total_seconds()
    print(
        f"hall {spec.id}: {result.days} open days {result.first_day}..{result.last_day}, "
        f"{result.tickets} tickets, {result.events} ledger events in {seconds:.1f} s"
    )
    if args.store:
        print(f"written to {url}")
    else:
        print(
            f"written to the demo's own store {url} (onewindow demo shows it); "
            f"the hall's store {settings.server.store} was not touched"
        )
    return 0
