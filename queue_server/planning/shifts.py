"""Shift rostering: how many clerks work each shift pattern, at the fewest staff hours.

Set-covering integer program (Dantzig, "A comment on Edie's traffic delays at toll booths",
1954), solved exactly with OR-Tools CP-SAT:

    minimise Σ_p cost_p · x_p   subject to   Σ_{p covers s} x_p ≥ r_s  for every slot s,
    x_p ∈ {0, 1, 2, …}

where r_s is the staff required in slot s (e.g. a `StaffingPlan`'s staff per slot on the
patterns' slot length) and cost_p defaults to the pattern's hours.
`load_shift_patterns` reads the "Anonymous Bank" shift file (24 hourly rows × 8 shift columns of
0/1, CR line endings).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model

Row = dict[str, str | int | float | None]


@dataclass(frozen=True)
class ShiftPattern:
    name: str
    slots: frozenset[int]
    cost: float
    """Staff hours of one clerk on this shift."""


@dataclass(frozen=True)
class Roster:
    status: str
    """"OPTIMAL" or "FEASIBLE" (time limit reached)."""
    counts: dict[str, int]
    cost: float
    requirements: tuple[int, ...]
    coverage: tuple[int, ...]

    @property
    def clerks(self) -> int:
        return sum(self.counts.values())

    def to_rows(self) -> list[Row]:
        return [{"shift": name, "clerks": n} for name, n in self.counts.items()]


def load_shift_patterns(path: str | Path, *, slot_hours: float = 1.0) -> list[ShiftPattern]:
    """Read a CSV of 0/1 columns (one row per slot, first two columns labels); any line ending."""
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0].split(",")
    names = header[2:]
    covers: dict[str, set[int]] = {n: set() for n in names}
    for index, line in enumerate(lines[1:]):
        cells = line.split(",")
        for name, cell in zip(names, cells[2:], strict=True):
            if cell.strip() == "1":
                covers[name].add(index)
            elif cell.strip() != "0":
                raise ValueError(f"bad cell {cell!r} in row {index + 1}")
    return [ShiftPattern(n, frozenset(covers[n]), len(covers[n]) * slot_hours) for n in names]


def solve_roster(
    requirements: Sequence[int],
    patterns: Sequence[ShiftPattern],
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> Roster:
    """Fewest staff hours covering every slot's requirement (CP-SAT)."""
    if any(r < 0 for r in requirements):
        raise ValueError("requirements must be >= 0")
    for s, r in enumerate(requirements):
        if r > 0 and not any(s in p.slots for p in patterns):
            raise ValueError(f"slot {s} needs staff but no shift covers it")
    scale = 1000  # CP-SAT needs integer costs: milli-hours
    bound = max(requirements, default=0)
    model = cp_model.CpModel()
    x = {p.name: model.new_int_var(0, bound, p.name) for p in patterns}
    for s, r in enumerate(requirements):
        if r > 0:
            model.add(sum(x[p.name] for p in patterns if s in p.slots) >= r)
    model.minimize(sum(round(p.cost * scale) * x[p.name] for p in patterns))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no roster: {solver.status_name(status)}")
    counts = {p.name: int(solver.value(x[p.name])) for p in patterns}
    coverage = tuple(sum(counts[p.name] for p in patterns if s in p.slots) for s in range(len(requirements)))
    cost = math.fsum(p.cost * counts[p.name] for p in patterns)
    return Roster(
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
        counts=counts,
        cost=cost,
        requirements=tuple(requirements),
        coverage=coverage,
    )
