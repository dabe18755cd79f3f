"""Limits on taking a number from a phone (线上取号): per address per hour, per phone per day.

The phone number is never stored or shown: only an HMAC of it under a server secret, enough to
count a day's tickets per phone and useless for recovering the number.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import unicodedata
from collections import deque
from datetime import datetime, timedelta
from typing import Final

# Mainland mobile numbers: 11 digits starting with 1; "+86", spaces and dashes are allowed.
_MOBILE: Final = re.compile(r"1[3-9][0-9]{9}")


def normalise_phone(raw: str) -> str | None:
    """The number in ASCII digits: full-width (１３８…) and other scripts' digits (١٣٨…) are the
    same phone, so they count against the same daily limit."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    digits = re.sub(r"[\s-]", "", text).removeprefix("+86")
    return digits if _MOBILE.fullmatch(digits) else None


def phone_hash(key: bytes, phone: str) -> str:
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """At most `limit` events per `period` per key, in this process (a sliding window)."""

    def __init__(self, limit: int, period: timedelta) -> None:
        self._limit, self._period = limit, period
        self._events: dict[str, deque[datetime]] = {}

    def retry_after_s(self, key: str, now: datetime) -> int:
        """0 if one more event is allowed now (and then counts it), else seconds to wait."""
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self._period:
            events.popleft()
        if len(events) >= self._limit:
            return max(1, math.ceil((events[0] + self._period - now).total_seconds()))
        events.append(now)
        self._forget_idle(now)
        return 0

    def _forget_idle(self, now: datetime) -> None:
        # Bounded memory: addresses with nothing in the window are dropped now and then.
        if len(self._events) > 10_000:
            cutoff = now - self._period
            self._events = {k: v for k, v in self._events.items() if v and v[-1] > cutoff}
