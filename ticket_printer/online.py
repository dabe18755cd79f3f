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
from datetime import date, datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ticket_printer.tables import ONLINE_CLAIMS

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


class ClaimStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def count(self, hall: str, day: date, digest: str) -> int:
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(func.count()).where(
                    ONLINE_CLAIMS.c.hall == hall,
                    ONLINE_CLAIMS.c.service_day == day,
                    ONLINE_CLAIMS.c.phone_hash == digest,
                )
            )
            return int(result.scalar() or 0)

    async def add(self, hall: str, day: date, digest: str, ticket_id: str, now: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                ONLINE_CLAIMS.insert(),
                [
                    {
                        "ticket_id": ticket_id,
                        "hall": hall,
                        "service_day": day,
                        "phone_hash": digest,
                        "created_at": now,
                    }
                ],
            )
