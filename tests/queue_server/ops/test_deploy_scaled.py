"""docs/DEPLOY.md's scaled-out set-up followed as written: its commands run in order on
PostgreSQL and a Redis of the test's own, two `onewindow serve` processes from the template
unit it makes, and Debian's nginx with docs/nginx-onewindow.conf as shipped. Only ports and
paths are the test's own: nginx runs unprivileged as a child process, with Debian's
nginx.conf and the folders it names moved under the test's folder.

Through nginx, as a hall would check it: /readyz answers, a screen connected through it hears
a call a clerk made through it on the other process, /metrics is not served there (each
process is scraped on its own port), and nginx's log holds no token.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from queue_server.clock import TEST_CLOCK_ENV
from tests.conftest import PASSWORD, POSTGRES_URL, REPO, reset_scaled_backends
from tests.queue_server.ops.test_deploy_doc import (
    DEPLOY,
    Systemd,
    localise,
    marked_blocks,
    run_as_written,
    wait_until_answering,
)
from tests.queue_server.scaleout.conftest import OPEN_HOURS, RedisServer
from tests.server_process import free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

DEBIAN_NGINX = Path("/etc/nginx")
# Debian's nginx keeps its temporary files in folders compiled in (nginx -V), root's own.
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
UNPRIVILEGED = "nobody"


class Nginx:
    """`systemctl reload nginx` on a machine where it was not running yet: it starts. Debian's
    configuration, under `root`; run as nobody when the test is root."""

    def __init__(self, binary: str, root: Path) -> None:
        self.root = root
        self.conf = root / "etc" / "nginx" / "nginx.conf"
        self.command = [binary, "-e", str(root / "log" / "error.log"), "-c", str(self.conf)]
        self.as_ = ["runuser", "-u", UNPRIVILEGED, "--"] if os.geteuid() == 0 else []
        self.process: subprocess.Popen[bytes] | None = None

    def install_debian_configuration(self, local: dict[str, str]) -> None:
        shutil.copytree(DEBIAN_NGINX, self.conf.parent, symlinks=True)
        for written in ("log", "temp"):  # what nginx writes
            (self.root / written).mkdir()
            if self.as_:
                shutil.chown(self.root / written, UNPRIVILEGED)
        text = localise(DEBIAN_NGINX.joinpath("nginx.conf").read_text(encoding="utf-8"), local)
        temp = "".join(f"\t{kind}_temp_path {self.root / 'temp' / kind};\n" for kind in TEMP_PATHS)
        self.conf.write_text(text.replace("http {\n", "http {\n" + temp, 1), encoding="utf-8")

    def test(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_, *self.command, "-t"], capture_output=True, text=True, check=False)

    def start(self) -> None:
        log = (self.root / "nginx.out").open("ab")
        self.process = subprocess.Popen(
            [*self.as_, *self.command, "-g", "daemon off;"], stdout=log, stderr=log
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    @property
    def access_log(self) -> str:
        return (self.root / "log" / "access.log").read_text(encoding="utf-8")


class Hall:
    """What the hall ends up with after the doc's steps."""

    def __init__(self, url: str, processes: dict[str, str], nginx: Nginx) -> None:
        self.url, self.processes, self.nginx = url, processes, nginx


