"""What a change of a hall's settings changed: two hall documents (`hall_document`) compared,
for the audit to say it in words ("categories: added P 护照; windows: 3 renamed").

Each change is `{"part", "change", "name", "name_en"}`: the part of the settings (categories,
windows, priorities, kiosk_printers, printers, pause_reasons, rating_reasons, hours, or "field" for one
of the hall's own values), what happened to it (added, removed, renamed, changed) and what it
names (a category's "P 护照", a window's number, a field's key). The pages word the part and the
change; the name is shown as is. A reason's change also has its `code`: a rating keeps only its
reason's code, and a reason removed since is still told in the words it had.
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]
Change = dict[str, str | None]

_REASONS = (("pause_reasons", "code"), ("rating_reasons", "code"))
# The lists of the document with what keys their items (a category stays itself by its code,
# even with a new letter or name).
_KEYED = (
    ("categories", "code"),
    ("windows", "number"),
    ("priorities", "code"),
    ("kiosk_printers", "kiosk"),
    ("printers", "name"),
    *_REASONS,
)
_NAMES = ("name", "name_en")
_HOURS = ("weekdays", "weekend", "special")
_NOT_FIELDS = {"id", "hours", *(part for part, _ in _KEYED)}


def settings_changes(before: Document, after: Document) -> list[Change]:
    """What `after` changed of `before`, in the document's order: its fields, hours, then lists."""
    changes: list[Change] = [
        _change("field", "changed", key)
        for key in after
        if key not in _NOT_FIELDS and before.get(key) != after.get(key)
    ]
    hours_before, hours_after = before.get("hours") or {}, after.get("hours") or {}
    changes += [
        _change("hours", "changed", key) for key in _HOURS if hours_before.get(key) != hours_after.get(key)
    ]
    for part, key in _KEYED:
        changes += _list_changes(part, key, before.get(part) or [], after.get(part) or [])
    return changes


def _list_changes(part: str, key: str, before: list[Document], after: list[Document]) -> list[Change]:
    old = {item[key]: item for item in before}
    new = {item[key]: item for item in after}
    changes = [_item_change(part, "removed", item) for k, item in old.items() if k not in new]
    for k, item in new.items():
        if k not in old:
            changes.append(_item_change(part, "added", item))
        elif item != old[k]:
            renamed = {f: v for f, v in item.items() if f not in _NAMES} == {
                f: v for f, v in old[k].items() if f not in _NAMES
            }
            changes.append(_item_change(part, "renamed" if renamed else "changed", item))
    return changes


def _item_change(part: str, change: str, item: Document) -> Change:
    if part == "categories":  # as visitors know it: its letter and name
        return _change(
            part,
            change,
            f"{item['prefix']} {item['name']}",
            f"{item['prefix']} {item.get('name_en') or item['name']}",
        )
    if part == "priorities":
        return _change(part, change, str(item["name"]), item.get("name_en") or str(item["name"]))
    if (part, "code") in _REASONS:
        return {**_change(part, change, str(item["name"]), item.get("name_en")), "code": str(item["code"])}
    if part == "windows":
        return _change(part, change, str(item["number"]))
    return _change(part, change, str(item["kiosk" if part == "kiosk_printers" else "name"]))


def _change(part: str, change: str, name: str, name_en: str | None = None) -> Change:
    return {"part": part, "change": change, "name": name, "name_en": name_en or name}
