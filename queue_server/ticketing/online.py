"""Limits on taking a number from a phone (线上取号): per phone per day (the per-address limit is a
`queue_server.ephemeral.RateLimit`).

The phone number is never stored or shown: only an HMAC of it under a server secret, enough to
count a day's tickets per phone and useless for recovering the number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
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
