"""Discrete-event simulation of one day at the windows, with the `ciw` library.

Model (ciw 3.2; Palmer, Knight, Harper & Tuson, "Ciw: An open-source discrete event simulation
library", Journal of Simulation 13(1), 2019):

* one service centre whose windows all serve every customer class (a comprehensive window pool;
  a specialised category is simulated with a one-class `DayDemand`), first come first served;
* each category is a customer class with non-homogeneous Poisson arrivals,
  `ciw.dists.PoissonIntervals`, piecewise constant per slot, no arrivals after the last slot
  (the ticket machine closes at closing time); slots partly open spread their arrivals over the
  whole slot;
* handling times drawn from the category's empirical sample (`ciw.dists.Empirical`);
* the number of windows per slot is a `ciw.Schedule`. Stock ciw replaces *all* servers at every
  shift change (busy ones finish as extra off-duty servers while the new shift's servers start),
  which briefly doubles capacity at each 30-minute boundary and overstates service levels. A
  `Node` subclass (`_WindowNode`) changes only the difference instead: windows that stay open
  keep their visitor, new windows are added, and closing windows are idle ones first, else busy
  ones that finish their current visitor and then close (non-preemptive).
  During closed gaps between slots (a lunch break) the
  previous slot's windows stay to clear the queue and no one arrives. After closing,
  `overtime_windows` (default: the last slot's) serve until the queue is empty — 延时服务, so the
  simulated overtime is the time from closing to the last finish;
* replications are seeded (`ciw.seed(seed + replication)`); the global `random` state, which
  ciw reseeds, is saved and restored.

Per slot of arrival the result gives mean arrivals per replication, the share waiting at most
`target_wait` seconds and the mean wait, pooled over replications.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ciw

from .model import minute_label, quantile


class _WindowNode(ciw.Node):  # type: ignore[misc]
    """A ciw node whose shift changes add or remove only the difference in windows."""

    def change_shift(self) -> None:
        self.schedule.get_next_shift()
        self.next_shift_change = self.schedule.next_shift_change_date
        wanted = int(self.schedule.c)
        self.c = wanted
        on_duty = [s for s in self.servers if not s.offduty]
        if wanted > len(on_duty):
            # reopen windows that were closing but still serving, then open new ones
            for srvr in [s for s in self.servers if s.offduty][: wanted - len(on_duty)]:
                srvr.offduty = False
            self.add_new_servers(wanted - sum(1 for s in self.servers if not s.offduty))
        elif wanted < len(on_duty):
            excess = len(on_duty) - wanted
            idle = [s for s in on_duty if not s.busy][:excess]
            for srvr in idle:
                srvr.shift_end = self.next_event_date
                self.kill_server(srvr)
            for srvr in [s for s in on_duty if s.busy][: excess - len(idle)]:
                srvr.shift_end = self.next_event_date
                srvr.offduty = True
        self.begin_service_if_possible_change_shift()


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
        return tuple(
            sum(values[i] for values in self.arrivals.values()) for i in range(len(self.slots))
        )

    def mean_handling(self, weights: Sequence[float] | None = None) -> float:
        """Mean handling time of the day's mix (weights: per-slot weights, default all)."""
        total = 0.0
        weighted = 0.0
        for cls, values in self.arrivals.items():
            n = sum(v * (weights[i] if weights is not None else 1.0)
                    for i, v in enumerate(values))
            if n > 0:
                total += n
                weighted += n * statistics.fmean(self.handling[cls])
        return weighted / total if total > 0 else 0.0

    def slot_mean_handling(self, index: int) -> float:
        """Mean handling time of the class mix arriving in slot `index`."""
        weights = [1.0 if i == index else 0.0 for i in range(len(self.slots))]
        value = self.mean_handling(weights)
        return value if value > 0 else self.mean_handling()

    def scaled(self, factor: float) -> DayDemand:
        return DayDemand(
            self.slot_minutes, self.slots,
            {c: tuple(v * factor for v in vs) for c, vs in self.arrivals.items()},
            self.handling,
        )


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


