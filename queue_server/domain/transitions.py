"""Every legal step of a ticket and of a window, each in one table.

A step not in its table is refused with a Conflict naming the state and the verb: the
queue never silently ignores a clerk's button.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from queue_server.domain.errors import Conflict
from queue_server.domain.model import TicketStatus, WindowState


class TicketVerb(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    REACTIVATE = "reactivate"
    HOLD = "hold"
    CALL_BACK = "call_back"
    TRANSFER = "transfer"
    CANCEL = "cancel"
    EXPIRE = "expire"


class WindowVerb(StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


_T = TicketStatus
_V = TicketVerb

TICKET_TRANSITIONS: Mapping[tuple[TicketStatus, TicketVerb], TicketStatus] = {
    (_T.WAITING, _V.CALL): _T.CALLED,
    (_T.CALLED, _V.RECALL): _T.CALLED,
    (_T.CALLED, _V.START): _T.SERVING,
    (_T.SERVING, _V.FINISH): _T.DONE,
    (_T.CALLED, _V.NO_SHOW): _T.NO_SHOW,
    (_T.NO_SHOW, _V.REACTIVATE): _T.WAITING,
    (_T.SERVING, _V.HOLD): _T.HELD,
    (_T.HELD, _V.CALL_BACK): _T.CALLED,
    # A transfer sends the ticket back to the queue of its new category or window,
    # keeping its place by issue time.
    (_T.WAITING, _V.TRANSFER): _T.WAITING,
    (_T.CALLED, _V.TRANSFER): _T.WAITING,
    (_T.SERVING, _V.TRANSFER): _T.WAITING,
    (_T.WAITING, _V.CANCEL): _T.CANCELLED,
    # At the hall's local midnight what is still open from the day before expires.
    (_T.WAITING, _V.EXPIRE): _T.EXPIRED,
    (_T.NO_SHOW, _V.EXPIRE): _T.EXPIRED,
    (_T.HELD, _V.EXPIRE): _T.EXPIRED,
}

_W = WindowState
_WV = WindowVerb

WINDOW_TRANSITIONS: Mapping[tuple[WindowState, WindowVerb], WindowState] = {
    (_W.CLOSED, _WV.OPEN): _W.OPEN,
    (_W.OPEN, _WV.PAUSE): _W.PAUSED,
    (_W.PAUSED, _WV.RESUME): _W.OPEN,
    (_W.OPEN, _WV.CLOSE): _W.CLOSED,
    (_W.PAUSED, _WV.CLOSE): _W.CLOSED,
}

TERMINAL_STATUSES = frozenset(
    status for status in TicketStatus if not any(s == status for s, _ in TICKET_TRANSITIONS)
)


def next_ticket_status(status: TicketStatus, verb: TicketVerb, number: str) -> TicketStatus:
    try:
        return TICKET_TRANSITIONS[(status, verb)]
    except KeyError:
        raise Conflict(
            "error.illegal_ticket_step", number=number, status=status.value, verb=verb.value
        ) from None


def next_window_state(state: WindowState, verb: WindowVerb, number: int) -> WindowState:
    try:
        return WINDOW_TRANSITIONS[(state, verb)]
    except KeyError:
        raise Conflict(
            "error.illegal_window_step", window=number, state=state.value, verb=verb.value
        ) from None