@pytest.fixture
def deployed() -> Iterator[Hall]:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    reset_scaled_backends()
    # Not under pytest's tmp_path: nginx, unprivileged, must read it.
    root = Path(tempfile.mkdtemp(prefix="onewindow-scaled-"))
    root.chmod(0o755)
    redis = RedisServer(root).start()
    onewindow = str(Path(sys.executable).with_name("onewindow"))
    instance_ports = {"8001": free_port(), "8002": free_port()}
    http_port = free_port()
    srv = root / "srv" / "onewindow"
    local = {
        "/opt/onewindow/bin/onewindow": onewindow,
        "/srv/onewindow": str(srv),
        "/etc/systemd/system": str(root / "etc" / "systemd" / "system"),
        "/etc/nginx": str(root / "etc" / "nginx"),
        "/run/nginx.pid": str(root / "log" / "nginx.pid"),
        "/var/log/nginx": str(root / "log"),
        "postgresql://onewindow@db.hall.lan/onewindow": POSTGRES_URL,
        "redis://cache.hall.lan:6379/0": redis.url,
        "http://onewindow.hall.lan": f"http://127.0.0.1:{http_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        **{f"127.0.0.1:{written}": f"127.0.0.1:{port}" for written, port in instance_ports.items()},
    }
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    nginx = Nginx(binary, root)
    nginx.install_debian_configuration(local)
    clock = root / "clock.txt"
    clock.write_text(OPEN_HOURS, encoding="utf-8")  # the hall is open while the test runs
    env = {
        **os.environ,
        "PATH": f"{Path(onewindow).parent}{os.pathsep}{os.environ['PATH']}",
        TEST_CLOCK_ENV: str(clock),
    }
    units: list[Systemd] = []
    try:
        for number, block in enumerate(marked_blocks("scaled out")):
            cwd = root if number == 0 else REPO  # the second block: "in this repository's folder"
            for step in block:
                cwd = run_step(step, cwd, local, env, root, units, instance_ports, nginx)
        yield Hall(
            f"http://127.0.0.1:{http_port}",
            {name: f"http://127.0.0.1:{port}" for name, port in instance_ports.items()},
            nginx,
        )
    finally:
        nginx.stop()
        for unit in units:
            unit.stop()
        redis.kill()
        shutil.rmtree(root, ignore_errors=True)


def run_step(
    step: str,
    cwd: Path,
    local: dict[str, str],
    env: dict[str, str],
    root: Path,
    units: list[Systemd],
    instance_ports: dict[str, int],
    nginx: Nginx,
) -> Path:
    """Runs one of the doc's commands as the machine would; returns the folder it leaves."""
    if step.startswith("cd "):
        return Path(localise(step[3:], local))
    if step == "systemctl daemon-reload" or step.startswith("apt-get install"):
        return cwd  # systemd reads the unit when started here; nginx is installed already
    if step.startswith("systemctl enable --now onewindow@"):
        template = root / "etc" / "systemd" / "system" / "onewindow@.service"
        for instance in re.findall(r"onewindow@(\d+)", step):
            unit = Systemd(
                local, root / f"onewindow@{instance}.log", template, str(instance_ports[instance]), env
            )
            unit.start()
            units.append(unit)
        for unit in units:
            wait_until_answering(f"http://127.0.0.1:{unit.instance}", unit)
        return cwd
    if step == "nginx -t && systemctl reload nginx":
        tested = nginx.test()
        assert tested.returncode == 0, tested.stderr
        nginx.start()
        return cwd
    done = run_as_written(step, local, cwd, env)
    if step.startswith("curl ") and "onewindow.hall.lan" in step and done.returncode == 7:
        # Connection refused: nginx is still starting.
        time.sleep(0.5)
        return run_step(step, cwd, local, env, root, units, instance_ports, nginx)
    assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    if "readyz" in step:
        assert json.loads(done.stdout) == {"status": "ready"}, done.stdout
    if step.startswith("cp docs/nginx-onewindow.conf "):
        # Its ports made the test's own: the upstreams' and the one it listens on.
        installed = Path(localise(step.split()[-1], local))
        installed.write_text(localise(installed.read_text(encoding="utf-8"), local), encoding="utf-8")
    if step.startswith("onewindow init"):
        apply_server_settings(Path(localise(step.split()[-1], local)) / "config.toml", local)
    return cwd


