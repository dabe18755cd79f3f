"""Security headers on every page and answer (issue #11, item 13), and every page still works
under its Content-Security-Policy in Chromium (no inline script or style it needs is refused)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2 as httpx
import pytest

from queue_server.api.middleware import SECURITY_HEADERS
from queue_server.clock import SystemClock
from queue_server.config import load_settings
from tests.browser import chromium
from tests.conftest import seed_people
from tests.queue_server.processes.conftest import write_config
from tests.server_process import ServerProcess


def pages(url: str, tokens: dict[str, str], ticket: str) -> list[str]:
    return [
        f"{url}/console",
        f"{url}/console/halls/weiyang/windows/1",
        f"{url}/supervise/halls/weiyang",
        f"{url}/supervise/halls/weiyang/reports",
        f"{url}/rate/halls/weiyang/windows/1?token={tokens['rater']}",
        f"{url}/admin/users",
        f"{url}/display/halls/weiyang?token={tokens['screen']}",
        f"{url}/display/halls/weiyang/windows/1?token={tokens['screen']}",
        f"{url}/kiosk/halls/weiyang?token={tokens['kiosk']}",
        f"{url}/online/halls/weiyang",
        f"{url}/t/{ticket}",
    ]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, dict[str, str], str]]:
    config = write_config(tmp_path_factory.mktemp("headers"), windows=4)
    tokens = seed_people(load_settings(config), SystemClock())
    server = ServerProcess(config).start()
    try:
        r = httpx.post(
            f"{server.url}/api/halls/weiyang/tickets",
            json={"category": "business"},
            headers={"Authorization": f"Bearer {tokens['kiosk']}"},
        )
        ticket = r.json()["id"] if r.status_code == 201 else "unknown-ticket"
        yield server, tokens, ticket
    finally:
        server.stop()


@pytest.mark.slow
def test_every_page_and_answer_carries_the_security_headers(
    served: tuple[ServerProcess, dict[str, str], str],
) -> None:
    server, tokens, ticket = served
    extra = [f"{server.url}/api/halls", f"{server.url}/api/nowhere", f"{server.url}/display/halls/x"]
    for url in pages(server.url, tokens, ticket) + extra:
        r = httpx.get(url)
        assert all(name in r.headers for name in SECURITY_HEADERS), url
        policy = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.slow
@pytest.mark.browser
def test_no_page_breaks_its_content_security_policy(
    served: tuple[ServerProcess, dict[str, str], str],
) -> None:
    server, tokens, ticket = served
    refused: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        for url in pages(server.url, tokens, ticket):
            page.goto(url, wait_until="networkidle")
        assert refused == []
