"""The pages' one catalog: both languages everywhere, the same placeholders in each, no key
that the server's catalog also has, and a family's view that keeps the shared words."""

from __future__ import annotations

import string

from displays.kit.messages import FAMILIES, LANGUAGES, MESSAGES, page_strings, translate
from queue_server.messages import MESSAGES as SERVER_MESSAGES


def placeholders(template: str) -> set[str]:
    """Its {names}; `category_en` in English stands for `category` in Chinese."""
    return {name.removesuffix("_en") for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_entry_is_in_both_languages_with_the_same_placeholders() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGUAGES), key
        assert placeholders(entry["zh-CN"]) == placeholders(entry["en"]), key


def test_a_sentence_is_worded_by_one_catalog_only() -> None:
    assert not set(MESSAGES) & set(SERVER_MESSAGES)


def test_a_family_gets_its_own_words_over_the_shared_ones() -> None:
    visitor, staff = page_strings("visitor"), page_strings()
    assert visitor["status.called"]["en"] == "Called: please go to the window"
    assert staff["status.called"]["en"] == "Called"
    assert visitor["status.cancelled"] == staff["status.cancelled"]  # written once, shared
    assert page_strings("screen")["state.open"]["zh-CN"] == "等待叫号"


def test_a_missing_parameter_shows_as_its_name() -> None:
    assert translate("screen.go_to_window", "en") == "Please go to window {window}"
    assert translate("screen.go_to_window", "en", window=3) == "Please go to window 3"
    handling = translate("alert.long_handling", "en", window=3, number="A001")
    assert handling == "Window 3 has served A001 for {minutes} min (limit {limit} min)"


# Words looked up by a code (`event.{type}`, `status.{status}`, ...): a page names the code, so
# such a table keeps an entry for every code even where another key has the same words.
CODE_TABLES = ("event.", "status.", "priority.", "role.", "actor.", "verb.", "reason.", "pause.")


def test_a_family_does_not_keep_its_own_copy_of_a_shared_word() -> None:
    families = tuple(f"{family}." for family in FAMILIES)
    shared = {
        key: entry
        for key, entry in MESSAGES.items()
        if not key.startswith(families) and not key.startswith(CODE_TABLES)
    }
    copies = {
        key: [other for other, words in shared.items() if words == entry]
        for key, entry in MESSAGES.items()
        if key.startswith(families)
    }
    assert {key: others for key, others in copies.items() if others} == {}
