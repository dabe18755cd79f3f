"""The rating device's page (评价器, displays/rating.py): given to a screen of the hall, with
the reasons and timeout of the [console] settings; refused in words to anybody else."""

from __future__ import annotations

import pytest

from tests.conftest import Hall
from tests.displays.test_routes import config_of

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)


def test_the_rating_device_gets_its_window_and_the_hall_s_reasons(hall: Hall) -> None:
    response = hall.client.get(f"/rate/halls/weiyang/windows/1?token={hall.tokens['rater']}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "非常满意" in response.text and 'src="/display/static/rate.js"' in response.text
    config = config_of(response.text)
    assert config["window"] == 1 and config["ws"] == "/ws/halls/weiyang"
    assert config["window_name"] == {"zh-CN": "1号窗口", "en": "Window 1"}
    assert config["timeout_s"] == 60
    reasons = config["reasons"]
    assert isinstance(reasons, list)
    assert {"code": "wait", "name": "等候时间太长", "name_en": "Waited too long"} in reasons
    # The page's script and sheet are served by displays.
    for asset in ("/display/static/rate.js", "/display/static/rate.css"):
        assert hall.client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    ("path", "who", "status", "words"),
    [
        ("/rate/halls/weiyang/windows/1", None, 401, "登录"),
        ("/rate/halls/weiyang/windows/1", "kiosk", 403, "自助取号机"),
        ("/rate/halls/weiyang/windows/1", "clerk1", 403, "无权"),
        ("/rate/halls/weiyang/windows/99", "rater", 404, "99"),
        ("/rate/halls/atlantis/windows/1", "rater", 404, "atlantis"),
    ],
)
def test_a_rating_device_page_refused_says_why(
    hall: Hall, path: str, who: str | None, status: int, words: str
) -> None:
    query = f"?token={hall.tokens[who]}" if who else ""
    response = hall.client.get(path + query)
    assert response.status_code == status
    assert words in response.text
