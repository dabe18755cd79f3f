"""Files that hold secrets (the SQLite store with the token-signing key and password hashes,
the demo's device tokens): readable by the server's own user only, whatever the umask."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Final

PRIVATE_DIR: Final = 0o700
PRIVATE_FILE: Final = 0o600


def private_dir(path: Path) -> Path:
    """`path` created 0700 if it is missing (its missing parents as usual).

    A folder that exists is left as it is: it may be a shared one (/tmp, /srv) that the
    store was merely pointed into; the files inside are private themselves."""
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it just now
            path.mkdir(PRIVATE_DIR)
            path.chmod(PRIVATE_DIR)  # mkdir's mode is reduced by the umask
    return path


def private_file(path: Path) -> Path:
    """`path` created empty if missing, and made 0600 (an older, world-readable one too).

    SQLite gives its -wal and -shm files the mode of the database file, so creating the
    database this way keeps them private as well."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    if path.stat().st_mode & 0o777 != PRIVATE_FILE:
        path.chmod(PRIVATE_FILE)
    return path


def write_private_text(path: Path, text: str) -> None:
    """`text` written to `path` (0600), replacing what was there in one step."""
    private_dir(path.parent)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(partial, PRIVATE_FILE)  # an older partial file may have had another mode
    os.replace(partial, path)


class StoreInUse(Exception):
    """Another process holds the store's lock the way that rules this one out."""


class StoreLock:
    """An advisory lock beside an SQLite store: every server holds it shared while it runs, a
    writer that must not run beside a live server (demo-data) takes it alone.

    Released when the process ends, however it ends. Other stores are not locked here."""

    def __init__(self, store_url: str, *, exclusive: bool) -> None:
        self.path = sqlite_file(store_url)
        self._fd: int | None = None
        if self.path is None:
            return
        lock = private_file(self.path.with_name(self.path.name + ".lock"))
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreInUse(str(self.path)) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///` store URL; None for other stores and in-memory SQLite."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))
