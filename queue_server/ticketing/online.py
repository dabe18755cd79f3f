"""Limits on taking a number from a phone (线上取号): per phone per day (the per-address limit is a
`queue_server.ephemeral.RateLimit`).

The phone number is never stored or shown: only an HMAC of it under a server secret, enough to
count a day's tickets per phone and useless for recovering the number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

# The digits a phone may be typed in: ASCII, full-width (１３８…), Arabic-Indic (١٣٨…) and
# Eastern Arabic-Indic (۱۳۸…); they are the same phone, so they count against the same limit.
_DIGIT_SETS: Final = ("0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")
_TO_ASCII: Final = {ord(d): str(value) for digits in _DIGIT_SETS for value, d in enumerate(digits)}
# Spaces (also the ideographic one), line breaks and dashes (also the full-width one) may
# separate digits. A line break is one so that a pattern's "$", which also matches before a
# final line break, admits exactly what the server takes.
_SEPARATORS: Final = " \u3000\n\\-－"


def _digit(values: str) -> str:
    return "[" + "".join(digits[int(v)] for digits in _DIGIT_SETS for v in values) + "]"


def _mobile_pattern() -> str:
    """Mainland mobile numbers: 11 digits starting 1[3-9], optionally after +86, with separators
    anywhere. One regular expression, checked here and stated in the OpenAPI document."""
    sep = f"[{_SEPARATORS}]*"
    prefix = f"(?:[+＋]{sep}{_digit('8')}{sep}{_digit('6')}{sep})?"
    return f"^{sep}{prefix}{_digit('1')}{sep}{_digit('3456789')}(?:{sep}{_digit('0123456789')}){{9}}{sep}$"


PHONE_PATTERN: Final = re.compile(_mobile_pattern())


def normalise_phone(raw: str) -> str | None:
    """The number in ASCII digits, or None if it is not a mobile number as PHONE_PATTERN says."""
    if PHONE_PATTERN.fullmatch(raw) is None:
        return None
    digits = re.sub(f"[{_SEPARATORS}+＋]", "", raw).translate(_TO_ASCII)
    return digits.removeprefix("86") if len(digits) == 13 else digits


def phone_hash(key: bytes, phone: str) -> str:
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()
