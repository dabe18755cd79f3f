"""Erlang formulas against published values and their monotonicity properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.planning.erlang import (
    apply_shrinkage,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    offered_load,
    required_agents,
    service_level,
)


def test_published_example_100_calls_per_half_hour() -> None:
    # 100 arrivals per 30 minutes, 180 s handling, 80 % answered within 20 s:
    # 14 agents, 20 after 30 % shrinkage (the standard Erlang C worked example).
    load = offered_load(100, 180, 1800)
    assert load == pytest.approx(10.0)
    agents = required_agents(load, 180, 20, 0.8)
    assert agents == 14
    assert apply_shrinkage(agents, 0.3) == 20
    assert service_level(13, load, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    assert service_level(14, load, 180, 20) == pytest.approx(0.8884, abs=1e-4)
    assert average_speed_of_answer(14, load, 180) == pytest.approx(7.84, abs=0.01)
    assert occupancy(14, load) == pytest.approx(10 / 14)


def test_erlang_b_table_values() -> None:
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(5, 3.0) == pytest.approx(0.11005, abs=1e-5)
    # Erlang C from the same table: C = nB / (n - a(1 - B))
    b = erlang_b(5, 3.0)
    assert erlang_c(5, 3.0) == pytest.approx(5 * b / (5 - 3 * (1 - b)))
    assert erlang_c(5, 3.0) == pytest.approx(0.2362, abs=1e-4)


def test_large_systems_are_stable() -> None:
    c = erlang_c(2000, 1950.0)
    assert 0 < c < 1 and math.isfinite(c)
    assert erlang_c(3, 3.0) == 1.0 and service_level(3, 3.0, 60, 20) == 0.0
    assert average_speed_of_answer(2, 5.0, 60) == math.inf


def test_occupancy_and_asa_limits() -> None:
    load = offered_load(100, 180, 1800)
    assert required_agents(load, 180, 20, 0.8, max_occupancy=0.6) == 17  # ceil(10/0.6)
    assert required_agents(load, 180, 20, 0.8, max_asa=5) == 15
    assert required_agents(0.0, 180, 20, 0.8) == 0


def test_shrinkage_rounds_up() -> None:
    assert apply_shrinkage(10, 0.0) == 10
    assert apply_shrinkage(10, 0.25) == 14  # 13.33 -> 14
    with pytest.raises(ValueError):
        apply_shrinkage(10, 1.0)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(min_value=1, max_value=400),
    extra=st.floats(min_value=0, max_value=100),
    aht=st.floats(min_value=30, max_value=1200),
    level=st.floats(min_value=0.5, max_value=0.95),
)
def test_required_agents_monotone_in_arrival_rate(
    rate: float, extra: float, aht: float, level: float
) -> None:
    low = required_agents(offered_load(rate, aht, 1800), aht, 60, level)
    high = required_agents(offered_load(rate + extra, aht, 1800), aht, 60, level)
    assert high >= low
    assert service_level(low, offered_load(rate, aht, 1800), aht, 60) >= level


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=0.1, max_value=200),
    n=st.integers(min_value=1, max_value=300),
    target=st.floats(min_value=0, max_value=900),
)
def test_service_level_monotone_in_agents(load: float, n: int, target: float) -> None:
    assert service_level(n + 1, load, 180, target) >= service_level(n, load, 180, target)
    assert 0.0 <= erlang_b(n, load) <= erlang_c(n, load) <= 1.0
    assert erlang_c(n + 1, load) <= erlang_c(n, load)


@given(agents=st.integers(min_value=0, max_value=500), shrinkage=st.floats(min_value=0, max_value=0.9))
def test_shrinkage_is_smallest_sufficient_roster(agents: int, shrinkage: float) -> None:
    staff = apply_shrinkage(agents, shrinkage)
    assert staff * (1 - shrinkage) >= agents - 1e-9
    assert staff == 0 or (staff - 1) * (1 - shrinkage) < agents + 1e-9
