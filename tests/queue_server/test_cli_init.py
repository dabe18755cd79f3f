"""`onewindow init` and where the config is found: an installed wheel runs from any folder."""

from __future__ import annotations

import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from queue_server.cli import main
from queue_server.config import BUILT_IN_CONFIG, find_config, load_settings
from tests.conftest import REPO


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def onewindow(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "queue_server", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_init_writes_a_commented_config_and_a_private_var_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hall = tmp_path / "hall"
    assert main(["init", str(hall)]) == 0
    config = hall / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# Written by `onewindow init`")
    assert "# Windows 1-10: comprehensive" in text  # the explanations come along
    assert mode(hall / "var") == 0o700
    assert "onewindow serve" in capsys.readouterr().out
    # Its paths start from its own folder, wherever the command runs.
    settings = load_settings(config)
    assert settings.server.store == f"sqlite:///{(hall / 'var' / 'onewindow.db').resolve()}"
    assert settings.halls[0].id == "weiyang"


def test_init_never_overwrites_a_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == "# mine\n"


def test_the_config_in_the_current_folder_is_found_and_its_paths_are_its_own(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    checked = onewindow(tmp_path, "check-config")
    assert checked.returncode == 0, checked.stderr
    assert f"{tmp_path / 'config.toml'}: OK" in checked.stdout
    assert f"store sqlite:///{tmp_path.resolve() / 'var' / 'onewindow.db'}" in checked.stdout


def test_without_a_config_the_built_in_hall_keeps_its_files_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("ONEWINDOW_CONFIG", raising=False)
    monkeypatch.setenv("ONEWINDOW_DATA", str(tmp_path / "data"))
    location = find_config()
    assert location.built_in and location.path == BUILT_IN_CONFIG
    settings = load_settings(location)
    assert settings.server.store == f"sqlite:///{tmp_path / 'data' / 'var' / 'onewindow.db'}"
    # The built-in config ships inside the package, not beside the source tree.
    assert BUILT_IN_CONFIG.parent == REPO / "queue_server"
    # Named explicitly, the built-in config still keeps its files out of the package.
    assert find_config(str(BUILT_IN_CONFIG)).base_dir == tmp_path / "data"
    monkeypatch.delenv("ONEWINDOW_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert find_config().base_dir == tmp_path / "xdg" / "onewindow"
    assert list(empty.iterdir()) == []  # nothing written into the folder it ran in


def test_serve_without_a_config_says_it_runs_the_built_in_hall(tmp_path: Path) -> None:
    env = {"ONEWINDOW_DATA": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    # A port already taken ends the server right after the message.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = onewindow(tmp_path, "serve", "--port", port, env=env)
    assert result.returncode != 0
    assert "no config.toml here: serving the built-in demo hall" in result.stderr
    assert str(tmp_path / "data") in result.stderr
