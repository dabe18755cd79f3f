"""`onewindow backup` and `restore`: SQLite through its online backup API (a consistent copy
while the server runs), PostgreSQL through pg_dump and pg_restore (docs/DEPLOY.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Final

from queue_server.files import PRIVATE_FILE, private_file, sqlite_file

# Tables every OneWindow store has: a file without them is not one of its backups.
_MARK_TABLES: Final = {"alembic_version", "ticket", "ledger", "account"}


class BackupError(Exception):
    """What went wrong, in words for the operator."""


def backup(store_url: str, target: Path) -> str:
    """Copies the store to `target`; what was done, in a sentence."""
    store = sqlite_file(store_url)
    if store is None:
        return _run(pg_dump_command(store_url, target))
    if not store.is_file():
        raise BackupError(f"there is no store at {store}")
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    _copy(_open(store, read_only=True), _open(private_file(partial)))
    os.chmod(partial, PRIVATE_FILE)  # it holds the token-signing key and password hashes
    os.replace(partial, target)
    return f"backed up {store} to {target}"


def restore(source: Path, store_url: str) -> str:
    """Replaces the store's content with the backup's. The caller holds the store alone."""
    store = sqlite_file(store_url)
    if store is None:
        return _run(pg_restore_command(store_url, source))
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    backup_db = _open(source, read_only=True)
    try:
        _check_backup(backup_db, source)
    except BaseException:
        backup_db.close()
        raise
    _copy(backup_db, _open(private_file(store)))
    return f"restored {store} from {source}"


def _check_backup(db: sqlite3.Connection, source: Path) -> None:
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = _MARK_TABLES - tables
        if missing:
            raise BackupError(
                f"{source} is not a OneWindow backup: it has no {', '.join(sorted(missing))} table"
            )
        (check,) = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from None
    if check != "ok":
        raise BackupError(f"{source} is damaged: {check}")


def _open(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:  # never creates a file, never writes to the server's store
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        # A few pages at a time: the server's commits go on between the steps.
        source.backup(target, pages=1024)
    except sqlite3.Error as exc:
        raise BackupError(f"the copy failed: {exc}") from None
    finally:
        target.close()
        source.close()


def libpq_url(store_url: str) -> str:
    """The URL as pg_dump takes it (without SQLAlchemy's driver name)."""
    return "postgresql://" + store_url.split("://", 1)[1]


def pg_dump_command(store_url: str, target: Path) -> list[str]:
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(store_url)]


def pg_restore_command(store_url: str, source: Path) -> list[str]:
    # --clean --if-exists: the store's tables are replaced by the backup's, whatever is there.
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        f"--dbname={libpq_url(store_url)}",
        str(source),
    ]


def _run(command: list[str]) -> str:
    # Shown without the password, if the URL has one (better kept in ~/.pgpass or PGPASSWORD).
    shown = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", shlex.join(command))
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed here; run on a machine that has it: {shown}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{shown} failed: {done.stderr.strip() or done.returncode}")
    return f"ran {shown}"
