"""Discrete-event simulation of one day at the windows, vectorised across replications (numpy).

Model:

* one pool of identical windows serving every customer class of the `DayDemand` first come first
  served (a specialised pool is simulated with its own `DayDemand`);
* each class has non-homogeneous Poisson arrivals, piecewise constant per slot: a Poisson number
  of arrivals per slot, uniform within the slot; no arrivals after the last slot (the ticket
  machine closes at closing time); slots partly open spread their arrivals over the whole slot;
* window times (call → release of the window, see `window_time`) drawn from the class's
  empirical sample;
* windows per slot change at slot boundaries without pre-emption: window j (0-based) is on duty
  in a slot when j < that slot's windows; a window going off duty finishes its visitor first.
  During closed gaps between slots (a lunch break) the previous slot's windows stay to clear
  the queue and no one arrives. After closing, `overtime_windows` (default: the last slot's)
  serve until the queue is empty — 延时服务, so the simulated overtime is the time from closing
  to the last finish.

Method. FCFS multi-server queues have the Kiefer–Wolfowitz recursion: visitor k starts at
max(arrival, earliest time a window is free *and on duty*) — so no event list is needed. Each
replication keeps the free time of every window; visitor k of every replication is placed in
one vector step (numpy over replications × windows), with a precomputed table "next on-duty
time of window j from segment g", so a window that is free but off duty is available from the
start of its next on-duty segment. The random numbers of a day (`draw_day`) are drawn once and
can be reused for many window plans (common random numbers: the planner's corrections compare
plans on the same visitors).

Per slot of arrival the result gives mean arrivals per replication, the share waiting at most
`target_wait` seconds and the mean wait, pooled over replications.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import minute_label, quantile


@dataclass(frozen=True)
class DayDemand:
    """Expected arrivals per class and slot of one day, and handling samples per class.

    `slots` are the start minutes of the open slots (increasing, on the `slot_minutes` grid);
    `arrivals[cls][i]` is the expected number of arrivals of class `cls` in slot `i`;
    `handling[cls]` is a non-empty sample of handling times in seconds.
    """

    slot_minutes: int
    slots: tuple[int, ...]
    arrivals: Mapping[str, tuple[float, ...]]
    handling: Mapping[str, tuple[float, ...]]

    def __post_init__(self) -> None:
        if not self.slots:
            raise ValueError("a day needs at least one open slot")
        if any(b <= a for a, b in zip(self.slots, self.slots[1:], strict=False)):
            raise ValueError("slots must be increasing")
        if any(s % self.slot_minutes for s in self.slots):
            raise ValueError("slots must lie on the slot grid")
        for cls, values in self.arrivals.items():
            if len(values) != len(self.slots):
                raise ValueError(f"arrivals of {cls!r} do not match the slots")
            if any(v < 0 for v in values):
                raise ValueError("arrivals must be >= 0")
            if sum(values) > 0 and not self.handling.get(cls):
                raise ValueError(f"no handling sample for {cls!r}")
        for sample in self.handling.values():
            if any(v < 0 for v in sample):
                raise ValueError("handling times must be >= 0")

    @property
    def total_arrivals(self) -> tuple[float, ...]:
        return tuple(sum(values[i] for values in self.arrivals.values()) for i in range(len(self.slots)))

    def mean_handling(self, weights: Sequence[float] | None = None) -> float:
        """Mean handling time of the day's mix (weights: per-slot weights, default all)."""
        total = 0.0
        weighted = 0.0
        for cls, values in self.arrivals.items():
            n = sum(v * (weights[i] if weights is not None else 1.0) for i, v in enumerate(values))
            if n > 0:
                total += n
                weighted += n * statistics.fmean(self.handling[cls])
        return weighted / total if total > 0 else 0.0

    def squared_cv(self) -> float:
        """Squared coefficient of variation of the day's window-time mix, E[S²]/E[S]² − 1."""
        n = m1 = m2 = 0.0
        for cls, values in self.arrivals.items():
            w = sum(values)
            if w > 0:
                xs = self.handling[cls]
                n += w
                m1 += w * statistics.fmean(xs)
                m2 += w * statistics.fmean(x * x for x in xs)
        if n == 0 or m1 == 0:
            return 1.0
        mean = m1 / n
        return max(0.0, (m2 / n) / (mean * mean) - 1.0)

    def slot_mean_handling(self, index: int) -> float:
        """Mean handling time of the class mix arriving in slot `index`."""
        weights = [1.0 if i == index else 0.0 for i in range(len(self.slots))]
        value = self.mean_handling(weights)
        return value if value > 0 else self.mean_handling()


@dataclass(frozen=True)
class SlotResult:
    slot: int
    label: str
    arrivals: float
    """Mean simulated arrivals per replication."""
    service_level: float | None
    """Share of the slot's arrivals (all replications) called within the target wait."""
    service_level_se: float | None
    """Standard error of `service_level` across replications (ratio estimator)."""
    mean_wait: float | None
    p90_wait: float | None


