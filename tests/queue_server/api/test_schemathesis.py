"""The whole OpenAPI document checked by schemathesis against the app, as three kinds of caller.

Every check is on: no 5xx, answers that match the documented status codes, content types and
headers, schema-valid requests accepted, schema-invalid ones refused, and undeclared methods
answered 405 with the right Allow header.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from starlette.applications import Starlette
from starlette.testclient import TestClient

from queue_server.accounts import add_user
from queue_server.api.openapi import build_document
from queue_server.app import API_DOCS, create_app
from queue_server.auth import Role
from queue_server.clock import ManualClock
from queue_server.config import Settings
from queue_server.storage import open_store
from tests.conftest import MONDAY_10AM, PASSWORD, login_all, make_settings, seed_people

# The document is built from the hall's configuration (its halls, windows, categories, priority
# classes and rating reasons are enums), so the operations are known when the tests are
# collected; the served one is checked to be this very document.
HALL_SETTINGS = make_settings(Path(tempfile.gettempdir()))
DOCUMENT = build_document(HALL_SETTINGS, *API_DOCS)
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.update(base_url="http://testserver")
# A body over [server] max_body_bytes is refused 413 before it is read (BodyLimit, documented
# on every operation that takes one): for a schema-invalid body too, that is a refusal.
rejection = schema.config.checks.negative_data_rejection
rejection.expected_statuses = [*rejection.expected_statuses, "413"]
# The hall is pinned by the document itself: its one configured hall is the parameter's enum,
# so every schema-valid request goes to weiyang and reaches the operation's real checks, while
# the schema-invalid ones try other halls. (A pin in the config would overwrite the hall of a
# case generated as invalid, which is then still judged as an invalid request.)
assert all(
    parameter["schema"]["enum"] == ["weiyang"]
    for item in DOCUMENT["paths"].values()
    for operation in item.values()
    for parameter in operation.get("parameters", [])
    if parameter["name"] == "hall"
)

# Bounded and deterministic so that CI gives the same verdict on every run.
bounded = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# Signing out ends every token of the account (a token generation): the supervisor's sign-outs
# are a supervisor account of their own, so that the other operations keep a live token, and
# none signs in again mid-run (which the sign-in throttle, tripped by the login operation's
# drawn passwords from the same address, would refuse).
LEAVING = "leaving-supervisor"


@dataclass
class RunningHall:
    app: Starlette
    tokens: dict[str, str]

    def call(self, case: schemathesis.Case[Any], caller: str | None) -> None:
        if caller == "supervisor" and case.operation.path == "/api/auth/logout":
            caller = LEAVING
        headers = {"Authorization": f"Bearer {self.tokens[caller]}"} if caller else {}
        # The operation, and the probes some checks send after it, go to this app in-process.
        case.operation.app = case.operation.schema.app = self.app
        case.call_and_validate(headers=headers)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHall]:
    clock = ManualClock(MONDAY_10AM)
    hall_settings = make_settings(tmp_path_factory.mktemp("schemathesis"))
    assert build_document(hall_settings, *API_DOCS) == DOCUMENT
    tokens = seed_people(hall_settings, clock)
    add_supervisor(hall_settings, clock, LEAVING)
    app = create_app(hall_settings, clock)
    with TestClient(app) as client:
        login_all(client, tokens)
        signed_in = client.post("/api/auth/login", json={"username": LEAVING, "password": PASSWORD})
        tokens[LEAVING] = signed_in.json()["token"]
        assert client.get("/api/openapi.json").json() == DOCUMENT
    yield RunningHall(app, tokens)


def add_supervisor(hall_settings: Settings, clock: ManualClock, name: str) -> None:
    async def run() -> None:
        store = open_store(hall_settings.server.store)
        await store.start()
        try:
            await add_user(store, hall_settings, clock, name, Role.SUPERVISOR, PASSWORD, "weiyang")
        finally:
            await store.close()

    asyncio.run(run())


@schema.parametrize()
@bounded
def test_api_conforms_as_anonymous(case: schemathesis.Case[Any], running: RunningHall) -> None:
    running.call(case, None)


@schema.parametrize()
@bounded
def test_api_conforms_as_supervisor(case: schemathesis.Case[Any], running: RunningHall) -> None:
    running.call(case, "supervisor")


@schema.parametrize()
@bounded
def test_api_conforms_as_kiosk(case: schemathesis.Case[Any], running: RunningHall) -> None:
    running.call(case, "kiosk")
