"""The words printed on a ticket, in every language a ticket can be printed in.

This is the one place ticket labels live: the renderer never spells a label itself, so a hall
that wants different wording (or a new language) changes this module only.
"""

from collections.abc import Mapping
from typing import Final, Literal, get_args

Language = Literal["zh-CN", "en"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)

MessageId = Literal["people_ahead", "estimated_wait", "issued_at", "scan_to_track"]

MESSAGES: Final[Mapping[MessageId, Mapping[Language, str]]] = {
    "people_ahead": {
        "zh-CN": "前面还有 {count} 人",
        "en": "People ahead of you: {count}",
    },
    "estimated_wait": {
        "zh-CN": "预计等待 约 {minutes} 分钟",
        "en": "Estimated wait: about {minutes} min",
    },
    "issued_at": {
        "zh-CN": "取号时间 {time}",
        "en": "Issued at {time}",
    },
    "scan_to_track": {
        "zh-CN": "扫码查看叫号进度",
        "en": "Scan to follow the queue",
    },
}


def message(message_id: MessageId, language: Language, **values: object) -> str:
    """The label `message_id` in `language`, with its {placeholders} filled from `values`."""
    return MESSAGES[message_id][language].format(**values)
