"""What a screen may show of a person: never a full name (the server keeps none today)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a Latin name keeps its first letter: Smith → S****.

    Only the first character survives so that a visitor recognises a call without anyone
    else learning who they are; every other character becomes one asterisk, keeping length.
    """
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name + "*"
