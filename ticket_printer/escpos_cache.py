"""python-escpos reads its printer database (capabilities.json) when it is imported, parsing it
with PyYAML: about 0.4 s of CPU in every process that renders or prints a ticket, every server
among them. It keeps the result as a pickle, but in a new temporary folder each time, so no
process ever finds the one before it. Importing this module first (the package's __init__ does)
points escpos at a folder of this user's own cache (ESCPOS_CAPABILITIES_PICKLE_DIR), named after
the database file so that another escpos release never reads it, and writes the pickle there
once: the file is JSON, read as such in milliseconds, and the pickle is renamed into place, so
processes starting side by side never read a half-written one. A folder shared with other users
would not do: loading a pickle runs what it says, so the folder and the pickle are used only
when this user owns them and nobody else may write them. Where no such folder can be had (no
home, a read-only one, one that is not this user's alone), escpos parses the database itself,
as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import pickle
import platform
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"
# Who sets either variable chooses escpos's database or cache: left to them.
_CHOSEN_ELSEWHERE = (PICKLE_DIR_VARIABLE, "ESCPOS_CAPABILITIES_FILE")


def _database() -> Path:
    # Found without importing escpos: importing it is what reads the database.
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("python-escpos is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "onewindow"


def _make_private(folder: Path) -> None:
    """`folder` and its missing parents, each readable by this user only (mkdir's parents=True
    would give the parents the umask's mode)."""
    if folder.is_dir():
        return
    _make_private(folder.parent)
    folder.mkdir(mode=0o700, exist_ok=True)


def _require_own_alone(path: Path) -> None:
    # Another user's file, or one another user may write, may hold any pickle.
    owner = path.stat()
    if owner.st_uid != os.getuid() or owner.st_mode & 0o022:
        raise PermissionError(f"{path} is not this user's alone")


def cached_capabilities(cache: Path, database: Path) -> Path:
    """The folder holding `database` as escpos's pickle, written there if it is not yet."""
    stat = database.stat()
    release = hashlib.sha256(f"{database}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = cache / f"escpos-capabilities-{release}"
    # The name escpos looks for (escpos/capabilities.py).
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    _make_private(folder)
    _require_own_alone(folder)
    if target.exists():
        _require_own_alone(target)
        return folder
    capabilities = json.loads(database.read_text(encoding="utf-8"))
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(capabilities, out, protocol=2)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return folder


def import_escpos_tidily(scratch_in: Path) -> None:
    """Imports escpos's capabilities with its temporary folder made in `scratch_in`, and
    removed: told where its cache is, escpos still makes one in /tmp on import and leaves it
    (capabilities.py's `environ.get(..., mkdtemp())` makes the default first), an empty folder
    per process: hundreds on a kiosk PC or a test machine."""
    scratch = tempfile.mkdtemp(dir=scratch_in)
    before, tempfile.tempdir = tempfile.tempdir, scratch
    try:
        importlib.import_module("escpos.capabilities")
    finally:
        tempfile.tempdir = before
        shutil.rmtree(scratch, ignore_errors=True)


def use_capabilities_cache() -> None:
    if any(name in os.environ for name in _CHOSEN_ELSEWHERE):
        return
    try:
        folder = cached_capabilities(_user_cache(), _database())
    # RuntimeError: no HOME and no passwd entry (a container's arbitrary user): Path.home() fails.
    # ValueError: a database that is not JSON.
    except (OSError, RuntimeError, ValueError) as exc:
        log.debug("escpos parses its printer database itself (no cache: %s)", exc)
        return
    os.environ[PICKLE_DIR_VARIABLE] = str(folder)
    import_escpos_tidily(folder)


use_capabilities_cache()
