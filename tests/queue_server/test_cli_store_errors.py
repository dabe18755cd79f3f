"""A store whose schema cannot be migrated is named with its problem in one line, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from queue_server.cli import main
from tests.queue_server.processes.conftest import write_config


def test_a_schema_no_migration_knows_is_reported_in_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store written by a newer OneWindow: its schema is at a revision this one has no
    # migration for.
    store = tmp_path / "newer.db"
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('0099_from_the_future')")
    monkeypatch.setenv("ONEWINDOW_STORE", f"sqlite:///{store}")
    assert main(["--config", str(write_config(tmp_path)), "db", "upgrade"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        f"onewindow: the store at sqlite:///{store} failed: the schema could not be migrated"
    )
    assert "0099_from_the_future" in error
    assert "Traceback" not in error and error.count("\n") == 1
