"""Weekend service (周末不打烊): which categories, and how many windows per slot.

* *Categories*: categories (optionally restricted to the weekend-eligible ones) are ranked by
  expected arrivals per day — from the weekend days' own history when there is one, otherwise
  from the `source_weekdays` — and taken in that order until their cumulative share of eligible
  demand reaches `coverage` (e.g. 80 %), like a hall's list of "35 high-frequency matters".
* *Windows*: the chosen categories' demand in the weekend hours (default 9:00–11:30 and
  14:00–17:00), taken from the weekend day's history or, for a new weekend service, from
  `source_weekdays` × `scale`, is planned with `staffing.plan_day`. With comprehensive windows
  (one pool serving every chosen category) the minimum per slot is `min_per_category` windows in
  total, each able to serve every chosen category; with specialised windows every category is
  planned alone with at least `min_per_category` windows and the plans are added up.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import time

from .demand import DemandModel
from .model import Interval, minute_label
from .staffing import ServiceTarget, StaffingPlan, plan_day

WEEKEND_HOURS: tuple[Interval, ...] = ((time(9, 0), time(11, 30)), (time(14, 0), time(17, 0)))
Row = dict[str, str | int | float | None]


@dataclass(frozen=True)
class CategoryShare:
    category: str
    expected_per_day: float
    share: float
    cumulative: float


def choose_weekend_categories(
    model: DemandModel,
    *,
    coverage: float = 0.8,
    weekdays: Sequence[int] = (5, 6),
    source_weekdays: Sequence[int] = (0, 1, 2, 3, 4),
    eligible: Collection[str] | None = None,
    max_categories: int | None = None,
) -> tuple[CategoryShare, ...]:
    """Highest-demand categories covering `coverage` of eligible demand."""
    if not 0 < coverage <= 1:
        raise ValueError("coverage must be in (0, 1]")
    observed = [
        wd for wd in weekdays if model.days_observed.get(wd, 0) > 0 and model.calendar.weekday_intervals(wd)
    ]
    totals = model.category_totals(observed or source_weekdays)
    if eligible is not None:
        totals = {c: v for c, v in totals.items() if c in eligible}
    grand = sum(totals.values())
    if grand <= 0:
        return ()
    chosen: list[CategoryShare] = []
    cumulative = 0.0
    for cat, value in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        if cumulative >= coverage - 1e-12 or value <= 0:
            break
        if max_categories is not None and len(chosen) >= max_categories:
            break
        cumulative += value / grand
        chosen.append(CategoryShare(cat, value, value / grand, cumulative))
    return tuple(chosen)


@dataclass(frozen=True)
class WeekendPlan:
    weekday: int
    hours: tuple[Interval, ...]
    categories: tuple[CategoryShare, ...]
    comprehensive: bool
    plans: dict[str, StaffingPlan]
    slots: tuple[int, ...]
    windows: tuple[int, ...]
    """Total windows per slot (sum of the plans)."""
    window_hours: float

    def to_rows(self) -> list[Row]:
        return [
            {"weekday": self.weekday, "slot": minute_label(s), "windows": w}
            for s, w in zip(self.slots, self.windows, strict=True)
        ]


def plan_weekend(
    model: DemandModel,
    weekday: int,
    target: ServiceTarget,
    *,
    hours: Sequence[Interval] = WEEKEND_HOURS,
    categories: Sequence[str] | None = None,
    coverage: float = 0.8,
    eligible: Collection[str] | None = None,
    min_per_category: int = 2,
    comprehensive: bool = True,
    source_weekdays: Sequence[int] | None = None,
    scale: float = 1.0,
    replications: int = 20,
    seed: int = 0,
) -> WeekendPlan:
    """Weekend categories and windows per slot (see the module docstring).

    `source_weekdays` None: the weekend day's own history if it has any, else Monday–Friday.
    """
    if categories is None:
        shares = choose_weekend_categories(model, coverage=coverage, eligible=eligible)
    else:
        totals = model.category_totals(range(7))
        grand = sum(totals[c] for c in categories) or 1.0
        cum = 0.0
        shares_list = []
        for c in categories:
            cum += totals[c] / grand
            shares_list.append(CategoryShare(c, totals[c], totals[c] / grand, cum))
        shares = tuple(shares_list)
    if not shares:
        raise ValueError("no weekend categories")
    if source_weekdays is None:
        source_weekdays = (
            [weekday]
            if model.days_observed.get(weekday, 0) > 0 and model.calendar.weekday_intervals(weekday)
            else [0, 1, 2, 3, 4]
        )
    names = [s.category for s in shares]
    groups = {"comprehensive": names} if comprehensive else {c: [c] for c in names}
    plans: dict[str, StaffingPlan] = {}
    for key, cats in groups.items():
        demand = model.day_demand(
            weekday, categories=cats, hours=hours, source_weekdays=source_weekdays, scale=scale
        )
        plans[key] = plan_day(
            demand,
            target,
            name=f"weekend-{key}-wd{weekday}",
            min_windows=min_per_category,
            replications=replications,
            seed=seed,
        )
    first = next(iter(plans.values()))
    slots = tuple(s.slot for s in first.slots)
    windows = tuple(sum(p.slots[i].windows for p in plans.values()) for i in range(len(slots)))
    return WeekendPlan(
        weekday=weekday,
        hours=tuple(hours),
        categories=shares,
        comprehensive=comprehensive,
        plans=plans,
        slots=slots,
        windows=windows,
        window_hours=sum(windows) * model.slot_minutes / 60.0,
    )
