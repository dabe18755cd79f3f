"""`onewindow backup` and `restore`: a round trip keeps tickets, the ledger and accounts."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from queue_server.storage.backup import pg_dump_command, pg_restore_command
from tests.conftest import POSTGRES_URL, REDIS_URL, REPO, reset_scaled_backends
from tests.queue_server.ops.conftest import Served, serve, write_config


def onewindow(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "queue_server", "--config", str(config), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def issue(served: Served, category: str = "business") -> str:
    kiosk = {"Authorization": f"Bearer {served.devices['kiosk']}"}
    response = served.client.post("/api/halls/weiyang/tickets", json={"category": category}, headers=kiosk)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["id"]
    return ticket


def round_trip(directory: Path, backup: Path, postgres: bool = False) -> None:
    """Serves, backs up while serving, changes more, is refused a restore while serving,
    restores once stopped and serves the hall as it was at the backup."""
    serving = (
        serve(directory, server={"store": POSTGRES_URL, "bus": REDIS_URL}) if postgres else serve(directory)
    )
    for served in serving:
        config = served.process.config
        kept = issue(served)
        clerk = served.login("clerk1")
        for verb in ("open", "call-next"):
            answer = served.client.post(f"/api/halls/weiyang/windows/1/{verb}", json={}, headers=clerk)
            assert answer.status_code == 200, answer.text
        history = served.client.get(f"/api/halls/weiyang/tickets/{kept}/history", headers=clerk).json()
        assert [step["type"] for step in history["events"]] == ["ticket.issued", "ticket.called"]

        taken = onewindow(config, "backup", str(backup))  # online: the server keeps running
        assert taken.returncode == 0, taken.stderr
        after_backup = issue(served)
        if not postgres:  # SQLite: the server's lock tells that it runs
            refused = onewindow(config, "restore", str(backup))
            assert refused.returncode == 1
            assert "a server is running on the store" in refused.stderr
            assert "Nothing was changed" in refused.stderr
            assert served.client.get(f"/api/halls/weiyang/tickets/{after_backup}").status_code == 200

    restored = onewindow(config, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr

    for served in serve(directory, seed=False):
        # The ticket called before the backup, with its ledger; the one after it is gone.
        assert served.client.get(f"/api/halls/weiyang/tickets/{kept}").json()["status"] == "called"
        clerk = served.login("clerk1")  # the account and its password came back too
        again = served.client.get(f"/api/halls/weiyang/tickets/{kept}/history", headers=clerk).json()
        assert again == history
        assert served.client.get(f"/api/halls/weiyang/tickets/{after_backup}").status_code == 404
        assert served.client.get("/readyz").json() == {"status": "ready"}


def test_a_sqlite_backup_taken_while_serving_restores_tickets_ledger_and_accounts(tmp_path: Path) -> None:
    backup = tmp_path / "saved" / "hall-backup.db"
    backup.parent.mkdir()
    round_trip(tmp_path, backup)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # password hashes, the signing key


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_a_postgresql_backup_round_trip_with_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    reset_scaled_backends()
    round_trip(tmp_path, tmp_path / "hall.dump", postgres=True)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_text("shopping list", encoding="utf-8")
    refused = onewindow(config, "restore", str(not_a_backup))
    assert refused.returncode == 1
    assert f"{not_a_backup} is not a SQLite database" in refused.stderr


@pytest.mark.parametrize(
    "url", ["postgresql://ow:secret@db/onewindow", "postgresql+asyncpg://ow:secret@db/onewindow"]
)
def test_postgresql_is_backed_up_and_restored_with_the_documented_commands(url: str) -> None:
    assert pg_dump_command(url, Path("/b/ow.dump")) == [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--file=/b/ow.dump",
        "postgresql://ow:secret@db/onewindow",
    ]
    assert pg_restore_command(url, Path("/b/ow.dump"))[:4] == [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
    ]
    deploy = (REPO / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    assert "pg_dump --format=custom --no-owner" in deploy
