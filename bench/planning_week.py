"""Planning time of a week of 30-minute slots for a 121-window hall, on one core.

The hall: 112 comprehensive windows, a green channel (2), cross-province (3) and pick-up (4)
windows; 9:00–12:00 and 13:30–17:30 Monday–Friday, 9:00–11:30 and 14:00–17:00 on Saturday;
the demo hall's daily profile (peaks at 10:00 and 14:30) scaled to ≈ 5,000 visitors a workday,
so the morning peak needs about as many windows as the hall has; log-normal window times
(mean ≈ 330 s, σ = 0.55 of the logarithm). Every pool × day is planned as `make_plan` does:
Lag-SIPP Erlang C estimate, simulation correction within the pool's capacity
(`staffing.plan_day`), then an independent check simulation.

Baseline, measured in the same run: the same simulations with the replications run one at a
time (`replications=1`, a Python loop over them) instead of vectorised across replications.
Only the first workday is run for the baseline (it is slow); the ratio is per day.

    python bench/planning_week.py [--replications 30]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time

from queue_server.planning.simulation import DayDemand, simulate_day
from queue_server.planning.staffing import ServiceTarget, plan_day

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core

WORKDAY = (540, 570, 600, 630, 660, 690, 810, 840, 870, 900, 930, 960, 990, 1020)
SATURDAY = (540, 570, 600, 630, 660, 840, 870, 900, 930, 960, 990)
PROFILE = {  # share of a workday's visitors per slot (the demo hall's shape)
    540: 0.075,
    570: 0.09,
    600: 0.1,
    630: 0.08,
    660: 0.06,
    690: 0.045,
    810: 0.07,
    840: 0.085,
    870: 0.09,
    900: 0.075,
    930: 0.06,
    960: 0.045,
    990: 0.03,
    1020: 0.025,
}
POOLS = {"comprehensive": (112, 1.0), "green": (2, 0.01), "crossprov": (3, 0.02), "pickup": (4, 0.04)}
WORKDAY_VISITORS = 5000.0


def sample(mean: float, sigma: float, n: int = 2000) -> tuple[float, ...]:
    mu = math.log(mean) - sigma**2 / 2
    rng = random.Random(7)
    return tuple(sorted(rng.lognormvariate(mu, sigma) for _ in range(n)))


def week() -> list[tuple[str, int, DayDemand]]:
    out = []
    handling = {
        "comprehensive": sample(330, 0.55),
        "green": sample(600, 0.5),
        "crossprov": sample(480, 0.55),
        "pickup": sample(130, 0.4),
    }
    for weekday in range(6):
        slots = WORKDAY if weekday < 5 else SATURDAY
        volume = WORKDAY_VISITORS * (1.1 if weekday == 0 else 0.9 if weekday == 4 else 1.0)
        if weekday == 5:
            volume = WORKDAY_VISITORS * 0.3
        for pool, (capacity, share) in POOLS.items():
            arrivals = tuple(volume * share * PROFILE.get(s, 0.05) for s in slots)
            out.append((pool, capacity, DayDemand(30, slots, {pool: arrivals}, {pool: handling[pool]})))
    return out


def plan_week(days: list[tuple[str, int, DayDemand]], reps: int) -> tuple[float, float]:
    target = ServiceTarget(900, 0.8)
    start = time.process_time()
    hours = 0.0
    for _pool, capacity, demand in days:
        plan = plan_day(demand, target, replications=reps, seed=0, max_windows=capacity, confidence_z=1.645)
        simulate_day(demand, plan.windows, target_wait=900, replications=reps, seed=1000)
        hours += plan.window_hours
    return time.process_time() - start, hours


def one_at_a_time(demand: DayDemand, windows: list[int], reps: int) -> float:
    start = time.process_time()
    for r in range(reps):
        simulate_day(demand, windows, target_wait=900, replications=1, seed=r)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=30)
    args = parser.parse_args()
    days = week()
    seconds, hours = plan_week(days, args.replications)
    comprehensive = days[0][2]
    windows = [112] * len(comprehensive.slots)
    vector = time.process_time()
    simulate_day(comprehensive, windows, target_wait=900, replications=args.replications, seed=0)
    vector = time.process_time() - vector
    loop = one_at_a_time(comprehensive, windows, args.replications)
    visitors = sum(sum(d.total_arrivals) for _p, _c, d in days)
    print(
        f"121-window hall, 6 days × 4 pools, {visitors:,.0f} visitors, "
        f"{args.replications} replications: week planned in {seconds:.2f} s CPU "
        f"({hours:.0f} window-hours)"
    )
    print(
        f"one simulated Monday of the comprehensive pool: vectorised {vector:.3f} s, "
        f"replications one at a time {loop:.3f} s — ratio {loop / vector:.1f}×"
    )


if __name__ == "__main__":
    main()
