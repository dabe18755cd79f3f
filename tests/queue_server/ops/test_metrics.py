"""GET /metrics of a real server, parsed with prometheus-client's parser after known steps."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from websockets.sync.client import connect

from tests.conftest import REPO
from tests.queue_server.ops.conftest import Served, serve

TOKEN = "scrape-token-0123456789"


def scrape(served: Served, **headers: str) -> dict[str, list[Sample]]:
    response = served.client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def value(families: dict[str, list[Sample]], sample: str, **labels: str) -> float:
    family = next(name for name in families if sample.startswith(name))
    matching = [s.value for s in families[family] if s.name == sample and labels.items() <= s.labels.items()]
    assert len(matching) == 1, (sample, labels, families[family])
    return matching[0]


# What a sample's name ends with says its family's type (prometheus-client's text format).
_SUFFIX_TYPES = {"_bucket": "histogram", "_sum": "histogram", "_count": "histogram", "_total": "counter"}


def not_scraped_but_on_the_dashboard(scraped: str) -> set[str]:
    """The series docs/grafana-onewindow.json queries (panels and the hall variable) that
    this scrape neither has nor declares: a panel that would stay empty, whatever happens."""
    dashboard = (REPO / "docs" / "grafana-onewindow.json").read_text(encoding="utf-8")
    queries = [target["expr"] for panel in json.loads(dashboard)["panels"] for target in panel["targets"]]
    queries += [variable["definition"] for variable in json.loads(dashboard)["templating"]["list"]]
    asked = {name for query in queries for name in re.findall(r"\bonewindow_[a-z_]+", query)}
    assert asked, "the dashboard asks for no OneWindow metric"
    families = list(text_string_to_metric_families(scraped))
    samples = {sample.name for family in families for sample in family.samples}
    declared = {family.name: family.type for family in families}

    def declared_as(name: str) -> bool:
        suffix = next((s for s in _SUFFIX_TYPES if name.endswith(s)), "")
        return declared.get(name.removesuffix(suffix)) == _SUFFIX_TYPES.get(suffix, "gauge")

    return {name for name in asked if name not in samples and not declared_as(name)}


def test_the_numbers_follow_a_known_morning(served: Served) -> None:
    kiosk = {"Authorization": f"Bearer {served.devices['kiosk']}"}
    clerk = served.login("clerk1")

    def issue(category: str) -> None:
        response = served.client.post(
            "/api/halls/weiyang/tickets", json={"category": category}, headers=kiosk
        )
        assert response.status_code == 201, response.text

    def act(verb: str) -> None:
        response = served.client.post(f"/api/halls/weiyang/windows/1/{verb}", json={}, headers=clerk)
        assert response.status_code == 200, response.text

    for _ in range(3):
        issue("business")
    act("open")
    served.clock.advance(timedelta(minutes=5))
    act("call-next")  # the first business ticket, after 5 minutes
    act("start")
    served.clock.advance(timedelta(minutes=7))
    act("finish")  # served in 7 minutes
    served.clock.advance(timedelta(minutes=3))
    act("call-next")  # the second, after 15 minutes
    issue("tax")

    ws_url = served.process.url.replace("http://", "ws://") + "/ws/halls/weiyang?token="
    tokens = [
        served.devices["screen"],
        served.devices["rater"],
        clerk["Authorization"].removeprefix("Bearer "),
    ]
    with contextlib.ExitStack() as open_sockets:
        for token in tokens:
            ws = open_sockets.enter_context(connect(ws_url + token))
            assert json.loads(ws.recv())["kind"] == "snapshot"
        families = scrape(served)
    assert value(families, "onewindow_websocket_clients", kind="screen") == 2
    assert value(families, "onewindow_websocket_clients", kind="staff") == 1

    hall = {"hall": "weiyang"}
    business = {**hall, "category": "business"}
    assert value(families, "onewindow_tickets_issued_total", **business) == 3
    assert value(families, "onewindow_tickets_issued_total", **hall, category="tax") == 1
    assert value(families, "onewindow_tickets_called_total", **business) == 2
    assert value(families, "onewindow_tickets_served_total", **business) == 1
    assert value(families, "onewindow_waiting", **business) == 1
    assert value(families, "onewindow_waiting", **hall, category="tax") == 1
    assert value(families, "onewindow_waiting", **hall, category="social") == 0
    # Waits of 5 and 15 minutes; one handling of 7.
    assert value(families, "onewindow_wait_seconds_count", **business) == 2
    assert value(families, "onewindow_wait_seconds_sum", **business) == 20 * 60
    assert value(families, "onewindow_wait_seconds_bucket", **business, le="600.0") == 1
    assert value(families, "onewindow_handling_seconds_sum", **business) == 7 * 60
    # The write path: one timing per committed batch, one call→publish per batch with a call.
    assert value(families, "onewindow_call_publish_seconds_count", **hall) == 2
    assert value(families, "onewindow_store_commit_seconds_count", **hall) == 9
    # The demo printer has no agent connected.
    printer = {**hall, "printer": "demo-printer"}
    assert value(families, "onewindow_printer_up", **printer) == 0
    assert value(families, "onewindow_printer_state", **printer, state="offline") == 1
    assert "onewindow_http_server_errors" in families  # declared, none yet
    assert families["onewindow_http_server_errors"] == []
    assert not not_scraped_but_on_the_dashboard(served.client.get("/metrics").text)
    # Once they hung up (the server hears of it a moment later), they are no longer counted.
    deadline = time.monotonic() + 5
    while value(after := scrape(served), "onewindow_websocket_clients", kind="screen") and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert value(after, "onewindow_websocket_clients", kind="screen") == 0
    assert value(after, "onewindow_websocket_clients", kind="staff") == 0


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path, metrics={"allow": ["127.0.0.0/8"], "token": TOKEN})


def test_with_a_token_set_a_scrape_without_it_is_refused(guarded: Served) -> None:
    refused = guarded.client.get("/metrics", headers={"Accept-Language": "en"})
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "Metrics need the bearer token set in [metrics] token"
    assert guarded.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert "onewindow_waiting" in scrape(guarded, Authorization=f"Bearer {TOKEN}")


@pytest.fixture
def elsewhere_only(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path, metrics={"allow": ["10.0.0.0/8"]})


def test_a_scraper_outside_the_allowed_networks_is_refused_and_told_its_address(
    elsewhere_only: Served,
) -> None:
    refused = elsewhere_only.client.get("/metrics", headers={"Accept-Language": "en"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Address 127.0.0.1 is outside [metrics] allow")
