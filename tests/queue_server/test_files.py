"""The files that hold the token-signing key and password hashes are the server user's only."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.files import StoreInUse, StoreLock, private_file, write_private_text
from queue_server.storage import open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual 022, under which files are world-readable unless made private."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_sqlite_store_and_its_journal_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    db = tmp_path / "var" / "onewindow.db"

    async def run() -> None:
        store = open_store(f"sqlite:///{db}")
        await store.start()  # migrates: writes the schema through the WAL
        try:
            await store.secret("token_key", "00" * 32)
            assert mode(db.with_name("onewindow.db-wal")) == 0o600
        finally:
            await store.close()

    asyncio.run(run())
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600


def test_an_older_world_readable_store_is_made_private(tmp_path: Path) -> None:
    shared = tmp_path / "srv"
    shared.mkdir()
    shared.chmod(0o755)
    db = shared / "onewindow.db"
    db.touch()
    db.chmod(0o644)
    private_file(db)
    assert mode(db) == 0o600
    assert mode(shared) == 0o755  # a folder that existed (it may be shared) is left alone


def test_private_text_replaces_the_file_and_keeps_it_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "demo-tokens.txt"
    path.parent.mkdir()
    path.write_text("old\n")
    path.chmod(0o644)
    write_private_text(path, "screen=owd_x\n")
    assert path.read_text() == "screen=owd_x\n"
    assert mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["demo-tokens.txt"]


def test_servers_share_the_store_lock_and_a_writer_alone_is_refused_beside_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'hall.db'}"
    first, second = StoreLock(url, exclusive=False), StoreLock(url, exclusive=False)
    with pytest.raises(StoreInUse):
        StoreLock(url, exclusive=True)
    first.release()
    second.release()
    alone = StoreLock(url, exclusive=True)
    with pytest.raises(StoreInUse):
        StoreLock(url, exclusive=False)
    alone.release()
    assert mode(tmp_path / "var" / "hall.db.lock") == 0o600
