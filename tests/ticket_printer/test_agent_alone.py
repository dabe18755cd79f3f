"""The print agent installs and runs alone: a fresh venv gets `pip install ./ticket_printer` (its
own small distribution) and nothing else; none of the server's libraries is there, and the agent
run from that venv prints a kiosk ticket of a real `onewindow serve` process over its WebSocket."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ticket_printer.served_hall import Hall

pytestmark = pytest.mark.slow

# What the server needs and the kiosk PC must not be made to install.
SERVER_LIBRARIES = ("queue_server", "sqlalchemy", "sqlmodel", "alembic", "ortools", "numpy", "starlette")


@pytest.fixture(scope="module")
def agent_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a venv that has the agent's distribution and its dependencies only."""
    root = tmp_path_factory.mktemp("agent")
    # A copy, so that the build leaves nothing in the checkout.
    source = root / "src" / "ticket_printer"
    shutil.copytree(REPO / "ticket_printer", source, ignore=shutil.ignore_patterns("__pycache__"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source)], check=True, timeout=600, cwd=root
    )
    return python


def test_the_venv_holds_the_agent_and_none_of_the_server(agent_python: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.util, json, ticket_printer.agent, ticket_printer.render\n"
        f"print(json.dumps([m for m in {SERVER_LIBRARIES!r} if importlib.util.find_spec(m)]))"
    )
    found = subprocess.run(
        [str(agent_python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == []


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    made = Hall(tmp_path)
    made.server.start()
    try:
        yield made
    finally:
        made.server.stop()


def test_the_agent_from_that_venv_prints_a_kiosk_ticket(
    agent_python: Path, hall: Hall, tmp_path: Path
) -> None:
    command = [
        str(agent_python),
        "-m",
        "ticket_printer",
        "--server",
        hall.url,
        "--token",
        hall.tokens["printer"],
    ]
    command += ["--printer", f"file:{hall.paper}", "--printed-log", str(hall.printed_log)]
    number = hall.issue()  # the job waits on the server until the printer's agent comes
    # Run from an empty folder: `python -m` puts the working folder first on sys.path, and the
    # checkout's ticket_printer must not be the one imported.
    agent = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while hall.printed_numbers() != [number]:
            assert agent.poll() is None, agent.communicate()[0]
            assert time.monotonic() < deadline, f"printed {hall.printed_numbers()}, expected {[number]}"
            time.sleep(0.1)
        assert hall.printed_log.read_text(encoding="utf-8").split()  # the job's id, against reprinting
    finally:
        agent.terminate()
        agent.wait(timeout=30)
