"""A hall's settings changed live (HallState.configure): what it takes, what it refuses and why."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server.config import parse_settings
from queue_server.domain.errors import Conflict
from queue_server.domain.events import EventType
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.hall_document import InvalidHallDocument, hall_document, read_hall
from queue_server.domain.model import HallSpec, TicketStatus, WindowState
from tests.conftest import demo_config

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
DEMO = parse_settings(demo_config()).halls[0]


class Hall:
    """A HallState driven as the runtime drives it: decide, then apply."""

    def __init__(self) -> None:
        self.state = HallState(DEMO)
        self.now = START
        self._ids = (f"id{i:04d}" for i in itertools.count())

    def issue(self, category: str = "business", priority: str = "normal") -> str:
        self.now += timedelta(minutes=1)
        outcome = self.state.issue(next(self._ids), category, priority, "kiosk", self.now, "kiosk")
        self.state.apply(outcome)
        assert outcome.ticket is not None
        return outcome.ticket.number

    def configure(self, document: dict[str, Any]) -> Outcome:
        self.now += timedelta(minutes=1)
        outcome = self.state.configure(read_hall(document), self.now, "admin:root")
        self.state.apply(outcome)
        return outcome

    def refusal(self, document: dict[str, Any]) -> Conflict:
        with pytest.raises(Conflict) as refused:
            self.state.configure(read_hall(document), self.now, "admin:root")
        return refused.value


def document() -> dict[str, Any]:
    return copy.deepcopy(hall_document(DEMO))


def without_category(doc: dict[str, Any], code: str) -> dict[str, Any]:
    doc["categories"] = [c for c in doc["categories"] if c["code"] != code]
    for window in doc["windows"]:
        if "categories" in window:
            window["categories"] = [c for c in window["categories"] if c != code]
            if not window["categories"]:
                del window["categories"]  # its only category gone: it serves every one
    return doc


def test_the_document_reads_back_into_the_same_settings() -> None:
    assert read_hall(hall_document(DEMO)) == DEMO


def test_a_new_category_is_issued_at_once_with_its_letter_and_in_the_ledger() -> None:
    hall = Hall()
    doc = document()
    doc["categories"].append({"code": "passport", "prefix": "P", "name": "出入境", "name_en": "Exit-entry"})
    (configured,) = hall.configure(doc).events
    assert hall.issue("passport") == "P001"
    assert "passport" in {c["code"] for c in hall.state.snapshot()["categories"]}
    assert configured.type is EventType.HALL_CONFIGURED
    assert configured.actor == "admin:root"
    assert configured.data["settings"]["categories"][-1]["code"] == "passport"


def test_removing_a_category_with_waiting_tickets_names_them_until_they_are_moved() -> None:
    hall = Hall()
    first, second = hall.issue("tax"), hall.issue("tax")
    refusal = hall.refusal(without_category(document(), "tax"))
    assert refusal.key == "error.settings_category_in_use"
    assert refusal.params["category"] == "税务办理"
    assert refusal.params["count"] == 2
    assert refusal.params["numbers"] == f"{first}、{second}"
    for ticket in list(hall.state.waiting()):
        hall.state.apply(hall.state.transfer(ticket.id, hall.now, "supervisor", to_category="business"))
    hall.configure(without_category(document(), "tax"))
    assert hall.state.spec.category("tax") is None


def test_a_letter_on_todays_tickets_cannot_pass_to_another_category() -> None:
    hall = Hall()
    number = hall.issue("business")  # A001
    doc = document()
    doc["categories"][0]["prefix"] = "Z"  # business takes Z ...
    doc["categories"].append({"code": "passport", "prefix": "A", "name": "出入境"})  # ... A goes on
    refusal = hall.refusal(doc)
    assert refusal.key == "error.settings_prefix_in_use"
    assert refusal.params == {
        "prefix": "A",
        "category": "出入境",
        "category_en": "出入境",
        "number": number,
    }
    # Its own category may change letter: the day's numbers go on counting.
    doc["categories"].pop()
    hall.configure(doc)
    assert hall.issue("business") == "Z002"


def test_letters_used_twice_are_refused_naming_the_key() -> None:
    doc = document()
    doc["categories"][1]["prefix"] = "A"
    with pytest.raises(InvalidHallDocument) as invalid:
        read_hall(doc)
    assert invalid.value.problems == ["hall.categories: prefix 'A' is used twice"]


def test_a_special_day_or_a_kiosk_given_twice_is_refused_naming_it() -> None:
    doc = document()
    doc["hours"]["special"] = [
        {"date": "2026-12-24", "sessions": [["09:00", "20:00"]]},
        {"date": "2026-12-24", "sessions": [["18:00", "09:00"]]},
    ]
    doc["kiosk_printers"] = [{"kiosk": "kiosk-1", "printer": "p1"}, {"kiosk": "kiosk-1", "printer": "p2"}]
    with pytest.raises(InvalidHallDocument) as invalid:
        read_hall(doc)
    assert invalid.value.problems == [
        "hall.hours.special[1].sessions[0]: ends (09:00) before it starts (18:00)",
        "hall.hours.special: date '2026-12-24' is used twice",
        "hall.kiosk_printers: kiosk 'kiosk-1' is used twice",
    ]


def test_an_open_window_is_not_removed_and_a_closed_one_is() -> None:
    hall = Hall()
    hall.state.apply(hall.state.open_window(13, "clerk1", hall.now, "clerk:clerk1"))
    doc = document()
    doc["windows"] = [w for w in doc["windows"] if w["number"] != 13]
    refusal = hall.refusal(doc)
    assert refusal.key == "error.settings_window_in_use"
    assert refusal.params == {"window": 13, "state": "open", "clerk": "clerk1"}
    hall.state.apply(hall.state.close(13, hall.now, "clerk:clerk1"))
    hall.configure(doc)
    assert 13 not in hall.state.windows
    assert [w["number"] for w in hall.state.snapshot()["windows"]] == list(range(1, 13))


def test_a_new_window_starts_closed_and_an_open_one_keeps_its_clerk_under_a_new_name() -> None:
    hall = Hall()
    hall.state.apply(hall.state.open_window(1, "clerk1", hall.now, "clerk:clerk1"))
    doc = document()
    doc["windows"][0]["name"] = "综合窗口一"
    doc["windows"].append({"number": 14, "name": "14号窗口", "categories": ["tax"]})
    hall.configure(doc)
    assert hall.state.windows[14].state is WindowState.CLOSED
    assert hall.state.windows[14].categories == frozenset({"tax"})
    assert hall.state.windows[1].state is WindowState.OPEN
    assert hall.state.windows[1].clerk == "clerk1"
    assert hall.state.windows[1].public()["name"] == "综合窗口一"


def test_hours_that_end_today_while_visitors_wait_are_refused() -> None:
    hall = Hall()
    hall.issue("business")
    doc = document()
    doc["hours"]["weekdays"] = [["08:00", "09:30"]]  # it is past 10:00
    refusal = hall.refusal(doc)
    assert refusal.key == "error.settings_hours_strand"
    assert refusal.params == {"count": 1, "closing": "09:30", "until": "17:30"}
    # An extended-service evening today is taken at once.
    doc = document()
    doc["hours"]["special"] = [{"date": "2026-11-23", "sessions": [["09:00", "20:00"]], "note": "延时服务"}]
    hall.configure(doc)
    assert hall.state.spec.hours.sessions_on(START.date())[-1][1].hour == 20


def test_a_priority_class_with_waiting_visitors_is_not_removed() -> None:
    hall = Hall()
    number = hall.issue("business", "elderly")
    doc = document()
    doc["priorities"] = [p for p in doc["priorities"] if p["code"] != "elderly"]
    refusal = hall.refusal(doc)
    assert refusal.key == "error.settings_priority_in_use"
    assert refusal.params["numbers"] == number


def test_a_posted_notice_stays_unless_the_settings_notice_changes() -> None:
    hall = Hall()
    hall.state.apply(hall.state.post_notice("午休 12:00–13:30", hall.now, "supervisor"))
    doc = document()
    doc["priority_ratio"] = 3
    hall.configure(doc)
    assert hall.state.notice == "午休 12:00–13:30"
    doc["notice"] = "今日系统升级"
    hall.configure(doc)
    assert hall.state.notice == "今日系统升级"


def test_a_failed_write_restores_the_settings_and_windows_as_they_were() -> None:
    hall = Hall()
    doc = document()
    doc["windows"].append({"number": 14})
    checkpoint = hall.state.checkpoint()
    hall.configure(doc)
    assert 14 in hall.state.windows
    hall.state.restore(checkpoint)
    assert hall.state.spec == DEMO
    assert sorted(hall.state.windows) == list(range(1, 14))


def test_unchanged_settings_write_nothing() -> None:
    hall = Hall()
    assert hall.state.configure(DEMO, hall.now, "admin:root").events == []


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    issued=st.lists(st.sampled_from([c.code for c in DEMO.categories]), max_size=8),
    served=st.integers(min_value=0, max_value=8),
    removed=st.sets(st.sampled_from([c.code for c in DEMO.categories]), max_size=4),
)
def test_a_category_goes_exactly_when_no_open_ticket_needs_it(
    issued: list[str], served: int, removed: set[str]
) -> None:
    hall = Hall()
    for code in issued:
        hall.issue(code)
    # Window 1 serves some of the line to the end: done tickets do not hold a category back.
    hall.state.apply(hall.state.open_window(1, "clerk1", hall.now, "clerk:clerk1"))
    for _ in range(served):
        hall.state.apply(hall.state.call_next(1, hall.now, "clerk:clerk1"))
        if hall.state.windows[1].current_ticket is None:
            break
        hall.state.apply(hall.state.start(1, hall.now, "clerk:clerk1"))
        hall.state.apply(hall.state.finish(1, hall.now, "clerk:clerk1"))
    doc = document()
    for code in removed:
        doc = without_category(doc, code)
    in_use = {t.category for t in hall.state.tickets.values() if t.status is TicketStatus.WAITING} & removed
    new: HallSpec = read_hall(doc)
    if in_use:
        refusal = hall.refusal(doc)
        assert refusal.key == "error.settings_category_in_use"
        assert refusal.params["category"] in {c.name for c in DEMO.categories if c.code in in_use}
        assert hall.state.spec == DEMO
    else:
        hall.configure(doc)
        assert hall.state.spec == new
        assert set(hall.state.waiting_counts()) == {c.code for c in new.categories}
