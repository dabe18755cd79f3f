"""Erlang C (M/M/c) formulas for window staffing.

Standard results for the M/M/c queue (A. K. Erlang, 1917; see e.g. Gans, Koole & Mandelbaum,
"Telephone call centers: tutorial, review, and research prospects", M&SOM 5(2), 2003):

* offered load  a = λ · E[S]  (erlangs; λ arrivals per time unit, E[S] mean handling time)
* Erlang B, computed by the numerically stable recursion
  B(0, a) = 1,  B(n, a) = a·B(n−1, a) / (n + a·B(n−1, a)) — no factorials or powers, so it
  works for hundreds of servers and large loads;
* Erlang C (probability that an arrival waits), for n > a:
  C(n, a) = n·B(n, a) / (n − a·(1 − B(n, a)));  C = 1 when n ≤ a (unstable queue);
* service level  P(W ≤ t) = 1 − C(n, a)·exp(−(n − a)·t / E[S]);
* average speed of answer  ASA = E[W] = C(n, a)·E[S] / (n − a);
* occupancy  ρ = a / n.

`required_agents` is the smallest n meeting a service level target (and, optionally, a maximum
occupancy and a maximum ASA). `apply_shrinkage` turns agents at the windows into staff on the
roster: ⌈agents / (1 − shrinkage)⌉.

All times only need a common unit (seconds throughout OneWindow).
"""

from __future__ import annotations

import math
from fractions import Fraction


def offered_load(arrivals: float, mean_handling: float, period: float) -> float:
    """Offered load in erlangs of `arrivals` per `period` with the given mean handling time."""
    if arrivals < 0 or mean_handling < 0 or period <= 0:
        raise ValueError("arrivals and handling must be >= 0 and period > 0")
    return arrivals * mean_handling / period


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/n/n (Erlang B) by the stable recursion."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be >= 0")
    b = 1.0
    for n in range(1, servers + 1):
        b = load * b / (n + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival has to wait in M/M/n (Erlang C); 1 when n <= load."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be >= 0")
    if load == 0:
        return 0.0
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def service_level(servers: int, load: float, mean_handling: float, target: float) -> float:
    """P(wait <= target) in M/M/n; 0 when the queue is unstable."""
    if mean_handling <= 0:
        raise ValueError("mean_handling must be > 0")
    if load == 0:
        return 1.0
    if servers <= load:
        return 0.0
    c = erlang_c(servers, load)
    return max(0.0, 1.0 - c * math.exp(-(servers - load) * target / mean_handling))


def average_speed_of_answer(servers: int, load: float, mean_handling: float) -> float:
    """Mean wait E[W] in M/M/n (inf when unstable)."""
    if load == 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * mean_handling / (servers - load)


def occupancy(servers: int, load: float) -> float:
    """Share of time windows are busy, a/n (capped at 1)."""
    if servers <= 0:
        return 1.0 if load > 0 else 0.0
    return min(1.0, load / servers)


def required_agents(
    load: float,
    mean_handling: float,
    target: float,
    service_level_target: float,
    *,
    max_occupancy: float = 1.0,
    max_asa: float | None = None,
    max_agents: int = 100_000,
) -> int:
    """Smallest number of agents meeting P(W <= target) >= service_level_target.

    Also requires occupancy a/n <= max_occupancy and ASA <= max_asa when given.
    Zero load needs zero agents.
    """
    if not 0 <= service_level_target < 1:
        raise ValueError("service_level_target must be in [0, 1)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    if load == 0:
        return 0
    n = max(1, math.floor(load) + 1, math.ceil(load / max_occupancy - 1e-12))
    while n <= max_agents:
        ok = service_level(n, load, mean_handling, target) >= service_level_target
        if ok and max_asa is not None:
            ok = average_speed_of_answer(n, load, mean_handling) <= max_asa
        if ok and load / n <= max_occupancy + 1e-12:
            return n
        n += 1
    raise ValueError("no staffing up to max_agents meets the target")


def apply_shrinkage(agents: int, shrinkage: float) -> int:
    """Staff to roster so that `agents` are at the windows: ⌈agents / (1 − shrinkage)⌉.

    Computed in exact decimal arithmetic, so 14 agents at 30 % shrinkage give 20, not 21.
    """
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    if agents < 0:
        raise ValueError("agents must be >= 0")
    exact = Fraction(agents) / (1 - Fraction(str(shrinkage)))
    return math.ceil(exact)
