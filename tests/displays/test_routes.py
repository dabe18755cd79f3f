"""The screens' HTTP side: pages only for a valid screen token, the LED text feed, the WAV."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from tests.conftest import Hall, make_settings, seed_people


def config_of(html: str) -> dict[str, object]:
    match = re.search(r'<script id="config" type="application/json">(.*?)</script>', html, re.S)
    assert match, html
    result: dict[str, object] = json.loads(match.group(1))
    return result


def test_the_hall_screen_is_given_to_a_screen_token(hall: Hall) -> None:
    response = hall.client.get(f"/display/halls/weiyang?token={hall.tokens['screen']}&repeat=3")
    assert response.status_code == 200
    assert "未央区政务服务中心" in response.text and "请携带身份证原件" in response.text
    config = config_of(response.text)
    assert config["repeat"] == 3 and config["sound"] is True
    assert config["languages"] == ["zh-CN"] and config["timezone"] == "Asia/Shanghai"
    # Nothing is fetched from outside the hall LAN.
    assert "http" not in re.sub(r"https?://(127\.0\.0\.1|testserver)", "", response.text)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/display/halls/weiyang?token=owd_wrong", 401, "无法显示此屏幕"),
        ("/display/halls/weiyang", 401, "无法显示此屏幕"),
        ("/display/halls/atlantis?token={screen}", 404, "atlantis"),
        ("/display/halls/weiyang/windows/99?token={screen}", 404, "99"),
        ("/display/halls/weiyang/windows/x?token={screen}", 404, "x"),
        ("/display/halls/weiyang/windows/3?token={screen}&variant=neon", 400, "neon"),
    ],
)
def test_a_screen_that_cannot_be_shown_says_why(hall: Hall, path: str, status: int, words: str) -> None:
    response = hall.client.get(path.format(screen=hall.tokens["screen"]))
    assert response.status_code == status
    assert words in response.text


def test_window_screen_and_its_led_variant(hall: Hall) -> None:
    token = hall.tokens["screen"]
    full = hall.client.get(f"/display/halls/weiyang/windows/12?token={token}")
    assert full.status_code == 200 and "绿色通道" in full.text
    assert config_of(full.text)["sound"] is False
    led = hall.client.get(f"/display/halls/weiyang/windows/3?token={token}&variant=led")
    assert 'class="led"' in led.text and config_of(led.text)["screen"] == "led"


def test_led_text_follows_the_window(hall: Hall) -> None:
    url = f"/display/halls/weiyang/windows/3/led.txt?token={hall.tokens['screen']}"
    assert hall.client.get(url).text == "3号窗口\n未开放\n"
    hall.issue()
    hall.ok(3, "open")
    hall.ok(3, "call-next")
    assert hall.client.get(url).text == "3号窗口 A001\n请 A001 号办理\n"
    hall.ok(3, "start")
    english = hall.client.get(url + "&lang=en")
    assert english.text == "Window 3 A001\nNow serving A001\n"
    gb = hall.client.get(url + "&charset=gb18030")
    assert gb.headers["content-type"] == "text/plain; charset=gb18030"
    assert gb.content.decode("gb18030") == "3号窗口 A001\n正在办理 A001\n"
    hall.ok(3, "finish")
    hall.ok(3, "pause", reason="lunch")
    assert hall.client.get(url).text == "3号窗口\n暂停服务\n"
    assert hall.client.get(url.replace("token=", "token=x")).status_code == 401


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng absent")
def test_the_announcement_is_a_wav(hall: Hall) -> None:
    base = f"/display/halls/weiyang/announce.wav?token={hall.tokens['screen']}"
    response = hall.client.get(base + "&number=A001&window=3&lang=zh-CN")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["cache-control"] == "no-store"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    # A call that follows another in a burst has no chime and fewer words: it is shorter.
    burst = hall.client.get(base + "&number=A001&window=3&lang=zh-CN&burst=1")
    assert burst.status_code == 200 and len(burst.content) < len(response.content) / 1.8


@pytest.mark.parametrize(
    "query", ["number=A001;rm&window=3", "number=A001&window=three", "number=A001&window=3&lang=fr"]
)
def test_announcements_only_for_well_formed_calls(hall: Hall, query: str) -> None:
    url = f"/display/halls/weiyang/announce.wav?token={hall.tokens['screen']}&{query}"
    assert hall.client.get(url).status_code == 422


def test_without_a_voice_the_page_gets_the_sentences_to_speak_itself(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = make_settings(tmp_path)
    settings = replace(settings, sections={**settings.sections, "displays": {"espeak": "no-such-espeak-ng"}})
    tokens = seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        url = f"/display/halls/weiyang/announce.wav?token={tokens['screen']}&number=B007&window=12"
        response = client.get(url + "&lang=zh-CN,en")
        burst = client.get(url + "&burst=1").json()["speech"]
    assert response.status_code == 503
    assert response.json()["speech"] == [
        {"lang": "zh-CN", "text": "请B007号到12号窗口"},
        {"lang": "en", "text": "Number B007, please go to window 12"},
    ]
    assert burst == [{"lang": "zh-CN", "text": "B007到12号"}]


def test_static_files_are_served_locally(hall: Hall) -> None:
    for name in ("screen.css", "hall.js", "window.js", "announcer.js"):
        assert hall.client.get(f"/display/static/{name}").status_code == 200
    assert hall.client.get("/kit/stream.js").status_code == 200  # the kit's, shared with the console