@dataclass(frozen=True)
class SimulationResult:
    target_wait: float
    replications: int
    seed: int
    windows: tuple[int, ...]
    overtime_windows: int
    slots: tuple[SlotResult, ...]
    service_level: float | None
    mean_wait: float | None
    overtime_minutes: tuple[float, ...]
    """Per replication: minutes from closing (end of the last slot) to the last finish."""

    @property
    def mean_overtime(self) -> float:
        return statistics.fmean(self.overtime_minutes) if self.overtime_minutes else 0.0

    @property
    def p90_overtime(self) -> float:
        return quantile(self.overtime_minutes, 0.9) if self.overtime_minutes else 0.0


def _ratio_se(counts: Sequence[tuple[int, int]]) -> float | None:
    """Standard error of Σmet/Σn over replications (n_r, met_r) — the ratio estimator."""
    total = sum(n for n, _ in counts)
    if total == 0 or len(counts) < 2:
        return None
    p = sum(m for _, m in counts) / total
    r = len(counts)
    mean_n = total / r
    var = sum((m - p * n) ** 2 for n, m in counts) / (r * (r - 1) * mean_n**2)
    return float(var**0.5)


def _timeline(
    demand: DayDemand, windows: Sequence[int]
) -> tuple[list[float], list[int], dict[int, int], float]:
    """Grid segment ends (s), windows per segment, grid index -> slot index, closing (s)."""
    step = demand.slot_minutes
    first, last = demand.slots[0], demand.slots[-1]
    index_of = {s: i for i, s in enumerate(demand.slots)}
    ends: list[float] = []
    servers: list[int] = []
    grid_to_slot: dict[int, int] = {}
    current = windows[0]
    for g, minute in enumerate(range(first, last + step, step)):
        if minute in index_of:
            current = windows[index_of[minute]]
            grid_to_slot[g] = index_of[minute]
        ends.append(float((minute - first + step) * 60))
        servers.append(current)
    return ends, servers, grid_to_slot, ends[-1]


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_NEVER = 1e12
"""Arrival time of padding (replications have different numbers of visitors): far after any
real event, finite so that it converts to a segment index."""


@dataclass(frozen=True)
class DayDraw:
    """The random visitors of `replications` simulated days (common random numbers).

    Row r is replication r: arrival times (seconds from the first slot's start, increasing,
    padded with `_NEVER`), window times, and the slot index of arrival (−1 for padding).
    """

    demand: DayDemand
    replications: int
    seed: int
    arrivals: FloatArray
    service: FloatArray
    slot: IntArray

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        return self.slot >= 0


def draw_day(demand: DayDemand, *, replications: int, seed: int) -> DayDraw:
    """Poisson arrivals per slot and class, uniform in the slot, window times from the sample."""
    if replications < 1:
        raise ValueError("replications must be >= 1")
    rng = np.random.default_rng(seed)
    step_s = demand.slot_minutes * 60.0
    starts = np.array([(s - demand.slots[0]) * 60.0 for s in demand.slots])
    rows: list[tuple[FloatArray, FloatArray, IntArray]] = []
    classes = [(c, v) for c, v in demand.arrivals.items() if sum(v) > 0]
    samples = {c: np.asarray(demand.handling[c], dtype=float) for c, _ in classes}
    means = {c: np.asarray(v, dtype=float) for c, v in classes}
    for _ in range(replications):
        times: list[FloatArray] = []
        service: list[FloatArray] = []
        slots: list[IntArray] = []
        for c, _v in classes:
            counts = rng.poisson(means[c])
            slot = np.repeat(np.arange(len(starts)), counts)
            times.append(starts[slot] + rng.random(slot.size) * step_s)
            service.append(samples[c][rng.integers(0, samples[c].size, slot.size)])
            slots.append(slot)
        t = np.concatenate(times) if times else np.zeros(0)
        order = np.argsort(t, kind="stable")
        rows.append(
            (
                t[order],
                (np.concatenate(service) if service else np.zeros(0))[order],
                (np.concatenate(slots) if slots else np.zeros(0, dtype=np.intp))[order],
            )
        )
    width = max((r[0].size for r in rows), default=0)
    arrivals = np.full((replications, width), _NEVER)
    service_t = np.zeros((replications, width))
    slot_ix = np.full((replications, width), -1, dtype=np.intp)
    for r, (t, s, g) in enumerate(rows):
        arrivals[r, : t.size], service_t[r, : t.size], slot_ix[r, : t.size] = t, s, g
    return DayDraw(demand, replications, seed, arrivals, service_t, slot_ix)


