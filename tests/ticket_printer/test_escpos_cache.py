"""escpos's printer database is read from this user's cache, not parsed again by every process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ticket_printer import escpos_cache

# What a fresh process that imports the package sees of escpos's database.
_PROBE = """
import json, yaml
import ticket_printer
from escpos import capabilities
with open(capabilities.capabilities_path, encoding="utf-8") as database:
    parsed = yaml.safe_load(database)
print(json.dumps({
    "parsed_at_import": capabilities.full_load,
    "pickle_dir": capabilities.pickle_dir,
    "same_as_parsed": capabilities.CAPABILITIES == parsed,
}))
"""


def _probe(cache: Path, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ESCPOS_")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**clean, "XDG_CACHE_HOME": str(cache), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_every_process_reads_the_database_from_the_users_cache(tmp_path: Path) -> None:
    first, second = _probe(tmp_path), _probe(tmp_path)
    for seen in (first, second):
        assert seen["parsed_at_import"] is False
        assert seen["same_as_parsed"] is True
    assert first["pickle_dir"] == second["pickle_dir"]
    folder = Path(first["pickle_dir"])
    assert folder.parent == tmp_path / "onewindow"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # a pickle runs what it says: ours only
    assert [p.suffix for p in folder.iterdir()] == [".pickle"]  # no temporary file left


def test_importing_the_package_leaves_no_folder_in_the_temporary_directory(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    for _ in range(2):  # the first writes the cache, the second reads it
        _probe(tmp_path / "cache", TMPDIR=str(temporary))
    assert list(temporary.iterdir()) == []
    (folder,) = (tmp_path / "cache" / "onewindow").iterdir()
    assert [p.suffix for p in folder.iterdir()] == [".pickle"]


def test_without_a_cache_to_write_escpos_parses_the_database_itself(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("")
    seen = _probe(not_a_folder)
    assert seen["parsed_at_import"] is True
    assert seen["same_as_parsed"] is True


def test_a_pickle_folder_chosen_by_whoever_runs_it_is_left_to_them(tmp_path: Path) -> None:
    chosen = tmp_path / "theirs"
    chosen.mkdir()
    seen = _probe(tmp_path / "cache", ESCPOS_CAPABILITIES_PICKLE_DIR=str(chosen))
    assert seen["pickle_dir"] == str(chosen)
    assert not (tmp_path / "cache").exists()


def _parsed_itself(cache: Path) -> None:
    seen = _probe(cache)
    assert seen["parsed_at_import"] is True
    assert seen["same_as_parsed"] is True
    assert Path(seen["pickle_dir"]).parent != cache / "onewindow"


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path) -> None:
    folder = Path(_probe(tmp_path)["pickle_dir"])
    folder.chmod(0o775)
    _parsed_itself(tmp_path)


def test_a_pickle_others_may_write_is_not_used(tmp_path: Path) -> None:
    (pickle,) = Path(_probe(tmp_path)["pickle_dir"]).iterdir()
    pickle.chmod(0o664)
    _parsed_itself(tmp_path)


@pytest.fixture
def chosen_by_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a process that has not imported the package yet; monkeypatch restores the variables.
    for name in escpos_cache._CHOSEN_ELSEWHERE:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("chosen_by_nobody")
def test_a_cache_folder_of_another_user_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    escpos_cache.use_capabilities_cache()
    folder = os.environ.pop(escpos_cache.PICKLE_DIR_VARIABLE)
    assert Path(folder).parent == tmp_path / "onewindow"
    another_user = os.getuid() + 1
    monkeypatch.setattr(os, "getuid", lambda: another_user)
    escpos_cache.use_capabilities_cache()
    assert escpos_cache.PICKLE_DIR_VARIABLE not in os.environ


@pytest.mark.usefixtures("chosen_by_nobody")
def test_without_a_home_escpos_parses_the_database_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # No HOME and no passwd entry, as a container's arbitrary user: Path.home() raises.
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    escpos_cache.use_capabilities_cache()
    assert escpos_cache.PICKLE_DIR_VARIABLE not in os.environ
