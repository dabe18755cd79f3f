from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.planning.shifts import ShiftPattern, load_shift_patterns, solve_roster

SHIFTS = Path("/work/shared/data/anonymous-bank/anonymous_bank_shifts.csv")


def test_small_case_with_known_optimum() -> None:
    patterns = [
        ShiftPattern("early", frozenset({0, 1}), 2.0),
        ShiftPattern("middle", frozenset({1, 2}), 2.0),
        ShiftPattern("late", frozenset({2, 3}), 2.0),
        ShiftPattern("long", frozenset({0, 1, 2, 3}), 3.0),
    ]
    # early+middle+late costs 6; long+middle costs 5 and is the unique optimum
    roster = solve_roster([1, 2, 2, 1], patterns)
    assert roster.status == "OPTIMAL"
    assert roster.cost == pytest.approx(5.0)
    assert roster.counts == {"early": 0, "middle": 1, "late": 0, "long": 1}
    assert roster.coverage == (1, 2, 2, 1)


def test_uncovered_slot_is_an_error() -> None:
    with pytest.raises(ValueError):
        solve_roster([1, 1], [ShiftPattern("a", frozenset({0}), 1.0)])


@settings(max_examples=25, deadline=None)
@given(
    reqs=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    covers=st.lists(st.sets(st.integers(0, 3), min_size=1), min_size=3, max_size=3),
)
def test_matches_brute_force(reqs: list[int], covers: list[set[int]]) -> None:
    patterns = [ShiftPattern(f"p{i}", frozenset(c), float(len(c))) for i, c in enumerate(covers)]
    best = None
    for xs in itertools.product(range(3), repeat=3):
        ok = all(
            sum(x for x, p in zip(xs, patterns, strict=True) if s in p.slots) >= r for s, r in enumerate(reqs)
        )
        if ok:
            cost = sum(x * p.cost for x, p in zip(xs, patterns, strict=True))
            best = cost if best is None else min(best, cost)
    if any(r > 0 and not any(s in c for c in covers) for s, r in enumerate(reqs)):
        with pytest.raises(ValueError):
            solve_roster(reqs, patterns)
        return
    roster = solve_roster(reqs, patterns)
    assert best is not None and roster.cost == pytest.approx(best)
    assert all(c >= r for c, r in zip(roster.coverage, reqs, strict=True))


@pytest.mark.skipif(not SHIFTS.exists(), reason="bank data not available")
def test_bank_shift_file_with_cr_line_endings() -> None:
    patterns = load_shift_patterns(SHIFTS)
    assert [p.name for p in patterns] == [f"Shift{i}" for i in range(1, 9)]
    assert patterns[0].slots == frozenset(range(6)) and patterns[0].cost == 6.0
    assert patterns[1].slots == frozenset(range(6, 12))
    assert patterns[7].slots == frozenset(range(18, 24))
    reqs = [0] * 7 + [3, 5, 8, 9, 9, 8, 8, 9, 9, 8, 7, 6, 6, 5, 4, 3, 2]
    roster = solve_roster(reqs, patterns)
    assert all(c >= r for c, r in zip(roster.coverage, reqs, strict=True))
    assert roster.cost == sum(p.cost * roster.counts[p.name] for p in patterns)
