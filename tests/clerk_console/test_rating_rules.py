"""The rules of a rating, the clerk's figures and the [console] settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clerk_console.settings import parse_console_settings
from queue_server.config import ConfigError
from queue_server.domain.errors import Invalid
from queue_server.domain.model import DEFAULT_RATING_REASONS
from queue_server.ratings import Rating, check_rating, is_bad
from queue_server.reports.clerk_stats import Step, clerk_figures

REASONS = frozenset(reason.code for reason in DEFAULT_RATING_REASONS)


@pytest.mark.parametrize("level", [5, 4, 3])
def test_a_good_rating_needs_nothing_more(level: int) -> None:
    check_rating(level, None, None, REASONS)
    assert not is_bad(level)


@pytest.mark.parametrize("level", [2, 1])
def test_a_bad_rating_needs_a_reason_or_words(level: int) -> None:
    assert is_bad(level)
    with pytest.raises(Invalid) as refused:
        check_rating(level, None, "   ", REASONS)
    assert refused.value.key == "error.rating_needs_reason"
    check_rating(level, "wait", None, REASONS)
    check_rating(level, None, "窗口人员离开了二十分钟", REASONS)


@pytest.mark.parametrize("level", [0, 6, -1])
def test_levels_are_one_to_five(level: int) -> None:
    with pytest.raises(Invalid) as refused:
        check_rating(level, None, None, REASONS)
    assert refused.value.key == "error.rating_level"


def test_an_unknown_reason_is_named() -> None:
    with pytest.raises(Invalid) as refused:
        check_rating(1, "bribe", None, REASONS)
    assert refused.value.params == {"reason": "bribe"}


def _rating(clerk: str, level: int) -> Rating:
    at = datetime(2026, 11, 23, 3, tzinfo=UTC)
    return Rating("weiyang", f"t{level}{clerk}", 1, clerk, level, None, None, at, "device")


def test_figures_count_only_the_clerks_own_steps() -> None:
    steps = [
        Step("ticket.finished", "clerk1", 200),
        Step("ticket.finished", "clerk1", 400),
        Step("ticket.finished", "clerk2", 900),
        Step("ticket.no_show", "clerk1", None),
    ]
    ratings = [_rating("clerk1", 5), _rating("clerk1", 2), _rating("clerk2", 1)]
    figures = clerk_figures("clerk1", steps, ratings).public()
    assert figures == {
        "served": 2,
        "average_handling_s": 300,
        "no_shows": 1,
        "ratings": 2,
        "average_rating": 3.5,
        "good": 1,
        "bad": 1,
        "good_share": 0.5,
    }
    empty = clerk_figures("clerk3", steps, ratings).public()
    assert empty["average_handling_s"] is None and empty["good_share"] is None


def test_console_settings_from_config() -> None:
    settings = parse_console_settings({"pause_limit_minutes": 45})
    assert settings.pause_limit == timedelta(minutes=45)
    with pytest.raises(ConfigError) as bad:
        parse_console_settings({"pause_limit_minutes": 0, "rating_timeout_seconds": "x"})
    assert len(bad.value.problems) == 2
