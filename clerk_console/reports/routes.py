"""Report, plan and rating-export routes, and the supervisor's reports page.

* `GET /api/halls/{hall}/reports?from=&days=&category=&format=json|csv&table=` (supervisor, admin)
* `GET /api/halls/{hall}/plan?from=&days=&weekday=&target_wait=&target_level=&replications=`
  (supervisor, admin): the week plan (200) or its background job (202, `plan_jobs`)
* `GET /api/halls/{hall}/plan/jobs/{job}` — the job's progress, and the plan once done
* `GET /api/halls/{hall}/ratings/export?from=&days=&format=json|csv` (supervisor, admin): the
  好差评 export (queue_server.reports.rating_export, docs/RATING_EXPORT.md)
* `GET /supervise/halls/{hall}/reports` — the page (a shell; it signs in itself and calls the
  API with the bearer token kept in sessionStorage)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from displays.kit.messages import page_strings
from queue_server import ratings
from queue_server.api.deps import in_hall, service
from queue_server.api.query import bad_param, bounded, query_param
from queue_server.api.responses import JSONResponse
from queue_server.auth import MANAGERS
from queue_server.domain.errors import Conflict, NotFound
from queue_server.domain.model import HallSpec
from queue_server.messages import pick_language
from queue_server.reports import rating_export
from queue_server.reports.ledger import hall_calendar, hall_ledger
from queue_server.reports.plan_jobs import jobs as plan_jobs
from queue_server.reports.report import CSV_TABLES, build_report, report_csv
from queue_server.service import QueueService

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
# A range is a first day and a number of days, so that every range the document admits is
# one the server reads: at most a year of the ledger, from a day of these years.
MAX_DAYS = 366
DEFAULT_DAYS = 30
DAY_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"
_T = TypeVar("_T")


def _day(raw: str) -> date:
    if re.fullmatch(DAY_PATTERN, raw) is None:
        raise ValueError(raw)
    return date.fromisoformat(raw)


def _dates(request: Request, spec: HallSpec) -> tuple[date, date]:
    """The first and last day: `days` days from `from`, or up to today without it."""
    days = query_param(request, "days", bounded(int, 1, MAX_DAYS), DEFAULT_DAYS, f"1 … {MAX_DAYS}")
    today = service(request).clock.now().astimezone(spec.timezone).date()
    start = query_param(
        request,
        "from",
        _day,
        today - timedelta(days=days - 1),
        "YYYY-MM-DD, a day of 2000 … 2099",
    )
    return start, start + timedelta(days=days - 1)


async def _manager_hall(request: Request) -> tuple[HallSpec, QueueService]:
    _, svc, spec, _ = await in_hall(request, roles=MANAGERS)
    return spec, svc


def _spec_service(request: Request, hall: str) -> tuple[HallSpec, QueueService]:
    svc = service(request)
    spec = svc.settings.hall(hall)
    assert spec is not None
    return spec, svc


async def reports(request: Request) -> Response:
    spec, svc = await _manager_hall(request)
    start, end = _dates(request, spec)
    category = request.query_params.get("category")
    if category is not None and spec.category(category) is None:
        raise NotFound("error.unknown_category", hall=spec.id, category=category)
    fmt = _format(request)
    table = request.query_params.get("table", "summary")
    if table not in CSV_TABLES:
        raise bad_param("table", " | ".join(CSV_TABLES))
    read = await hall_ledger(svc, spec, start, end, category=category)
    calendar = hall_calendar(spec)
    report = await anyio.to_thread.run_sync(
        lambda: build_report(read, spec, calendar, start, end, category=category)
    )
    if fmt == "json":
        return JSONResponse(report)
    name = f"onewindow-{spec.id}-{start}-{end}{'-' + category if category else ''}-{table}.csv"
    return _csv_download(report_csv(report, table), name)


def _format(request: Request) -> str:
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "csv"):
        raise bad_param("format", "json or csv")
    return fmt


def _csv_download(text: str, name: str) -> Response:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese right."""
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def ratings_export(request: Request) -> Response:
    spec, svc = await _manager_hall(request)
    start, end = _dates(request, spec)
    fmt = _format(request)
    rows = await rating_export.hall_export_rows(svc, spec, start, end)
    if fmt == "json":
        return JSONResponse(rating_export.export_document(spec, start, end, rows))
    return _csv_download(rating_export.export_csv(rows), f"onewindow-{spec.id}-ratings-{start}-{end}.csv")


