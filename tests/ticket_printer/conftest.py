"""Shared ticket data for the ticket_printer tests.

Test modules get it through fixtures only: `import conftest` could find another test folder's
conftest module, as the test folders are not packages.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from ticket_printer import PrintableTicket

BEIJING = timezone(timedelta(hours=8))

TicketFactory = Callable[..., PrintableTicket]

SAMPLE = PrintableTicket(
    hall_name="西安经济技术开发区政务服务中心",
    category_name="企业开办",
    category_name_en="Business registration",
    number="A012",
    people_ahead=5,
    estimated_wait_s=610,
    issued_at=datetime(2024, 5, 1, 9, 30, tzinfo=BEIJING),
    tracking_url="https://hall.example/t/3f9a2c",
    footer="过号请重新取号",
)


@pytest.fixture
def sample_ticket() -> PrintableTicket:
    """A Chinese ticket for a business-registration visitor in Xi'an."""
    return SAMPLE


@pytest.fixture
def make_ticket() -> TicketFactory:
    """A sample ticket with any fields replaced."""

    def make(**changes: object) -> PrintableTicket:
        return replace(SAMPLE, **changes)  # type: ignore[arg-type]

    return make
