"""What is said for a call: templates per language, numbers digit by digit, windows whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from displays.announce import announcement, number_words, window_words
from displays.kit.messages import ANNOUNCE_TEMPLATES, BURST_TEMPLATES
from displays.settings import parse_display_settings
from queue_server.config import ConfigError


def test_default_chinese_sentence_and_its_words() -> None:
    spoken = announcement("zh-CN", ANNOUNCE_TEMPLATES["zh-CN"], "A001", 3)
    assert spoken.text == "请A001号到3号窗口"
    assert spoken.words == ("请", "A", "零", "零", "一", "号到", "三", "号窗口")
    assert spoken.speech == "请 A 零 零 一 号到 三 号窗口"
    # Cut at the number: the window phrase is the same for every call to window 3.
    assert spoken.phrases == (("请",), ("A", "零", "零", "一"), ("号到", "三", "号窗口"))


def test_a_call_in_a_burst_is_said_short() -> None:
    spoken = announcement("zh-CN", BURST_TEMPLATES["zh-CN"], "B002", 5)
    assert spoken.text == "B002到5号"
    assert spoken.phrases == (("B", "零", "零", "二"), ("到", "五", "号"))


def test_default_english_sentence() -> None:
    spoken = announcement("en", ANNOUNCE_TEMPLATES["en"], "B120", 12)
    assert spoken.text == "Number B120, please go to window 12"
    assert spoken.speech == "Number B one two zero , please go to window twelve"


def test_cantonese_template_uses_chinese_digits() -> None:
    spoken = announcement("yue", ANNOUNCE_TEMPLATES["yue"], "C305", 7)
    assert spoken.words == ("請", "C", "三", "零", "五", "號到", "七", "號窗口")


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("A001", ["A", "零", "零", "一"]),
        ("K100", ["K", "一", "零", "零"]),
        ("L9", ["L", "九"]),
        ("123", ["一", "二", "三"]),
    ],
)
def test_numbers_are_read_digit_by_digit_letters_as_letters(number: str, words: list[str]) -> None:
    assert number_words("zh-CN", number) == words


@pytest.mark.parametrize(
    ("window", "zh", "en"),
    [
        (1, "一", "one"),
        (10, "十", "ten"),
        (12, "十二", "twelve"),
        (20, "二十", "twenty"),
        (23, "二十三", "twenty three"),
        (101, "一百零一", "one hundred and one"),
        (110, "一百一十", "one hundred and ten"),
        (121, "一百二十一", "one hundred and twenty one"),
    ],
)
def test_windows_are_read_as_whole_numbers(window: int, zh: str, en: str) -> None:
    assert "".join(window_words("zh-CN", window)) == zh
    assert " ".join(window_words("en", window)) == en


def test_a_hall_template_replaces_the_default(tmp_path: Path) -> None:
    settings = parse_display_settings(
        {"templates": {"zh-CN": "{number}号请到{window}号窗口"}, "languages": ["zh-CN"]},
        base_dir=tmp_path,
    )
    spoken = announcement("zh-CN", settings.templates["zh-CN"], "A002", 5)
    assert spoken.words == ("A", "零", "零", "二", "号请到", "五", "号窗口")
    assert settings.languages == ("zh-CN",)


def test_the_defaults_are_short_and_said_once(tmp_path: Path) -> None:
    settings = parse_display_settings({}, base_dir=tmp_path)
    assert settings.languages == ("zh-CN",) and settings.repeat == 1
    # A burst's calls are said faster than a call on its own.
    assert settings.burst_speed > settings.speed
    both = parse_display_settings({"languages": ["zh-CN", "yue"], "repeat": 2}, base_dir=tmp_path)
    assert both.languages == ("zh-CN", "yue") and both.repeat == 2


def test_bad_display_settings_name_each_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        parse_display_settings(
            {"languages": ["fr"], "repeat": 9, "templates": {"en": "no placeholder"}, "burst_speed": 900},
            base_dir=tmp_path,
        )
    problems = " ".join(error.value.problems)
    assert "fr" in problems and "repeat" in problems and "templates.en" in problems
    assert "displays.burst_speed: must be 80 to 450 words per minute, got 900" in problems
