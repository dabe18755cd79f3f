from __future__ import annotations

import contextlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.config import parse_settings
from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.events import EventType
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import GREEN_CHANNEL, Ticket, TicketStatus, WindowState
from tests.conftest import demo_config

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


class Desk:
    """Drives a HallState as the runtime does: decide, then apply."""

    def __init__(self) -> None:
        self.state = HallState(parse_settings(demo_config()).halls[0])
        self.now = START
        self._ids = (f"id{i:04d}" for i in itertools.count())

    def do(self, outcome: Outcome) -> Outcome:
        self.state.apply(outcome)
        return outcome

    def tick(self, minutes: float = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def issue(self, category: str = "business", priority: str = "normal") -> str:
        outcome = self.do(
            self.state.issue(next(self._ids), category, priority, "kiosk", self.tick(), "kiosk")
        )
        assert outcome.ticket is not None
        return outcome.ticket.number

    def open(self, window: int, clerk: str = "clerk1") -> None:
        self.do(self.state.open_window(window, clerk, self.now, clerk))

    def call_next(self, window: int) -> str | None:
        outcome = self.do(self.state.call_next(window, self.tick(0.1), "clerk"))
        return None if outcome.ticket is None else outcome.ticket.number

    def number_at(self, window: int) -> str:
        current = self.state.window(window).current_ticket
        assert current is not None
        return self.state.tickets[current].number

    def ticket(self, number: str) -> TicketStatus:
        return self.state.ticket_by_number(
            number, self.state.tickets[next(iter(self.state.tickets))].service_day
        ).status


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_numbers_count_per_category_with_the_prefix(desk: Desk) -> None:
    assert [desk.issue("business"), desk.issue("social"), desk.issue("business")] == [
        "A001",
        "B001",
        "A002",
    ]


def test_numbering_restarts_at_the_halls_local_midnight(desk: Desk) -> None:
    desk.now = datetime(2026, 11, 23, 15, 57, tzinfo=UTC)  # each issue is a minute later
    assert desk.issue() == "A001"  # 23:58 in Shanghai
    assert desk.issue() == "A002"  # 23:59
    assert desk.issue() == "A001"  # 00:00, a new day


def test_new_day_expires_what_was_left_waiting(desk: Desk) -> None:
    desk.issue()
    desk.now += timedelta(days=1)
    outcome = desk.do(desk.state.roll_over(desk.now))
    assert [e.type for e in outcome.events] == [EventType.TICKET_EXPIRED]
    assert desk.state.waiting() == []


def test_call_next_is_fifo_and_refuses_while_a_ticket_is_in_progress(desk: Desk) -> None:
    first, second = desk.issue(), desk.issue("social")
    desk.open(1)
    assert desk.call_next(1) == first
    with pytest.raises(Conflict) as busy:
        desk.state.call_next(1, desk.now, "clerk")
    assert busy.value.key == "error.window_busy" and busy.value.params["number"] == first
    desk.do(desk.state.start(1, desk.now, "clerk"))
    desk.do(desk.state.finish(1, desk.tick(), "clerk"))
    assert desk.call_next(1) == second


def test_a_closed_or_paused_window_cannot_call(desk: Desk) -> None:
    desk.issue()
    with pytest.raises(Conflict):
        desk.state.call_next(2, desk.now, "clerk")
    desk.open(2)
    desk.do(desk.state.pause(2, "lunch", desk.now, "clerk"))
    with pytest.raises(Conflict) as paused:
        desk.state.call_next(2, desk.now, "clerk")
    assert paused.value.params["state"] == WindowState.PAUSED.value


def test_pausing_with_a_visitor_at_the_window_is_refused(desk: Desk) -> None:
    desk.issue()
    desk.open(1)
    desk.call_next(1)
    with pytest.raises(Conflict):
        desk.state.pause(1, "lunch", desk.now, "clerk")


def test_no_show_comes_back_behind_the_next_three_not_at_the_end(desk: Desk) -> None:
    missed = desk.issue()
    others = [desk.issue() for _ in range(5)]
    desk.open(1)
    assert desk.call_next(1) == missed
    desk.do(desk.state.no_show(1, desk.tick(), "clerk"))
    ticket_id = desk.state.ticket_by_number(missed, desk.state.today or START.date()).id
    desk.do(desk.state.reactivate(ticket_id, desk.tick(5), "clerk"))
    order = []
    for _ in range(6):
        number = desk.call_next(1)
        assert number is not None
        order.append(number)
        desk.do(desk.state.start(1, desk.now, "clerk"))
        desk.do(desk.state.finish(1, desk.tick(), "clerk"))
    assert order == [*others[:3], missed, *others[3:]]


def test_no_show_cannot_come_back_after_the_grace_period(desk: Desk) -> None:
    number = desk.issue()
    desk.open(1)
    desk.call_next(1)
    desk.do(desk.state.no_show(1, desk.now, "clerk"))
    ticket_id = desk.state.ticket_by_number(number, START.date()).id
    with pytest.raises(Conflict) as late:
        desk.state.reactivate(ticket_id, desk.tick(31), "clerk")
    assert late.value.key == "error.grace_expired"


def test_hold_frees_the_window_and_call_back_brings_the_visitor_back(desk: Desk) -> None:
    held, other = desk.issue(), desk.issue()
    desk.open(1)
    desk.call_next(1)
    desk.do(desk.state.start(1, desk.now, "clerk"))
    desk.do(desk.state.hold(1, desk.now, "clerk"))
    assert desk.call_next(1) == other  # the window serves others meanwhile
    with pytest.raises(Conflict):
        desk.state.call_back(1, None, desk.now, "clerk")  # still busy with the other
    desk.do(desk.state.start(1, desk.now, "clerk"))
    desk.do(desk.state.finish(1, desk.tick(), "clerk"))
    outcome = desk.do(desk.state.call_back(1, None, desk.tick(), "clerk"))
    assert outcome.ticket is not None and outcome.ticket.number == held
    assert outcome.events[-1].type is EventType.TICKET_CALLED_BACK
    assert desk.number_at(1) == held


def test_transfer_keeps_the_place_by_issue_time(desk: Desk) -> None:
    desk.open(1)
    early = desk.issue("social")
    later_tax = [desk.issue("tax") for _ in range(3)]
    assert desk.call_next(1) == early
    desk.do(desk.state.transfer_current(1, desk.tick(), "clerk", to_category="tax"))
    transferred = desk.state.ticket_by_number(early, START.date())
    assert transferred.category == "tax" and transferred.status is TicketStatus.WAITING
    assert desk.call_next(1) == early, "issued before the tax tickets, so it is still first"
    assert later_tax


def test_transfer_to_a_window_only_that_window_calls_it(desk: Desk) -> None:
    desk.open(1)
    desk.open(2, "clerk2")
    number = desk.issue()
    desk.call_next(1)
    desk.do(desk.state.transfer_current(1, desk.tick(), "clerk", to_window=2))
    assert desk.call_next(1) is None
    assert desk.call_next(2) == number


def test_transfer_needs_exactly_one_known_target(desk: Desk) -> None:
    desk.issue()
    desk.open(1)
    desk.call_next(1)
    with pytest.raises(Invalid):
        desk.state.transfer_current(1, desk.now, "clerk")
    with pytest.raises(NotFound):
        desk.state.transfer_current(1, desk.now, "clerk", to_category="nonsense")


def test_tide_window_follows_the_new_categories_from_the_next_call(desk: Desk) -> None:
    business = desk.issue("business")
    tax = desk.issue("tax")
    desk.open(1)
    desk.do(desk.state.set_services(1, frozenset({"tax"}), desk.now, "supervisor"))
    assert desk.call_next(1) == tax
    assert business


def test_call_a_given_number_out_of_turn(desk: Desk) -> None:
    desk.issue()
    wanted = desk.issue()
    desk.open(1)
    outcome = desk.do(desk.state.call_number(1, wanted.lower(), desk.now, "clerk"))
    assert outcome.ticket is not None and outcome.ticket.number == wanted


def test_people_ahead_and_estimate(desk: Desk) -> None:
    for _ in range(4):
        desk.issue()
    last = desk.state.ticket_by_number("A004", START.date())
    desk.open(1)
    desk.open(2, "clerk2")
    assert desk.state.ahead_of(last) == 3
    # 3 ahead over 2 open windows at the default 5 minutes each
    assert desk.state.estimated_wait_s(last) == round(3 / 2 * 300)


def test_every_step_is_in_the_ledger_with_actor_window_and_seq(desk: Desk) -> None:
    desk.issue()
    desk.open(1)
    desk.call_next(1)
    outcome = desk.do(desk.state.recall(1, desk.now, "clerk"))
    event = outcome.events[-1]
    assert (event.type, event.window, event.actor, event.seq) == (
        EventType.TICKET_RECALLED,
        1,
        "clerk",
        4,
    )
    assert desk.state.recent_calls[0]["type"] == "ticket.recalled"


def test_a_posted_notice_replaces_the_configured_one_in_the_snapshot(desk: Desk) -> None:
    assert desk.state.snapshot()["hall"]["notice"] == desk.state.spec.notice
    posted = desk.do(desk.state.post_notice("系统维护，暂停社保业务", desk.now, "supervisor"))
    assert desk.state.snapshot()["hall"]["notice"] == "系统维护，暂停社保业务"
    assert list(desk.state.recent_calls) == []  # a notice is not a call
    # after a restart the notice comes back from the ledger's recent events
    reloaded = HallState(desk.state.spec, recent_events=posted.events, seq=desk.state.seq)
    assert reloaded.snapshot()["hall"]["notice"] == "系统维护，暂停社保业务"


def test_a_green_channel_window_is_kept_for_green_channel_visitors(desk: Desk) -> None:
    """Window 12 (绿色通道, green_channel = true, not allowed to serve others) calls only
    green-channel tickets of its categories; the ordinary line waits for the other windows."""
    raw = demo_config()
    raw["halls"][0]["windows"][11].pop("green_channel_serves_others")
    desk.state = HallState(parse_settings(raw).halls[0])
    assert desk.state.window(12).spec.green_only
    ordinary = desk.issue("business")
    desk.open(12)
    assert desk.call_next(12) is None
    key_project = desk.issue("business", priority="green")
    assert desk.call_next(12) == key_project
    desk.open(1, "clerk2")
    assert desk.call_next(1) == ordinary
    # the estimate shares the line among the windows that could call it: not window 12
    desk.issue("business")
    second = desk.state.ticket_by_number(desk.issue("business"), START.date())
    assert desk.state.ahead_of(second) == 1
    assert desk.state.estimated_wait_s(second) == 300  # one ahead, one window, 5 min each


def test_the_demo_green_channel_window_serves_others_when_no_green_ticket_waits(desk: Desk) -> None:
    assert desk.state.window(12).spec.green_channel and not desk.state.window(12).spec.green_only
    ordinary = desk.issue("business")
    desk.open(12)
    key_project = desk.issue("business", priority="green")
    assert desk.call_next(12) == key_project  # green first
    desk.do(desk.state.start(12, desk.now, "clerk"))
    desk.do(desk.state.finish(12, desk.tick(), "clerk"))
    assert desk.call_next(12) == ordinary  # then the ordinary line


def test_the_snapshot_of_a_new_day_has_no_call_of_yesterday(desk: Desk) -> None:
    desk.open(1)
    desk.issue()
    called = desk.do(desk.state.call_next(1, desk.tick(), "clerk"))
    assert [c["number"] for c in desk.state.snapshot()["recent_calls"]] == ["A001"]
    # After midnight in Shanghai (16:00 UTC) the day rolls over: yesterday's call goes.
    desk.do(desk.state.roll_over(datetime(2026, 11, 23, 16, 1, tzinfo=UTC)))
    assert desk.state.snapshot()["recent_calls"] == []
    # A server started in the night loads the ledger's latest events, yesterday's call too,
    # and yesterday's ticket still waiting (the day rolls over at its first step).
    waiting = desk.state.ticket_by_number(desk.issue(), START.date())
    restarted = HallState(
        desk.state.spec,
        tickets=[waiting],
        recent_events=called.events,
        today=desk.state.today,
    )
    assert restarted.today is None  # not rolled over yet
    assert restarted.snapshot()["recent_calls"] == []
    # Today's calls show.
    desk.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    desk.issue()
    desk.open(2)
    desk.call_next(2)
    assert [c["window"] for c in desk.state.snapshot()["recent_calls"]] == [2]


def callers_counted_afresh(state: HallState, ticket: Ticket) -> tuple[int, int]:
    """People ahead of a waiting ticket and the open windows that may call it, counted from
    the windows and the line as they are now, without what HallState keeps between steps."""
    windows = [w for w in state.windows.values() if w.calls(ticket)]
    shared = {c.code for c in state.spec.categories if any(w.serves(c.code) for w in windows)}
    ahead = sum(
        1
        for other in state.waiting()
        if other.id != ticket.id
        and other.category in shared
        and (other.priority == GREEN_CHANNEL or (other.queue_at, other.id) < (ticket.queue_at, ticket.id))
    )
    return ahead, sum(1 for w in windows if w.state is WindowState.OPEN)


CATEGORIES = ["business", "social", "medical", "tax"]
steps = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(CATEGORIES), st.sampled_from(["normal", "green"])),
    st.tuples(st.just("open"), st.sampled_from([1, 2, 3, 12])),
    st.tuples(st.just("close"), st.sampled_from([1, 2, 3, 12])),
    st.tuples(st.just("call"), st.sampled_from([1, 2, 3, 12])),
    st.tuples(
        st.just("services"),
        st.sampled_from([1, 2, 3, 12]),
        st.one_of(st.none(), st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
    ),
    st.tuples(
        st.just("undone"),
        st.sampled_from([1, 2, 3, 12]),
        st.frozensets(st.sampled_from(CATEGORIES), min_size=1),
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(steps, min_size=1, max_size=40))
def test_people_ahead_follow_every_change_of_the_windows(actions: list[tuple[Any, ...]]) -> None:
    """The windows that may call a kind of ticket are kept between steps (every issue asks);
    whatever opens, closes, calls, retargets a window (tide windows) or is undone by a failed
    write, every waiting ticket's people ahead and estimate are as counted afresh."""
    desk = Desk()
    for action, *args in actions:
        with contextlib.suppress(Conflict, Invalid, NotFound):
            if action == "issue":
                desk.issue(*args)
            elif action == "open":
                desk.open(args[0], clerk=f"clerk{args[0]}")
            elif action == "close":
                desk.do(desk.state.close(args[0], desk.now, "clerk"))
            elif action == "call":
                desk.call_next(args[0])
            elif action == "services":
                desk.do(desk.state.set_services(args[0], args[1], desk.now, "supervisor"))
            else:  # a change whose write failed: memory goes back to what is durable
                checkpoint = desk.state.checkpoint()
                desk.do(desk.state.set_services(args[0], args[1], desk.now, "supervisor"))
                for ticket in desk.state.waiting():  # asked in between, as the batch's issues do
                    desk.state.ahead_of(ticket)
                desk.state.restore(checkpoint)
        for ticket in desk.state.waiting():
            ahead, opened = callers_counted_afresh(desk.state, ticket)
            handling = desk.state.spec.policy.default_handling.total_seconds()
            assert desk.state.ahead_of(ticket) == ahead
            assert desk.state.estimated_wait_s(ticket) == round(ahead / max(opened, 1) * handling)
