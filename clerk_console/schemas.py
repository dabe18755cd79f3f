"""Request bodies of the console's own endpoints."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict, JsonValue

from queue_server.api.schemas import hall_values
from queue_server.auth import MIN_PASSWORD_CHARS, common_passwords
from queue_server.domain.hall import HallState
from queue_server.ratings import COMMENT_MAX_CHARS


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RatingBody(_Body):
    # A bad rating (2 or 1) needs a reason or a comment (`ratings.check_rating`).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"level": {"enum": [1, 2]}}, "required": ["level"]},
            "then": {
                "anyOf": [
                    {"properties": {"reason": {"type": "string"}}, "required": ["reason"]},
                    {
                        "properties": {"comment": {"type": "string", "pattern": r"\S"}},
                        "required": ["comment"],
                    },
                ]
            },
        }
    )

    # Refused outside 1 … 5 by the rating rules with a worded message; the document states the range.
    level: int = Field(
        json_schema_extra={"minimum": 1, "maximum": 5},
        description="5 非常满意 · 4 满意 · 3 基本满意 · 2 不满意 · 1 非常不满意",
    )
    reason: str | None = Field(
        default=None,
        max_length=64,
        description="A configured reason code",
        json_schema_extra=hall_values("rating-reasons"),
    )
    comment: str | None = Field(default=None, max_length=COMMENT_MAX_CHARS)


class PrioritiseBody(_Body):
    priority: str = Field(
        min_length=1, max_length=32, json_schema_extra=hall_values("priority-classes", "normal", "green")
    )


class NoticeBody(_Body):
    # Longer texts are refused by the domain with a worded message, not by the model; the
    # document states the domain's limit.
    text: str = Field(max_length=2000, json_schema_extra={"maxLength": HallState.NOTICE_MAX_CHARS})


_Role = Literal["clerk", "supervisor", "admin"]
# A short or common password is refused by the policy with a worded message, not by the model;
# the document states the policy.
PASSWORD_POLICY: Final[JsonDict] = {
    "minLength": MIN_PASSWORD_CHARS,
    "not": {"enum": list[JsonValue](sorted(common_passwords()))},
}


class NewUserBody(_Body):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    role: _Role
    hall: str | None = Field(default=None, max_length=32, description="None for an admin")
    password: str = Field(min_length=1, max_length=256, json_schema_extra=PASSWORD_POLICY)


class AccountChange(_Body):
    """A new role and hall (admins only); the account's tokens stop working, as they name both."""

    role: _Role
    hall: str | None = Field(default=None, max_length=32, description="None for an admin")


class NewPassword(_Body):
    # Taken exactly as typed, as at sign-in. The policy (length, common passwords) is checked
    # with a worded message, not by the model.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    password: str = Field(min_length=1, max_length=256, json_schema_extra=PASSWORD_POLICY)
