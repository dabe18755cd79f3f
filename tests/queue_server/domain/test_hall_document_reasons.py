"""A hall's pause and rating reasons in its document: read, written back, named when wrong,
kept from the settings before by a document that lacks them, seeded from config.toml's
[console] for a hall whose table leaves them out."""

from __future__ import annotations

from typing import Any

import pytest

from queue_server.config import ConfigError, parse_settings
from queue_server.domain.hall_document import InvalidHallDocument, hall_document, read_hall
from queue_server.domain.model import DEFAULT_PAUSE_REASONS, DEFAULT_RATING_REASONS, Reason
from queue_server.domain.settings_changes import settings_changes


def hall(**extra: Any) -> dict[str, Any]:
    return {
        "id": "weiyang",
        "categories": [{"code": "business", "prefix": "A", "name": "企业开办"}],
        "windows": [{"number": 1}],
        **extra,
    }


QUEUE = {"code": "queue", "name": "排队久", "name_en": "Long queue"}


def problems(raw: Any) -> list[str]:
    with pytest.raises(InvalidHallDocument) as refused:
        read_hall(raw)
    return refused.value.problems


def test_a_hall_without_reasons_offers_the_usual_ones() -> None:
    spec = read_hall(hall())
    assert spec.pause_reasons == DEFAULT_PAUSE_REASONS
    assert spec.rating_reasons == DEFAULT_RATING_REASONS


def test_reasons_are_read_and_written_back_the_same() -> None:
    spec = read_hall(hall(pause_reasons=[{"code": "training", "name": "培训"}], rating_reasons=[QUEUE]))
    assert spec.pause_reasons == (Reason("training", "培训", "培训"),)  # no English: the Chinese
    assert spec.rating_reasons == (Reason("queue", "排队久", "Long queue"),)
    assert read_hall(hall_document(spec)) == spec


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ([], 'hall.rating_reasons: expected at least one { code = "...", name = "..." }'),
        ("排队久", 'hall.rating_reasons: expected at least one { code = "...", name = "..." }'),
        ([QUEUE, {**QUEUE, "name": "人多"}], "hall.rating_reasons: code 'queue' is used twice"),
        ([{"name": "排队久"}], "hall.rating_reasons[0].code: missing"),
        ([{"code": "Queue!", "name": "排队久"}], "hall.rating_reasons[0].code: 'Queue!' must be lower-case"),
        ([QUEUE, {"code": "slow", "name": " "}], "hall.rating_reasons[1].name: must not be empty"),
        ([QUEUE, {"code": "slow", "name": 3}], "hall.rating_reasons[1].name: expected str, got 3"),
        ([QUEUE, "slow"], "hall.rating_reasons[1]: expected a table"),
        ([{**QUEUE, "code": f"r{i}"} for i in range(21)], "hall.rating_reasons: at most 20 reasons, got 21"),
    ],
)
def test_a_bad_reason_is_named_by_its_key(reasons: Any, expected: str) -> None:
    found = problems(hall(rating_reasons=reasons))
    assert any(p.startswith(expected) for p in found), found
    # The same reader for the pause reasons, named as theirs.
    found = problems(hall(pause_reasons=reasons))
    assert any(p.startswith(expected.replace("rating_reasons", "pause_reasons")) for p in found), found


def test_a_document_that_lacks_reasons_keeps_those_of_the_settings_before() -> None:
    """A `hall.configured` written before halls had their own reasons is read with the hall's."""
    before = read_hall(hall(rating_reasons=[QUEUE]))
    older = {k: v for k, v in hall_document(before).items() if k not in ("pause_reasons", "rating_reasons")}
    after = read_hall({**older, "notice": "今日延时服务"}, before=before)
    assert after.rating_reasons == before.rating_reasons and after.notice == "今日延时服务"
    # What a document says is what it says, whatever came before.
    assert read_hall(hall(rating_reasons=[{"code": "slow", "name": "慢"}]), before=before).rating_reasons == (
        Reason("slow", "慢", "慢"),
    )


def test_a_removed_reason_is_in_the_changes_with_its_code_and_words() -> None:
    before = hall_document(read_hall(hall(rating_reasons=[QUEUE, {"code": "slow", "name": "慢"}])))
    after = hall_document(read_hall(hall(rating_reasons=[{"code": "slow", "name": "太慢"}])))
    assert settings_changes(before, after) == [
        {
            "part": "rating_reasons",
            "change": "removed",
            "name": "排队久",
            "name_en": "Long queue",
            "code": "queue",
        },
        {"part": "rating_reasons", "change": "renamed", "name": "太慢", "name_en": "太慢", "code": "slow"},
    ]


def config(**console: Any) -> dict[str, Any]:
    return {"halls": [hall(), hall(id="zhaoyang", rating_reasons=[QUEUE])], "console": console}


def test_config_seeds_a_hall_that_leaves_its_reasons_out_from_console() -> None:
    pause = [{"code": "training", "name": "培训", "name_en": "Training"}]
    rating = [{"code": "attitude", "name": "态度差"}]
    weiyang, zhaoyang = parse_settings(config(rating_reasons=rating, pause_reasons=pause)).halls
    assert weiyang.rating_reasons == (Reason("attitude", "态度差", "态度差"),)
    assert weiyang.pause_reasons == (Reason("training", "培训", "Training"),)
    assert zhaoyang.rating_reasons == (Reason("queue", "排队久", "Long queue"),)  # its own
    assert zhaoyang.pause_reasons == weiyang.pause_reasons


def test_bad_console_reasons_are_named_once_as_console_keys() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_settings(config(rating_reasons=[{"code": "x"}]))
    assert refused.value.problems == ["console.rating_reasons[0].name: missing"]