def apply_server_settings(config: Path, local: dict[str, str]) -> None:
    """The hall's own edit: the doc's `[server]` lines put in the config `init` wrote."""
    written = re.search(r"## Scaled out.*?```toml\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert written is not None
    server = tomllib.loads(localise(written.group(1), local))["server"]
    text = config.read_text(encoding="utf-8")
    for key, value in server.items():
        text, found = re.subn(rf"^{key} = .*$", f"{key} = {json.dumps(value)}", text, count=1, flags=re.M)
        assert found, key
    config.write_text(text, encoding="utf-8")


def scraped(url: str, sample: str, **labels: str) -> float:
    """`sample` summed over what matches `labels`, from this process's own /metrics."""
    response = httpx.get(f"{url}/metrics")
    assert response.status_code == 200, response.text
    return sum(
        s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        if s.name == sample and labels.items() <= s.labels.items()
    )


def test_through_nginx_a_screen_hears_a_call_made_on_the_other_process(deployed: Hall) -> None:
    with httpx.Client(base_url=deployed.url, timeout=10) as hall:
        assert hall.get("/readyz").status_code == 200
        signed_in = hall.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {signed_in.json()['token']}"}
        clerk_account = {"username": "clerk1", "role": "clerk", "hall": "weiyang", "password": PASSWORD}
        assert hall.post("/api/users", json=clerk_account, headers=admin).status_code == 201
        devices = "/api/halls/weiyang/devices"
        screen = hall.post(devices, json={"name": "screen-9", "kind": "screen"}, headers=admin).json()[
            "token"
        ]
        kiosk = hall.post(devices, json={"name": "kiosk-9", "kind": "kiosk"}, headers=admin).json()["token"]
        signed_in = hall.post("/api/auth/login", json={"username": "clerk1", "password": PASSWORD})
        clerk_token = signed_in.json()["token"]
        clerk = {"Authorization": f"Bearer {clerk_token}"}

        ws_url = deployed.url.replace("http://", "ws://") + f"/ws/halls/weiyang?token={screen}"
        with connect(ws_url, open_timeout=10) as board:
            assert json.loads(board.recv(10))["kind"] == "snapshot"
            (holding,) = [
                name
                for name, url in deployed.processes.items()
                if scraped(url, "onewindow_websocket_clients", kind="screen") == 1
            ]
            (other,) = set(deployed.processes) - {holding}
            issued = hall.post(
                "/api/halls/weiyang/tickets",
                json={"category": "business"},
                headers={"Authorization": f"Bearer {kiosk}"},
            )
            assert issued.status_code == 201, issued.text
            ticket = issued.json()["id"]
            assert hall.post("/api/halls/weiyang/windows/1/open", json={}, headers=clerk).status_code == 200
            called = hall.post("/api/halls/weiyang/windows/1/call-next", json={}, headers=clerk)
            assert called.status_code == 200 and called.json()["ticket"]["id"] == ticket, called.text
            deadline = time.monotonic() + 10
            while (frame := json.loads(board.recv(10))).get("type") != "ticket.called":
                assert time.monotonic() < deadline, "the screen did not hear the call"
            assert f'"number": "{called.json()["ticket"]["number"]}"' in json.dumps(frame), frame
        # nginx chose the process without the screen for the clerk (least_conn): the call was
        # made there, and heard on the screen through the other.
        assert scraped(deployed.processes[other], "onewindow_tickets_called_total") == 1
        assert scraped(deployed.processes[holding], "onewindow_tickets_called_total") == 0

        # Prometheus scrapes each process on its own port (above), never through nginx.
        assert hall.get("/metrics").status_code == 404
        # The visitor's phone page, whose address is its secret.
        assert hall.get(f"/t/{ticket}").status_code == 200

    # nginx writes a line once it has finished with the request: a closed WebSocket's a moment later.
    expected = ("/ws/halls/weiyang", "call-next", "GET /t/*** ")
    deadline = time.monotonic() + 10
    while not all(line in (logged := deployed.nginx.access_log) for line in expected):
        assert time.monotonic() < deadline, logged
        time.sleep(0.1)
    for token in (screen, kiosk, clerk_token, ticket):
        assert token not in logged
