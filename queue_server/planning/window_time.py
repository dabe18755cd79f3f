"""How long a visitor holds a window: call → release, per category, from the ledger.

A window is not busy only from `started_at` to `finished_at`. It is held from the call: the
visitor walks up (call → start), is served (start → finish), and the clerk needs a moment
before calling the next number (the *gap*). A call answered by nobody holds the window until the
clerk marks the no-show. So per leg of the ledger:

* served / transferred leg: walk-up (`called_at → started_at`, at most `MAX_WALK_UP_SECONDS`)
  + handling (`started_at → finished_at`);
* no-show leg: `called_at → finished_at`, where `finished_at` of a no-show is the moment the
  clerk marked it (`ledger.replay` keeps it);
* every leg then adds the hall's mean *gap*: for consecutive legs called at the same window,
  `next.called_at − previous.finished_at`, counted only when the next visitor was already
  waiting at the previous release (otherwise the gap is idle time, not wrap-up) and at most
  `max_gap` seconds (longer is a break).

Legs without a call or a release (cancelled, abandoned, a transfer before the start) hold no
window. The *window time* sample of a category is these occupancies (served and no-show legs
mixed in their recorded proportion), kept as an empirical distribution (at most `max_sample`
values at evenly spaced quantiles) — the planner's simulation draws from it, not from an
exponential. For the report each category also gets a log-normal fit (μ, σ of the logarithm)
and its Kolmogorov–Smirnov distance to the data, to state how far a parametric model would be
from the empirical one.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .model import VisitRecord, quantile

POOLED = "*"
MAX_GAP_SECONDS = 300.0
MAX_WALK_UP_SECONDS = 600.0
"""A call → start longer than this is a recording error (the bank's file has calls whose
service starts hours after the recorded queue exit); such a walk-up counts as this long."""


@dataclass(frozen=True)
class WindowTime:
    """Window time of one category (seconds)."""

    category: str
    legs: int
    """Legs that held a window (served, transferred, no-show)."""
    no_shows: int
    mean: float
    """Mean window time: walk-up + handling (or no-show hold) + gap."""
    median: float
    p90: float
    cv: float
    walk_up: float
    """Mean call → start of the served legs."""
    handling: float
    """Mean start → finish of the served legs."""
    no_show_hold: float
    """Mean call → no-show mark (0 without no-shows)."""
    gap: float
    """The hall's mean gap between visitors, included in `mean`."""
    lognormal_mu: float
    lognormal_sigma: float
    lognormal_ks: float
    """Kolmogorov–Smirnov distance between the sample and its log-normal fit."""
    sample: tuple[float, ...]
    pooled: bool = False
    """True when the category had too few legs and uses the pooled sample."""


def _walk_up(r: VisitRecord) -> float:
    assert r.started_at is not None and r.called_at is not None
    return min(MAX_WALK_UP_SECONDS, max(0.0, (r.started_at - r.called_at).total_seconds()))


def _occupancy(r: VisitRecord) -> float | None:
    if r.called_at is None or r.finished_at is None:
        return None
    if r.outcome == "no_show":
        return max(0.0, (r.finished_at - r.called_at).total_seconds())
    if r.outcome in ("served", "transferred") and r.started_at is not None:
        return _walk_up(r) + (r.handling_seconds or 0.0)
    return None


def mean_gap(records: Iterable[VisitRecord], max_gap: float = MAX_GAP_SECONDS) -> float:
    """Mean wrap-up gap between consecutive visitors at a window (see the module docstring)."""
    per_window: dict[str, list[VisitRecord]] = defaultdict(list)
    for r in records:
        if r.window is not None and _occupancy(r) is not None:
            per_window[r.window].append(r)
    gaps: list[float] = []
    for legs in per_window.values():
        legs.sort(key=lambda r: r.called_at or r.issued_at)
        for prev, nxt in itertools.pairwise(legs):
            assert prev.finished_at is not None and nxt.called_at is not None
            if nxt.issued_at > prev.finished_at:
                continue  # nobody was waiting: the window was idle, not wrapping up
            gap = (nxt.called_at - prev.finished_at).total_seconds()
            if 0.0 <= gap <= max_gap:
                gaps.append(gap)
            elif -2.0 <= gap < 0.0:  # clock skew of the source (the bank's 1-second steps)
                gaps.append(0.0)
    return statistics.fmean(gaps) if gaps else 0.0


def _lognormal(values: Sequence[float]) -> tuple[float, float, float]:
    logs = [math.log(v) for v in values if v > 0]
    if len(logs) < 2:
        return 0.0, 0.0, 1.0
    mu, sigma = statistics.fmean(logs), statistics.pstdev(logs)
    if sigma <= 0:
        return mu, 0.0, 1.0
    normal = statistics.NormalDist(mu, sigma)
    xs = sorted(logs)
    n = len(xs)
    ks = max(max(abs((i + 1) / n - normal.cdf(x)), abs(i / n - normal.cdf(x))) for i, x in enumerate(xs))
    return mu, sigma, ks


def _summary(category: str, legs: Sequence[VisitRecord], gap: float, max_sample: int) -> WindowTime:
    occupancy = sorted(o + gap for r in legs if (o := _occupancy(r)) is not None)
    served = [r for r in legs if r.outcome != "no_show" and r.started_at is not None]
    walk = [_walk_up(r) for r in served if r.called_at is not None]
    handling = [h for r in served if (h := r.handling_seconds) is not None]
    holds = [o for r in legs if r.outcome == "no_show" and (o := _occupancy(r)) is not None]
    mean = statistics.fmean(occupancy)
    sd = statistics.pstdev(occupancy) if len(occupancy) > 1 else 0.0
    if len(occupancy) > max_sample:
        sample = tuple(quantile(occupancy, (k + 0.5) / max_sample) for k in range(max_sample))
    else:
        sample = tuple(occupancy)
    mu, sigma, ks = _lognormal(occupancy)
    return WindowTime(
        category=category,
        legs=len(occupancy),
        no_shows=len(holds),
        mean=mean,
        median=quantile(occupancy, 0.5),
        p90=quantile(occupancy, 0.9),
        cv=sd / mean if mean > 0 else 0.0,
        walk_up=statistics.fmean(walk) if walk else 0.0,
        handling=statistics.fmean(handling) if handling else 0.0,
        no_show_hold=statistics.fmean(holds) if holds else 0.0,
        gap=gap,
        lognormal_mu=mu,
        lognormal_sigma=sigma,
        lognormal_ks=ks,
        sample=sample,
    )


def window_times(
    records: Iterable[VisitRecord],
    *,
    min_legs: int = 30,
    max_sample: int = 2000,
    max_gap: float = MAX_GAP_SECONDS,
) -> dict[str, WindowTime]:
    """Window time per category; a category with fewer than `min_legs` legs gets the pooled
    sample of all categories (marked `pooled`)."""
    rows = list(records)
    gap = mean_gap(rows, max_gap)
    per_category: dict[str, list[VisitRecord]] = defaultdict(list)
    for r in rows:
        if _occupancy(r) is not None:
            per_category[r.category].append(r)
    every = [r for legs in per_category.values() for r in legs]
    if not every:
        return {}
    pooled = _summary(POOLED, every, gap, max_sample)
    out: dict[str, WindowTime] = {}
    for category in sorted({r.category for r in rows}):
        legs = per_category.get(category, [])
        if len(legs) >= min_legs:
            out[category] = _summary(category, legs, gap, max_sample)
        else:
            own = _summary(category, legs, gap, max_sample) if legs else pooled
            out[category] = replace(own, category=category, sample=pooled.sample, pooled=True)
    return out
