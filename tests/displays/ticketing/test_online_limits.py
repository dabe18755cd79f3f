"""The per-phone online limit (issue #11, item 12): other scripts' digits are the same phone, and
eight requests at once cannot pass a limit of three."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.ticketing.online import PHONE_PATTERN, normalise_phone
from tests.ticket_printer.live import LiveHall


def test_full_width_and_arabic_indic_digits_are_the_same_phone() -> None:
    for raw in ("１３８００１３８０００", "١٣٨٠٠١٣٨٠٠٠", "＋８６ １３８-００１３-８０００", "۱۳۸۰۰۱۳۸۰۰۰"):
        assert normalise_phone(raw) == "13800138000", raw
    assert normalise_phone("１２３") is None
    assert normalise_phone("13800138000²") is None


@given(st.from_regex(PHONE_PATTERN, fullmatch=True))
def test_every_phone_the_api_document_admits_is_a_phone(raw: str) -> None:
    # The document's pattern for `phone` is PHONE_PATTERN: whatever it admits is taken.
    digits = normalise_phone(raw)
    assert digits is not None and len(digits) == 11 and digits.isascii() and digits.isdigit(), raw


@pytest.mark.parametrize("ticketing_config", [{"online_daily_limit": 3, "online_per_ip_per_hour": 100}])
def test_a_limit_of_three_holds_against_other_digits_and_eight_requests_at_once(live_hall: LiveHall) -> None:
    def take(phone: str) -> int:
        with httpx.Client(base_url=live_hall.url, timeout=30) as client:
            return client.post(
                "/api/halls/weiyang/online-tickets", json={"category": "social", "phone": phone}
            ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(take, ["13800138000", "１３８００１３８０００", "١٣٨٠٠١٣٨٠٠٠", "13800138000"] * 2)
        )
    assert sorted(statuses) == [201] * 3 + [409] * 5
