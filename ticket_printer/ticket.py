"""The data printed on a queue ticket, checked before it reaches the printer."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ticket_printer.messages import LANGUAGES, Language

# Ticket numbers are printed in double-size ASCII; the shortest paper (32 columns) fits 16.
_NUMBER = re.compile(r"[0-9A-Za-z-]{1,16}")
# A QR code of 500 bytes at error-correction level M still fits 58 mm paper readably.
MAX_TRACKING_URL_BYTES: Final = 500


@dataclass(frozen=True)
class PrintableTicket:
    """Everything a kiosk ticket shows.

    `issued_at` must be timezone-aware and already in the hall's local time: the ticket prints its
    wall-clock time as it is. `category_name_en` is printed above the Chinese name on English
    tickets; without it English tickets show the Chinese name only.
    """

    hall_name: str
    category_name: str
    number: str
    people_ahead: int
    estimated_wait_s: int
    issued_at: datetime
    tracking_url: str
    footer: str
    language: Language = "zh-CN"
    category_name_en: str | None = None

    def __post_init__(self) -> None:
        if not _NUMBER.fullmatch(self.number):
            raise ValueError(f"ticket number must be 1-16 ASCII letters/digits, not {self.number!r}")
        if self.people_ahead < 0:
            raise ValueError(f"people_ahead must be >= 0, not {self.people_ahead}")
        if self.estimated_wait_s < 0:
            raise ValueError(f"estimated_wait_s must be >= 0, not {self.estimated_wait_s}")
        if self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (the hall's local time)")
        if not 0 < len(self.tracking_url.encode("utf-8")) <= MAX_TRACKING_URL_BYTES:
            raise ValueError(f"tracking_url must be 1-{MAX_TRACKING_URL_BYTES} bytes of UTF-8")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")

    @property
    def estimated_wait_min(self) -> int:
        """The wait in whole minutes, rounded up: "about 0 minutes" would promise too much."""
        return max(1, -(-self.estimated_wait_s // 60))
