"""Request bodies of the ticketing routes, checked like the queue server's own."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ticket_printer.messages import Language


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KioskIssueBody(_Body):
    category: str = Field(min_length=1, max_length=32)
    priority: str = Field(default="normal", min_length=1, max_length=32)
    language: Language = "zh-CN"


class CheckInBody(_Body):
    code: str = Field(pattern=r"^\d{4,16}$")
    language: Language = "zh-CN"


class ReprintBody(_Body):
    printer: str | None = Field(default=None, max_length=64)
    language: Language = "zh-CN"


class OnlineIssueBody(_Body):
    category: str = Field(min_length=1, max_length=32)
    phone: str = Field(min_length=1, max_length=32)
    notify: bool = Field(
        default=False,
        description="The visitor agrees to a message (SMS/WeChat) when a few are ahead and when called",
    )
    language: Language = Field(default="zh-CN", description="The messages' language")


class BookingBody(_Body):
    category: str = Field(min_length=1, max_length=32)
    slot_start: datetime
    slot_end: datetime