async def plan(request: Request) -> JSONResponse:
    """The week plan for these inputs: 200 with it when it is ready, else 202 with the
    background job to poll (`plan_jobs`)."""
    from queue_server.reports.planner import PlanOptions, make_plan, pools_from_spec

    spec, svc = await _manager_hall(request)
    start, end = _dates(request, spec)
    weekday = query_param(request, "weekday", bounded(int, 0, 6), None, "0 (Monday) … 6 (Sunday)")
    options = PlanOptions(
        weekday=weekday,
        target_wait=query_param(
            request, "target_wait", bounded(float, 10, 7200), 900.0, "seconds, 10 … 7200"
        ),
        target_level=query_param(
            request, "target_level", bounded(float, 0.05, 0.999), 0.8, "a share between 0.05 and 0.999"
        ),
        replications=query_param(request, "replications", bounded(int, 1, 100), 30, "1 … 100"),
        seed=query_param(request, "seed", int, 0, "an integer"),
        overtime_limit=query_param(
            request, "overtime_limit", bounded(float, 0, 600), 15.0, "minutes, 0 … 600"
        ),
        margin_quantile=query_param(
            request, "margin", bounded(float, 0.5, 0.99), 0.8, "a quantile between 0.5 and 0.99"
        ),
        pools=pools_from_spec(spec),
        weekend_eligible=frozenset(c.code for c in spec.categories if c.weekend),
    )
    read = await hall_ledger(svc, spec, start, end)
    if not read.records:
        # Nothing to forecast from: the request is well formed, the ledger is empty there.
        raise Conflict("error.plan_no_history", start=start.isoformat(), end=end.isoformat())
    calendar = hall_calendar(spec)

    def work(progress: Callable[[float, str], None]) -> dict[str, Any]:
        result = make_plan(list(read.records), calendar, options, progress)
        result["from"], result["to"] = start.isoformat(), end.isoformat()
        return result

    key = (id(svc), spec.id, start, end, options, read.tickets, read.events, read.open_legs)
    job = plan_jobs.start(key, spec.id, work)
    await asyncio.sleep(0)  # a cached job answers at once
    if job.status == "done":
        return JSONResponse(job.result)
    return JSONResponse(job.public(), status_code=202, headers={"Location": job.public()["poll"]})


async def plan_job(request: Request) -> JSONResponse:
    """Progress of a plan job; the plan itself once done."""
    await _manager_hall(request)
    job = plan_jobs.get(request.path_params["job"])
    if job is None or job.hall != request.path_params["hall"]:
        raise NotFound("error.not_found", path=request.url.path)
    body = job.public()
    if job.status == "done":
        body["result"] = job.result
    return JSONResponse(body)


def page_texts() -> dict[str, dict[str, str]]:
    """The reports family's view of the pages' catalog (page_strings), per language."""
    out: dict[str, dict[str, str]] = {}
    for key, entry in page_strings("reports").items():
        for lang, text in entry.items():
            out.setdefault(lang, {})[key] = text
    return out


async def reports_page(request: Request) -> Response:
    hall = request.path_params["hall"]
    service(request).hall(hall)
    spec, svc = _spec_service(request, hall)
    lang = request.query_params.get("lang") or pick_language(request.headers.get("accept-language"))
    lang = lang if lang in ("zh-CN", "en") else "zh-CN"
    texts = page_texts()
    config = {
        "hall": spec.id,
        "name": spec.name,
        "name_en": spec.name_en,
        "lang": lang,
        "texts": texts,
        "categories": [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in spec.categories],
        # Bad ratings are recorded with the reason's code; the page shows its words, also those
        # of a reason removed from the hall's settings since.
        "reasons": [r.public() for r in (await ratings.hall_reasons_named(svc, spec)).values()],
        "today": datetime.now(spec.timezone).date().isoformat(),
    }
    return templates.TemplateResponse(
        request,
        "reports.html",
        {"config": config, "t": texts[lang], "lang": lang, "spec": spec},
    )


routes: list[BaseRoute] = [
    Route("/api/halls/{hall}/reports", reports, methods=["GET"]),
    Route("/api/halls/{hall}/plan", plan, methods=["GET"]),
    Route("/api/halls/{hall}/plan/jobs/{job}", plan_job, methods=["GET"]),
    Route("/api/halls/{hall}/ratings/export", ratings_export, methods=["GET"]),
    Route("/supervise/halls/{hall}/reports", reports_page, methods=["GET"]),
    Mount("/reports/static", app=StaticFiles(directory=HERE / "static"), name="reports-static"),
]
