"""Day-type forecasts: the demand to plan a weekday for, from that weekday's own history.

* *Own history.* A weekday with at least `min_days` open days in the history (holidays are
  closed days and never count) is forecast from those days: the demand model's rates of that
  weekday (`demand.build_demand_model`), i.e. the mean day of several weeks of the same weekday.
* *Fallback.* A weekday with fewer days borrows the profile of `source` weekdays (the other
  weekdays of its kind with history: workdays for a workday, the other weekend day for a
  weekend day, else the workdays) and scales it by a stated `ratio`: 1 between days of the same
  kind; from workdays to a weekend day the hall's recorded weekend/workday ratio of mean daily
  visitors when it has any weekend history, else `weekend_ratio` (an assumption, stated).
* *Margin.* The plan is made for a demanding day, not the mean one: the mean profile is scaled
  by `margin_factor` = (`margin_quantile` quantile of the daily totals) / (their mean), over
  the days the forecast is based on (never below 1).
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .demand import DemandModel
from .model import Interval, quantile
from .simulation import DayDemand

WEEKEND = (5, 6)
"""Weekend days by default (a hall may have others: the bank's weekend is Saturday)."""
DEFAULT_WEEKEND_RATIO = 1 / 3
"""Assumed weekend/workday ratio of visitors when the hall has no weekend history at all."""


@dataclass(frozen=True)
class DayForecast:
    weekday: int
    demand: DayDemand
    """Expected arrivals per slot on the planned (margin) day."""
    source: Literal["own", "scaled"]
    source_weekdays: tuple[int, ...]
    history_days: tuple[date, ...]
    """The days the profile and the margin are computed from."""
    ratio: float
    """Scale applied to the source profile (1 for own history)."""
    mean_total: float
    """Expected visitors of a mean day (after `ratio`)."""
    margin_quantile: float
    margin_factor: float
    planned_total: float


def _with_history(model: DemandModel, weekdays: Iterable[int], min_days: int) -> list[int]:
    return [
        wd
        for wd in weekdays
        if len(model.history_days(wd)) >= min_days and model.calendar.weekday_intervals(wd)
    ]


def _mean_daily(model: DemandModel, weekdays: Sequence[int]) -> float:
    days = [d for wd in weekdays for d in model.history_days(wd)]
    return statistics.fmean(model.day_totals[d] for d in days) if days else 0.0


def forecast_day(
    model: DemandModel,
    weekday: int,
    *,
    categories: Collection[str] | None = None,
    hours: Sequence[Interval] | None = None,
    margin_quantile: float = 0.8,
    min_days: int = 2,
    weekend_ratio: float = DEFAULT_WEEKEND_RATIO,
    weekend_days: Collection[int] = WEEKEND,
) -> DayForecast:
    """The weekday's forecast (see the module docstring); a short history that has no weekday
    with `min_days` days is used as it is (one day per weekday)."""
    if not 0.0 < margin_quantile < 1.0:
        raise ValueError("margin_quantile must be between 0 and 1")
    if min_days > 1 and not _with_history(model, range(7), min_days):
        min_days = 1
    weekend = tuple(sorted(weekend_days))
    workdays = tuple(wd for wd in range(7) if wd not in weekend)
    kind, other = (weekend, workdays) if weekday in weekend else (workdays, weekend)
    source: Literal["own", "scaled"]
    if weekday in _with_history(model, [weekday], min_days):
        source, sources, ratio = "own", [weekday], 1.0
    else:
        source = "scaled"
        sources = _with_history(model, [wd for wd in kind if wd != weekday], min_days)
        ratio = 1.0
        if not sources:
            sources = _with_history(model, other, min_days)
            if not sources:
                raise ValueError("no weekday has enough history to forecast from")
            if weekday not in weekend:
                raise ValueError("no workday has enough history to forecast a workday from")
            weekend_days = _with_history(model, WEEKEND, 1)
            base = _mean_daily(model, sources)
            ratio = _mean_daily(model, weekend_days) / base if weekend_days and base > 0 else weekend_ratio
    days = tuple(d for wd in sources for d in model.history_days(wd))
    totals = [float(model.day_totals[d]) for d in days]
    mean = statistics.fmean(totals) if totals else 0.0
    factor = max(1.0, quantile(totals, margin_quantile) / mean) if mean > 0 else 1.0
    demand = model.day_demand(
        weekday, categories=categories, hours=hours, source_weekdays=sources, scale=ratio * factor
    )
    planned = sum(demand.total_arrivals)
    return DayForecast(
        weekday=weekday,
        demand=demand,
        source=source,
        source_weekdays=tuple(sources),
        history_days=tuple(sorted(days)),
        ratio=ratio,
        mean_total=planned / factor if factor else planned,
        margin_quantile=margin_quantile,
        margin_factor=factor,
        planned_total=planned,
    )
