"""The kit is served once, at /kit/, and every page family loads it instead of its own copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, Hall

PAGE_SHEETS = [
    "displays/static/screen.css",
    "displays/static/rate.css",
    "displays/ticketing/static/ticketing.css",
    "displays/ticketing/static/crowded.css",
    "clerk_console/static/console.css",
    "clerk_console/reports/static/reports.css",
]


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_every_page_family_loads_the_kit_from_one_place(hall: Hall) -> None:
    for name, kind in (("kit.css", "text/css"), ("kit.js", "javascript"), ("stream.js", "javascript")):
        response = hall.client.get(f"/kit/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    pages = [
        f"/display/halls/weiyang?token={hall.tokens['screen']}",
        f"/kiosk/halls/weiyang?token={hall.tokens['kiosk']}",
        f"/rate/halls/weiyang/windows/1?token={hall.tokens['rater']}",
        "/console",
        "/supervise/halls/weiyang/reports",
    ]
    for page in pages:
        html = hall.client.get(page).text
        assert '<link rel="stylesheet" href="/kit/kit.css">' in html, page
        assert '<script src="/kit/kit.js"></script>' in html, page


def test_no_page_sheet_keeps_a_font_stack_of_its_own() -> None:
    for sheet in PAGE_SHEETS:
        text = Path(REPO, sheet).read_text(encoding="utf-8")
        assert "WenQuanYi" not in text and "YaHei" not in text, sheet


def test_no_page_sheet_sets_a_kit_token_again() -> None:
    tokens = set(
        re.findall(r"^\s*(--[\w-]+):", Path(REPO, "displays/kit/static/kit.css").read_text("utf-8"), re.M)
    )
    assert {"--cjk", "--ink", "--line", "--good"} <= tokens
    for sheet in PAGE_SHEETS:
        text = Path(REPO, sheet).read_text(encoding="utf-8")
        assert not tokens & set(re.findall(r"(--[\w-]+)\s*:", text)), sheet


def test_the_hall_stream_is_opened_by_the_kit_only() -> None:
    kit = Path(REPO, "displays/kit")
    scripts = [p for package in ("displays", "clerk_console") for p in Path(REPO, package).rglob("*.js")]
    pages = [p for p in scripts if kit not in p.parents and "vendor" not in p.parts]
    opening = [p.name for p in pages if "/ws/halls" in p.read_text("utf-8")]
    # The console names the endpoint for the kit's HallStream; nothing else connects itself.
    assert opening == ["common.js"]
    assert "new WebSocket" not in Path(REPO, "clerk_console/static/common.js").read_text("utf-8")