def simulate_day(
    demand: DayDemand,
    windows: Sequence[int],
    *,
    target_wait: float,
    replications: int = 5,
    seed: int = 0,
    overtime_windows: int | None = None,
    draw: DayDraw | None = None,
) -> SimulationResult:
    """Simulate the day `replications` times with `windows[i]` windows open in slot `i`.

    `draw` reuses the visitors of an earlier `draw_day` (same demand) instead of new ones."""
    if len(windows) != len(demand.slots):
        raise ValueError("one window count per slot is needed")
    if any(w < 0 for w in windows):
        raise ValueError("window counts must be >= 0")
    after = windows[-1] if overtime_windows is None else overtime_windows
    if after < 1:
        raise ValueError("at least one window must stay open after closing")
    if draw is None:
        draw = draw_day(demand, replications=replications, seed=seed)
    _ends, servers, _grid_to_slot, closing = _timeline(demand, windows)
    waits, finish = _run(draw, servers, after, demand.slot_minutes * 60.0)
    return _summarise(draw, tuple(windows), after, waits, finish, closing, target_wait)


def _run(draw: DayDraw, servers: Sequence[int], after: int, step_s: float) -> tuple[FloatArray, FloatArray]:
    """Waits and finish times of every visitor (replications × visitors): the recursion."""
    segments = len(servers)
    capacity = np.array([*servers, after])
    width = int(capacity.max())
    on = np.arange(width)[:, None] < capacity[None, :]  # window × segment (last: after closing)
    seg_start = np.arange(segments + 1) * step_s
    # next_on[j, g]: start of the first segment >= g in which window j is on duty
    next_on = np.full((width, segments + 2), np.inf)
    for g in range(segments, -1, -1):
        next_on[:, g] = np.where(on[:, g], seg_start[g], next_on[:, g + 1])
    flat = next_on.ravel()
    offset = np.arange(width) * (segments + 2)
    reps, visitors = draw.arrivals.shape
    free = np.zeros((reps, width))
    rows = np.arange(reps)
    waits = np.zeros((reps, visitors))
    finish = np.zeros((reps, visitors))
    inv = 1.0 / step_s
    for k in range(visitors):
        a = draw.arrivals[:, k]
        t = np.maximum(free, a[:, None])
        seg = np.minimum((t * inv).astype(np.intp), segments)
        ready = np.maximum(t, flat[seg + offset])
        j = ready.argmin(axis=1)
        start = ready[rows, j]
        done = start + draw.service[:, k]
        free[rows, j] = done
        waits[:, k] = start - a
        finish[:, k] = done
    return waits, finish


def _summarise(
    draw: DayDraw,
    windows: tuple[int, ...],
    after: int,
    waits: FloatArray,
    finish: FloatArray,
    closing: float,
    target_wait: float,
) -> SimulationResult:
    demand = draw.demand
    reps = draw.replications
    n_slots = len(demand.slots)
    valid = draw.valid
    slot = np.where(valid, draw.slot, n_slots)  # padding counted in an extra bin
    met = (waits <= target_wait) & valid
    per_rep_n = np.zeros((reps, n_slots + 1))
    per_rep_met = np.zeros((reps, n_slots + 1))
    for r in range(reps):
        per_rep_n[r] = np.bincount(slot[r], minlength=n_slots + 1)
        per_rep_met[r] = np.bincount(slot[r], weights=met[r], minlength=n_slots + 1)
    wait_sum = np.bincount(slot.ravel(), weights=np.where(valid, waits, 0.0).ravel(), minlength=n_slots + 1)
    results = []
    for i in range(n_slots):
        total = per_rep_n[:, i].sum()
        ws = waits[draw.slot == i]
        results.append(
            SlotResult(
                slot=demand.slots[i],
                label=minute_label(demand.slots[i]),
                arrivals=float(total) / reps,
                service_level=float(per_rep_met[:, i].sum() / total) if total else None,
                service_level_se=_ratio_se(
                    list(
                        zip(
                            per_rep_n[:, i].astype(int).tolist(),
                            per_rep_met[:, i].astype(int).tolist(),
                            strict=True,
                        )
                    )
                ),
                mean_wait=float(wait_sum[i] / total) if total else None,
                p90_wait=float(np.quantile(ws, 0.9)) if ws.size else None,
            )
        )
    all_n = per_rep_n[:, :n_slots].sum()
    last = np.where(valid, finish, 0.0).max(axis=1) if finish.size else np.zeros(reps)
    overtime = tuple(float(v) for v in np.maximum(0.0, last - closing) / 60.0)
    return SimulationResult(
        target_wait=target_wait,
        replications=reps,
        seed=draw.seed,
        windows=windows,
        overtime_windows=after,
        slots=tuple(results),
        service_level=float(per_rep_met[:, :n_slots].sum() / all_n) if all_n else None,
        mean_wait=float(wait_sum[:n_slots].sum() / all_n) if all_n else None,
        overtime_minutes=overtime,
    )
