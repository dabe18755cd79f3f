"""Demand model: arrival rates per category × weekday × slot, and handling-time samples.

Arrivals. A record counts as an arrival of its category at the local time of `issued_at` if its
outcome is in `counted_outcomes` (default served, transferred, no-show, abandoned: visitors who
held or would have held a window — a no-show call holds it until marked; cancelled tickets are
left out). Days on which the
calendar is closed (holidays, closed weekdays) and arrivals outside the opening intervals are
excluded and counted in `DemandModel.excluded`.

Exposure. e[w, s] is the number of slot-equivalents weekday w's slot s was open in the history
(Σ over the open days d with weekday w of open_minutes_d(s) / slot_minutes), the history running
from the first to the last local date seen in the records.

Estimator (empirical-Bayes Poisson–Gamma shrinkage, two levels). Let n[c, w, s] be the count of
category c, N[w, s] the count of all categories, and g(w) the *day type* of w: weekdays with the
same opening intervals, workdays (Mon–Fri) and weekend days (Sat, Sun) never pooled together.

1. pooled day-type profile  P[g, s] = Σ_{w∈g} N[w, s] / Σ_{w∈g} e[w, s]
2. weekday profile          T[w, s] = (N[w, s] + α·P[g(w), s]) / (e[w, s] + α)
3. category share           π[c, g] = n[c, g] / N[g]  (all slots and days of the day type)
4. cell rate                λ[c, w, s] = (n[c, w, s] + α·π[c, g(w)]·T[w, s]) / (e[w, s] + α)

λ is expected arrivals per open slot. Each step is the posterior mean of a Poisson rate under a
Gamma prior with mean equal to the pooled value and a weight of α slot-days (`prior_days`,
default 2): a cell seen on few days is pulled toward the weekday profile times the category's
share, a weekday never seen borrows its day type's profile, and with many days the estimate
tends to the raw mean n / e. α = 0 gives the raw means.

Window time. For each category, the time a visitor holds a window (call → release plus the gap
between visitors, no-show holds included; `window_time.window_times`), as an empirical sample
for simulation. A category with fewer than `min_handling` legs uses the pooled sample.

Day totals. `day_totals[d]` is the number of counted arrivals on every day d of the history on
which the hall served (open in the calendar — holidays are closed days, excluded — and at least
one arrival: a weekday the hall did not open yet has no history), so a day type's spread (its
80th-percentile day) is known.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import (
    DEFAULT_SLOT_MINUTES,
    HallCalendar,
    Interval,
    VisitRecord,
    intervals_to_minutes,
    slot_open_minutes,
)
from .simulation import DayDemand
from .window_time import WindowTime, window_times

DEFAULT_COUNTED: frozenset[str] = frozenset({"served", "transferred", "no_show", "abandoned"})


@dataclass(frozen=True)
class DemandModel:
    calendar: HallCalendar
    slot_minutes: int
    prior_days: float
    categories: tuple[str, ...]
    first_day: date | None
    last_day: date | None
    days_observed: dict[int, int]
    """Open days per weekday in the history."""
    rates: dict[tuple[str, int, int], float]
    """(category, weekday, slot start minute) -> expected arrivals per fully open slot."""
    counts: dict[tuple[str, int, int], int]
    exposure: dict[tuple[int, int], float]
    handling: dict[str, WindowTime]
    """Window time per category (call → release + gap)."""
    day_totals: dict[date, int] = field(default_factory=dict)
    """Counted arrivals of every day of the history on which the hall served."""
    excluded: dict[str, int] = field(default_factory=dict)

    def history_days(self, weekday: int) -> list[date]:
        """Days of that weekday on which the hall served in the history (holidays excluded)."""
        return sorted(d for d in self.day_totals if d.weekday() == weekday)

    def rate(self, category: str, weekday: int, slot: int) -> float:
        return self.rates.get((category, weekday, slot), 0.0)

    def category_totals(self, weekdays: Iterable[int]) -> dict[str, float]:
        """Expected arrivals per day, per category, averaged over `weekdays` (calendar hours)."""
        days = list(weekdays)
        totals: dict[str, float] = {c: 0.0 for c in self.categories}
        if not days:
            return totals
        for wd in days:
            opening = slot_open_minutes(
                intervals_to_minutes(self.calendar.weekday_intervals(wd)), self.slot_minutes
            )
            for slot, minutes in opening.items():
                for c in self.categories:
                    totals[c] += self.rate(c, wd, slot) * minutes / self.slot_minutes
        return {c: v / len(days) for c, v in totals.items()}

    def day_demand(
        self,
        weekday: int,
        *,
        categories: Collection[str] | None = None,
        hours: Sequence[Interval] | None = None,
        source_weekdays: Sequence[int] | None = None,
        scale: float = 1.0,
    ) -> DayDemand:
        """Expected arrivals per slot of a day, one class per category.

        `hours` default to the calendar's hours of `weekday`; rates are taken from
        `source_weekdays` (averaged; default `[weekday]`) and multiplied by `scale` — e.g. to
        plan a new weekend service from the weekday profile.
        """
        cats = [c for c in self.categories if categories is None or c in categories]
        if categories is not None and (missing := set(categories) - set(cats)):
            raise ValueError(f"unknown categories: {sorted(missing)}")
        intervals = hours if hours is not None else self.calendar.weekday_intervals(weekday)
        opening = slot_open_minutes(intervals_to_minutes(intervals), self.slot_minutes)
        if not opening:
            raise ValueError(f"weekday {weekday} has no opening hours")
        sources = list(source_weekdays) if source_weekdays is not None else [weekday]
        slots = tuple(opening)
        arrivals = {
            c: tuple(
                scale
                * statistics.fmean(self.rate(c, wd, s) for wd in sources)
                * opening[s]
                / self.slot_minutes
                for s in slots
            )
            for c in cats
        }
        return DayDemand(
            self.slot_minutes,
            slots,
            arrivals,
            {c: self.handling[c].sample for c in cats if c in self.handling},
        )


def _day_type(calendar: HallCalendar, weekday: int) -> tuple[bool, tuple[Interval, ...]]:
    return (weekday >= 5, tuple(calendar.weekday_intervals(weekday)))


def build_demand_model(
    records: Iterable[VisitRecord],
    calendar: HallCalendar,
    *,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
    prior_days: float = 2.0,
    counted_outcomes: Collection[str] = DEFAULT_COUNTED,
    min_handling: int = 30,
    max_sample: int = 2000,
) -> DemandModel:
    """Estimate arrival rates and handling samples from the ledger (see the module docstring)."""
    if prior_days < 0:
        raise ValueError("prior_days must be >= 0")
    if 1440 % slot_minutes:
        raise ValueError("slot_minutes must divide a day")
    records = list(records)
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    day_totals: dict[date, int] = defaultdict(int)
    excluded: dict[str, int] = defaultdict(int)
    categories: set[str] = set()
    seen_days: set[date] = set()
    opening_cache: dict[date, dict[int, int]] = {}

    def opening(day: date) -> dict[int, int]:
        if day not in opening_cache:
            opening_cache[day] = slot_open_minutes(calendar.minute_ranges(day), slot_minutes)
        return opening_cache[day]

    for r in records:
        local = calendar.local(r.issued_at)
        day = local.date()
        seen_days.add(day)
        categories.add(r.category)
        if r.outcome not in counted_outcomes:
            excluded[f"outcome_{r.outcome}"] += 1
            continue
        if not calendar.is_open(day):
            excluded["closed_day"] += 1
            continue
        minute = local.hour * 60 + local.minute
        if not any(a <= minute < b for a, b in calendar.minute_ranges(day)):
            excluded["outside_hours"] += 1
            continue
        slot = minute - minute % slot_minutes
        counts[(r.category, day.weekday(), slot)] += 1
        day_totals[day] += 1

    cats = tuple(sorted(categories))
    exposure: dict[tuple[int, int], float] = defaultdict(float)
    days_observed: dict[int, int] = {wd: 0 for wd in range(7)}
    first = min(seen_days) if seen_days else None
    last = max(seen_days) if seen_days else None
    if first is not None and last is not None:
        for day in calendar.open_days(first, last):
            days_observed[day.weekday()] += 1
            for slot, minutes in opening(day).items():
                exposure[(day.weekday(), slot)] += minutes / slot_minutes

    # all (weekday, slot) cells: the calendar's template slots and every observed cell
    cells: set[tuple[int, int]] = set(exposure)
    for wd in range(7):
        for slot in slot_open_minutes(intervals_to_minutes(calendar.weekday_intervals(wd)), slot_minutes):
            cells.add((wd, slot))
    total_n: dict[tuple[int, int], int] = defaultdict(int)
    for (_c, wd, slot), n in counts.items():
        total_n[(wd, slot)] += n
    group_n: dict[tuple[object, int], float] = defaultdict(float)
    group_e: dict[tuple[object, int], float] = defaultdict(float)
    group_cat: dict[tuple[object, str], int] = defaultdict(int)
    group_all: dict[object, int] = defaultdict(int)
    for wd, slot in cells:
        g = _day_type(calendar, wd)
        group_n[(g, slot)] += total_n.get((wd, slot), 0)
        group_e[(g, slot)] += exposure.get((wd, slot), 0.0)
    for (c, wd, _slot), n in counts.items():
        g = _day_type(calendar, wd)
        group_cat[(g, c)] += n
        group_all[g] += n

    alpha = prior_days
    rates: dict[tuple[str, int, int], float] = {}
    for wd, slot in sorted(cells):
        g = _day_type(calendar, wd)
        e = exposure.get((wd, slot), 0.0)
        ge = group_e[(g, slot)]
        pooled = group_n[(g, slot)] / ge if ge > 0 else 0.0
        n_all = total_n.get((wd, slot), 0)
        weekday_rate = (n_all + alpha * pooled) / (e + alpha) if e + alpha > 0 else 0.0
        for c in cats:
            share = group_cat[(g, c)] / group_all[g] if group_all[g] else 0.0
            n = counts.get((c, wd, slot), 0)
            value = (n + alpha * share * weekday_rate) / (e + alpha) if e + alpha > 0 else 0.0
            if value > 0:
                rates[(c, wd, slot)] = value

    return DemandModel(
        calendar=calendar,
        slot_minutes=slot_minutes,
        prior_days=prior_days,
        categories=cats,
        first_day=first,
        last_day=last,
        days_observed=days_observed,
        rates=rates,
        counts=dict(counts),
        exposure=dict(exposure),
        handling=window_times(records, min_legs=min_handling, max_sample=max_sample),
        day_totals=dict(sorted(day_totals.items())),
        excluded=dict(excluded),
    )
