"""settings_changes: what a new hall document changed of the one before, for the audit."""

from __future__ import annotations

import copy

from queue_server.domain.settings_changes import settings_changes


def _before() -> dict[str, object]:
    return {
        "id": "weiyang",
        "name": "未央区政务服务中心",
        "notice": "",
        "hours": {"weekdays": [["09:00", "17:00"]], "weekend": [], "special": []},
        "categories": [
            {"code": "tax", "prefix": "A", "name": "税务", "name_en": "Tax"},
            {"code": "social", "prefix": "B", "name": "社保", "name_en": None},
        ],
        "windows": [{"number": 1, "name": "一号"}, {"number": 3, "name": "三号", "categories": ["tax"]}],
        "priorities": [],
        "kiosk_printers": [],
    }


def test_the_same_settings_changed_nothing() -> None:
    assert settings_changes(_before(), _before()) == []


def test_each_part_changed_is_named_for_a_person() -> None:
    before = _before()
    after = copy.deepcopy(before)
    after["notice"] = "周六照常办公"
    after["hours"]["weekend"] = [["09:00", "12:00"]]  # type: ignore[index]
    after["categories"] = [
        before["categories"][0],  # type: ignore[index]
        {"code": "passport", "prefix": "P", "name": "护照", "name_en": "Passport"},
    ]
    after["windows"] = [
        {"number": 1, "name": "一号"},
        {"number": 3, "name": "三号窗口", "categories": ["tax"]},
    ]
    after["priorities"] = [{"code": "elderly", "name": "老年人", "name_en": None}]
    changes = [(c["part"], c["change"], c["name"], c["name_en"]) for c in settings_changes(before, after)]
    assert changes == [
        ("field", "changed", "notice", "notice"),
        ("hours", "changed", "weekend", "weekend"),
        ("categories", "removed", "B 社保", "B 社保"),  # no English name: the Chinese one
        ("categories", "added", "P 护照", "P Passport"),
        ("windows", "renamed", "3", "3"),
        ("priorities", "added", "老年人", "老年人"),
    ]


def test_a_window_serving_other_categories_is_changed_not_renamed() -> None:
    before = _before()
    after = copy.deepcopy(before)
    after["windows"][1]["categories"] = ["tax", "social"]  # type: ignore[index]
    assert [(c["part"], c["change"], c["name"]) for c in settings_changes(before, after)] == [
        ("windows", "changed", "3")
    ]


def test_a_category_with_a_new_letter_is_the_same_category_changed() -> None:
    before = _before()
    after = copy.deepcopy(before)
    after["categories"][0]["prefix"] = "T"  # type: ignore[index]
    assert [(c["part"], c["change"], c["name"]) for c in settings_changes(before, after)] == [
        ("categories", "changed", "T 税务")
    ]
