from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.domain.dispatch import (
    Candidate,
    Choice,
    DispatchRules,
    QueueClass,
    WindowView,
    can_serve,
    choose_next,
    classify,
    fifo_key,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CATEGORIES = ["business", "social", "tax", "pickup"]
RULES = DispatchRules(priority_ratio=2, aging=timedelta(minutes=45))


def ticket(
    id: str,
    minutes_ago: float,
    category: str = "business",
    priority: str = "normal",
    slot: tuple[datetime, datetime] | None = None,
    target_window: int | None = None,
) -> Candidate:
    issued = NOW - timedelta(minutes=minutes_ago)
    start, end = slot or (None, None)
    return Candidate(
        id=id,
        category=category,
        priority=priority,
        issued_at=issued,
        queue_at=issued,
        target_window=target_window,
        appointment_start=start,
        appointment_end=end,
    )


COMPREHENSIVE = WindowView(number=1, categories=None)


def test_green_channel_goes_first_even_before_aged_tickets() -> None:
    queue = [ticket("old", 60), ticket("green", 1, priority="green")]
    assert choose_next(queue, COMPREHENSIVE, NOW, RULES) == Choice("green", QueueClass.GREEN, 0)


def test_an_aged_normal_ticket_outranks_priority_and_appointments() -> None:
    slot = (NOW - timedelta(minutes=5), NOW + timedelta(minutes=25))
    queue = [
        ticket("elder", 10, priority="elderly"),
        ticket("booked", 2, priority="appointment", slot=slot),
        ticket("waited-50-min", 50),
    ]
    assert choose_next(queue, COMPREHENSIVE, NOW, RULES).ticket_id == "waited-50-min"  # type: ignore[union-attr]


def test_appointment_counts_only_inside_its_slot() -> None:
    later = (NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    inside = (NOW - timedelta(minutes=5), NOW + timedelta(minutes=25))
    assert (
        classify(ticket("a", 1, priority="appointment", slot=later), COMPREHENSIVE, NOW, RULES)
        is QueueClass.NORMAL
    )
    queue = [ticket("normal", 20), ticket("booked", 1, priority="appointment", slot=inside)]
    assert choose_next(queue, COMPREHENSIVE, NOW, RULES).ticket_id == "booked"  # type: ignore[union-attr]


def test_ticket_transferred_to_a_window_is_only_for_that_window() -> None:
    directed = ticket("for-5", 1, target_window=5)
    assert choose_next([directed], WindowView(4, None), NOW, RULES) is None
    queue = [ticket("earlier", 10), directed]
    assert choose_next(queue, WindowView(5, frozenset({"tax"})), NOW, RULES).ticket_id == "for-5"  # type: ignore[union-attr]


def test_priority_and_normal_interleave_two_to_one() -> None:
    priority = [ticket(f"p{i}", 30 - i, priority="elderly") for i in range(6)]
    normal = [ticket(f"n{i}", 40 - i) for i in range(6)]
    waiting = priority + normal
    window = COMPREHENSIVE
    served = []
    for _ in range(9):
        choice = choose_next(waiting, window, NOW, RULES)
        assert choice is not None
        served.append(choice.ticket_id)
        waiting = [c for c in waiting if c.id != choice.ticket_id]
        window = WindowView(window.number, window.categories, choice.priority_streak)
    assert served == ["p0", "p1", "n0", "p2", "p3", "n1", "p4", "p5", "n2"]


def test_a_specialised_window_never_takes_another_category() -> None:
    window = WindowView(11, frozenset({"crossprov"}))
    assert choose_next([ticket("a", 5), ticket("b", 3, category="tax")], window, NOW, RULES) is None


def test_a_green_channel_window_calls_green_tickets_and_its_transfers_only() -> None:
    green_window = WindowView(12, frozenset({"business", "tax"}), green_only=True)
    ordinary = [ticket("old", 50), ticket("elder", 20, priority="elderly")]
    assert choose_next(ordinary, green_window, NOW, RULES) is None
    green = ticket("key-project", 1, priority="green")
    assert choose_next([*ordinary, green], green_window, NOW, RULES).ticket_id == "key-project"  # type: ignore[union-attr]
    sent_here = ticket("sent-here", 5, target_window=12)
    assert choose_next([*ordinary, sent_here], green_window, NOW, RULES).ticket_id == "sent-here"  # type: ignore[union-attr]
    other_category = ticket("green-social", 1, category="social", priority="green")
    assert choose_next([other_category], green_window, NOW, RULES) is None


def test_a_green_channel_window_allowed_to_serve_others_does_so_when_no_green_waits() -> None:
    serves_others = WindowView(12, frozenset({"business"}), green_only=False)
    queue = [ticket("old", 50), ticket("key-project", 1, priority="green")]
    assert choose_next(queue, serves_others, NOW, RULES).ticket_id == "key-project"  # type: ignore[union-attr]
    assert choose_next(queue[:1], serves_others, NOW, RULES).ticket_id == "old"  # type: ignore[union-attr]


# ---- properties --------------------------------------------------------------------

priorities = st.sampled_from(["normal", "normal", "elderly", "disabled", "green", "appointment"])


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(min_value=0, max_value=25))
    result = []
    for i in range(count):
        issued = NOW - timedelta(seconds=draw(st.integers(min_value=0, max_value=4 * 3600)))
        requeued = draw(st.booleans())
        queue_at = issued + timedelta(seconds=draw(st.integers(0, 600))) if requeued else issued
        priority = draw(priorities)
        start = end = None
        if priority == "appointment":
            start = NOW + timedelta(minutes=draw(st.integers(-90, 90)))
            end = start + timedelta(minutes=30)
        target = draw(st.one_of(st.none(), st.integers(1, 4))) if draw(st.integers(0, 9)) == 0 else None
        result.append(
            Candidate(
                id=f"t{i:02d}",
                category=draw(st.sampled_from(CATEGORIES)),
                priority=priority,
                issued_at=issued,
                queue_at=queue_at,
                target_window=target,
                appointment_start=start,
                appointment_end=end,
            )
        )
    return result


windows = st.builds(
    WindowView,
    number=st.integers(1, 4),
    categories=st.one_of(st.none(), st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
    priority_streak=st.integers(0, 3),
    green_only=st.booleans(),
)
rules = st.builds(
    DispatchRules,
    priority_ratio=st.integers(1, 4),
    aging=st.sampled_from([timedelta(minutes=m) for m in (15, 45, 90)]),
)


@given(candidates(), windows, rules)
def test_never_a_ticket_the_window_cannot_serve(
    queue: list[Candidate], window: WindowView, r: DispatchRules
) -> None:
    choice = choose_next(queue, window, NOW, r)
    servable = [c for c in queue if can_serve(window, c)]
    assert (choice is None) == (not servable)
    if choice is not None:
        assert can_serve(window, next(c for c in queue if c.id == choice.ticket_id))


@given(candidates(), windows, rules)
def test_fifo_inside_the_chosen_class(queue: list[Candidate], window: WindowView, r: DispatchRules) -> None:
    choice = choose_next(queue, window, NOW, r)
    if choice is None:
        return
    chosen = next(c for c in queue if c.id == choice.ticket_id)
    same_class = [
        c for c in queue if can_serve(window, c) and classify(c, window, NOW, r) is choice.queue_class
    ]
    assert fifo_key(chosen, choice.queue_class) == min(fifo_key(c, choice.queue_class) for c in same_class)


@given(candidates(), windows, rules, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_order_given(
    queue: list[Candidate], window: WindowView, r: DispatchRules, rnd: object
) -> None:
    shuffled = list(queue)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert choose_next(queue, window, NOW, r) == choose_next(shuffled, window, NOW, r)
    assert choose_next(queue, window, NOW, r) == choose_next(list(queue), window, NOW, r)


@settings(max_examples=60)
@given(st.integers(1, 5), st.integers(0, 5), st.lists(st.booleans(), min_size=30, max_size=60))
def test_no_starvation_under_the_ratio(ratio: int, streak: int, arrivals: list[bool]) -> None:
    """With both kinds always waiting, a normal ticket is taken at least every ratio+1 calls
    and a priority ticket at least every second call."""
    r = DispatchRules(priority_ratio=ratio, aging=timedelta(hours=8))
    waiting = [ticket(f"p{i:03d}", 100 - i * 0.1, priority="elderly") for i in range(3)]
    waiting += [ticket(f"n{i:03d}", 100 - i * 0.1) for i in range(3)]
    window = WindowView(1, None, streak)
    kinds = []
    for step, priority_arrives in enumerate(arrivals):
        choice = choose_next(waiting, window, NOW, r)
        assert choice is not None
        kinds.append(choice.queue_class)
        waiting = [c for c in waiting if c.id != choice.ticket_id]
        window = WindowView(1, None, choice.priority_streak)
        # keep both kinds waiting, as in a busy hall
        for kind in ("elderly", "normal"):
            if not any((c.priority == kind) for c in waiting):
                waiting.append(ticket(f"{kind[0]}x{step:03d}", 1, priority=kind))
        if priority_arrives:
            waiting.append(ticket(f"px{step:03d}b", 0.5, priority="elderly"))
    for start in range(len(kinds) - ratio):
        assert QueueClass.NORMAL in kinds[start : start + ratio + 1]
    for start in range(len(kinds) - 1):
        assert QueueClass.PRIORITY in kinds[start : start + 2]
