from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.domain.errors import Conflict
from queue_server.domain.model import TicketStatus, WindowState
from queue_server.domain.transitions import (
    TERMINAL_STATUSES,
    TICKET_TRANSITIONS,
    WINDOW_TRANSITIONS,
    TicketVerb,
    WindowVerb,
    next_ticket_status,
    next_window_state,
)


def test_the_lifecycle_the_hall_expects() -> None:
    path = [
        (TicketVerb.CALL, TicketStatus.CALLED),
        (TicketVerb.RECALL, TicketStatus.CALLED),
        (TicketVerb.START, TicketStatus.SERVING),
        (TicketVerb.HOLD, TicketStatus.HELD),
        (TicketVerb.CALL_BACK, TicketStatus.CALLED),
        (TicketVerb.START, TicketStatus.SERVING),
        (TicketVerb.FINISH, TicketStatus.DONE),
    ]
    status = TicketStatus.WAITING
    for verb, expected in path:
        status = next_ticket_status(status, verb, "A001")
        assert status is expected


def test_terminal_statuses_are_done_cancelled_expired() -> None:
    assert {TicketStatus.DONE, TicketStatus.CANCELLED, TicketStatus.EXPIRED} == TERMINAL_STATUSES


@given(st.sampled_from(list(TicketStatus)), st.sampled_from(list(TicketVerb)))
def test_every_ticket_step_follows_the_table_or_is_refused(status: TicketStatus, verb: TicketVerb) -> None:
    if (status, verb) in TICKET_TRANSITIONS:
        assert next_ticket_status(status, verb, "A001") is TICKET_TRANSITIONS[(status, verb)]
    else:
        with pytest.raises(Conflict) as refused:
            next_ticket_status(status, verb, "A001")
        assert refused.value.params == {
            "number": "A001",
            "status": status.value,
            "verb": verb.value,
        }


@given(st.lists(st.sampled_from(list(TicketVerb)), max_size=30))
def test_no_sequence_of_verbs_leaves_a_terminal_status(verbs: list[TicketVerb]) -> None:
    status = TicketStatus.WAITING
    for verb in verbs:
        was_terminal = status in TERMINAL_STATUSES
        try:
            status = next_ticket_status(status, verb, "A001")
        except Conflict:
            continue
        assert not was_terminal


@given(st.sampled_from(list(WindowState)), st.sampled_from(list(WindowVerb)))
def test_every_window_step_follows_the_table_or_is_refused(state: WindowState, verb: WindowVerb) -> None:
    if (state, verb) in WINDOW_TRANSITIONS:
        assert next_window_state(state, verb, 3) is WINDOW_TRANSITIONS[(state, verb)]
    else:
        with pytest.raises(Conflict):
            next_window_state(state, verb, 3)