def _timeline(demand: DayDemand, windows: Sequence[int]) -> tuple[
    list[float], list[int], dict[int, int], float
]:
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


def simulate_day(
    demand: DayDemand,
    windows: Sequence[int],
    *,
    target_wait: float,
    replications: int = 5,
    seed: int = 0,
    overtime_windows: int | None = None,
) -> SimulationResult:
    """Simulate the day `replications` times with `windows[i]` windows open in slot `i`."""
    if len(windows) != len(demand.slots):
        raise ValueError("one window count per slot is needed")
    if any(w < 0 for w in windows):
        raise ValueError("window counts must be >= 0")
    if replications < 1:
        raise ValueError("replications must be >= 1")
    after = windows[-1] if overtime_windows is None else overtime_windows
    if after < 1:
        raise ValueError("at least one window must stay open after closing")
    ends, servers, grid_to_slot, closing = _timeline(demand, windows)
    horizon = closing + 7 * 24 * 3600.0
    step_s = demand.slot_minutes * 60.0
    classes = {c: v for c, v in demand.arrivals.items() if sum(v) > 0}
    n_slots = len(demand.slots)
    waits: list[list[float]] = [[] for _ in range(n_slots)]
    per_rep: list[list[tuple[int, int]]] = [[] for _ in range(n_slots)]
    overtime: list[float] = []

    state = random.getstate()
    try:
        for rep in range(replications):
            if not classes:
                overtime.append(0.0)
                continue
            ciw.seed(seed + rep)
            arrival_dists = {}
            service_dists = {}
            for cls, values in classes.items():
                rates = [0.0] * len(ends)
                for g, i in grid_to_slot.items():
                    rates[g] = values[i] / step_s
                arrival_dists[cls] = [ciw.dists.PoissonIntervals(
                    rates=rates, endpoints=ends, max_sample_date=closing)]
                service_dists[cls] = [ciw.dists.Empirical(list(demand.handling[cls]))]
            schedule = ciw.Schedule(
                numbers_of_servers=[*servers, after], shift_end_dates=[*ends, horizon * 2]
            )
            network = ciw.create_network(
                arrival_distributions=arrival_dists,
                service_distributions=service_dists,
                number_of_servers=[schedule],
            )
            sim = ciw.Simulation(network, node_class=_WindowNode)
            sim.simulate_until_max_time(horizon)
            last_finish = 0.0
            for record in sim.get_all_records(only=["service"]):
                g = int(record.arrival_date // step_s)
                slot = grid_to_slot.get(g)
                if slot is None:  # arrival on a segment boundary of a closed gap
                    slot = max(i for gg, i in grid_to_slot.items() if gg <= g)
                waits[slot].append(float(record.waiting_time))
                last_finish = max(last_finish, float(record.service_end_date))
            overtime.append(max(0.0, last_finish - closing) / 60.0)
            for i, ws in enumerate(waits):
                done = sum(n for n, _ in per_rep[i])
                new = ws[done:]
                per_rep[i].append((len(new), sum(w <= target_wait for w in new)))
    finally:
        random.setstate(state)

    target = target_wait
    results = []
    all_waits: list[float] = []
    for i, ws in enumerate(waits):
        all_waits.extend(ws)
        results.append(SlotResult(
            slot=demand.slots[i], label=minute_label(demand.slots[i]),
            arrivals=len(ws) / replications,
            service_level=sum(w <= target for w in ws) / len(ws) if ws else None,
            service_level_se=_ratio_se(per_rep[i]),
            mean_wait=statistics.fmean(ws) if ws else None,
            p90_wait=quantile(ws, 0.9) if ws else None,
        ))
    return SimulationResult(
        target_wait=target_wait, replications=replications, seed=seed,
        windows=tuple(windows), overtime_windows=after, slots=tuple(results),
        service_level=(sum(w <= target for w in all_waits) / len(all_waits)
                       if all_waits else None),
        mean_wait=statistics.fmean(all_waits) if all_waits else None,
        overtime_minutes=tuple(overtime),
    )
