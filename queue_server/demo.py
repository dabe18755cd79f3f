"""`onewindow demo`: the demo hall on a store of its own, ready to click through.

The demo's accounts share one published password, so they live in `var/demo.db` next to the
config (never in the hall's configured store, which `onewindow serve` uses). Every start makes
sure the accounts and the device tokens of `var/demo-tokens.txt` are registered (a deleted or
reset demo store keeps the screens' bookmarked URLs working), prints the URL of every page
with its token (and, once the server answers, the phone page of an example ticket), and runs
a print agent on a virtual printer: a file that keeps every ticket as sent to a printer, and
a text copy to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from queue_server.accounts import add_device, add_user
from queue_server.auth import DeviceKind, Role, hash_device_token
from queue_server.clock import SystemClock
from queue_server.config import Settings
from queue_server.domain.model import HallSpec
from queue_server.files import write_private_text
from queue_server.storage import open_store
from queue_server.storage.base import Store
from ticket_printer.agent import AgentOptions, PrintAgent
from ticket_printer.connections import PrinterConfig

DEMO_PASSWORD: Final = "onewindow-demo"
DEMO_USERS: Final = (
    ("supervisor", Role.SUPERVISOR),
    ("admin", Role.ADMIN),
    *((f"clerk{i}", Role.CLERK) for i in range(1, 4)),
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoFiles:
    """What the demo keeps, all in the var/ folder beside the config (or in the data folder)."""

    var: Path

    @property
    def store(self) -> Path:
        return self.var / "demo.db"

    @property
    def tokens(self) -> Path:
        return self.var / "demo-tokens.txt"

    @property
    def printed(self) -> Path:
        """Every ticket exactly as a printer would receive it, appended."""
        return self.var / "printed-tickets.bin"

    @property
    def printed_text(self) -> Path:
        """The same tickets as text."""
        return self.var / "printed-tickets.txt"

    @property
    def printed_jobs(self) -> Path:
        return self.var / "demo-printed-jobs.txt"

    @property
    def example_ticket(self) -> Path:
        return self.var / "demo-example-ticket.txt"


def demo_files(settings: Settings) -> DemoFiles:
    return DemoFiles(settings.base_dir / "var")


def demo_store_url(settings: Settings) -> str:
    return f"sqlite:///{demo_files(settings).store}"


def demo_settings(settings: Settings) -> Settings:
    """`settings` on the demo's own store and the in-process bus (the demo is one process)."""
    server = replace(settings.server, store=demo_store_url(settings), bus="memory://")
    return replace(settings, server=server)


@dataclass(frozen=True)
class DemoDevice:
    key: str  # its line in var/demo-tokens.txt
    name: str
    kind: DeviceKind
    window: int | None = None  # a screen bound to a window is that window's rating device


def demo_devices(spec: HallSpec) -> tuple[DemoDevice, ...]:
    first_window = spec.windows[0].number
    return (
        DemoDevice("screen", "demo-screen", DeviceKind.SCREEN),
        DemoDevice("kiosk", "demo-kiosk", DeviceKind.KIOSK),
        DemoDevice("printer", "demo-printer", DeviceKind.PRINTER),
        DemoDevice("rating", f"demo-rating-{first_window}", DeviceKind.SCREEN, first_window),
    )


async def prepare(store: Store, settings: Settings) -> dict[str, str]:
    """Demo accounts and devices in `store`; returns the device tokens (written to the file)."""
    clock = SystemClock()
    spec = settings.halls[0]
    for name, role in DEMO_USERS:
        if await store.get_user(name) is None:
            hall_of_user = None if role is Role.ADMIN else spec.id
            await add_user(store, settings, clock, name, role, DEMO_PASSWORD, hall_of_user)
    files = demo_files(settings)
    tokens = _read_tokens(files.tokens)
    devices = demo_devices(spec)
    for device in devices:
        known = tokens.get(device.key)
        if known is None or await store.device_by_token_hash(hash_device_token(known)) is None:
            # A token from the file that the store no longer knows (the store was reset) is
            # registered again, so the screens that bookmarked it keep working.
            tokens[device.key] = await add_device(
                store, settings, clock, device.name, device.kind, spec.id, known, device.window
            )
    lines = [f"{device.key}={tokens[device.key]}" for device in devices]
    write_private_text(files.tokens, "\n".join(lines) + "\n")
    return tokens


def _read_tokens(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    tokens: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, token = line.strip().partition("=")
        if token.startswith("owd_"):
            tokens[key] = token
    return tokens


def page_urls(base: str, spec: HallSpec, tokens: dict[str, str]) -> list[tuple[str, str]]:
    """(what, URL) of every page of the demo hall, with the token each needs."""
    hall = spec.id
    window = spec.windows[0].number
    screen, kiosk, rating = tokens["screen"], tokens["kiosk"], tokens["rating"]
    return [
        ("hall screen, landscape", f"{base}/display/halls/{hall}?token={screen}"),
        (
            "hall screen, portrait (same page on a 1080x1920 screen)",
            f"{base}/display/halls/{hall}?token={screen}",
        ),
        (f"window screen, window {window}", f"{base}/display/halls/{hall}/windows/{window}?token={screen}"),
        (
            f"LED feed, window {window}",
            f"{base}/display/halls/{hall}/windows/{window}/led.txt?token={screen}",
        ),
        ("kiosk", f"{base}/kiosk/halls/{hall}?token={kiosk}"),
        ("online ticket (phone)", f"{base}/online/halls/{hall}"),
        ("booking (phone)", f"{base}/book/halls/{hall}"),
        ("crowded periods (phone)", f"{base}/crowded/halls/{hall}"),
        ("clerk console (clerk1-3)", f"{base}/console"),
        (f"rating device, window {window}", f"{base}/rate/halls/{hall}/windows/{window}?token={rating}"),
        ("supervisor dashboard (supervisor)", f"{base}/supervise/halls/{hall}"),
        ("reports (supervisor)", f"{base}/supervise/halls/{hall}/reports"),
        ("accounts (admin)", f"{base}/admin/users"),
        ("devices (admin, supervisor)", f"{base}/admin/devices"),
        ("audit (admin, supervisor)", f"{base}/admin/audit"),
        # [metrics] allow: by default only this machine may scrape it (docs/DEPLOY.md).
        ("Prometheus metrics (from this machine)", f"{base}/metrics"),
    ]


def run(
    settings: Settings,
    host: str | None,
    port: int | None,
    serve: Callable[[Settings, str | None, int | None], int],
) -> int:
    """Prepare the demo store, say where everything is, print on the virtual printer, serve."""
    demo = demo_settings(settings)
    files = demo_files(settings)
    tokens = asyncio.run(_prepare_store(demo))
    spec = demo.halls[0]
    listen_host = host or demo.server.host
    listen_port = port or demo.server.port
    local_host = "127.0.0.1" if listen_host in ("0.0.0.0", "::", "") else listen_host
    base = f"http://{local_host}:{listen_port}"
    print(f"OneWindow demo hall {spec.id} ({spec.name}) on {base}")
    print(f"  demo store {files.store} (your hall's store {settings.server.store} is not used)")
    print(f"  accounts supervisor, admin, clerk1-3, password {DEMO_PASSWORD}")
    for what, url in page_urls(base, spec, tokens):
        print(f"  {what + ':':<58} {url}")
    print(f"  printed tickets: {files.printed} (ESC/POS), {files.printed_text} (text)")
    print(f"  device tokens: {files.tokens}", flush=True)
    _start_print_agent(base, tokens["printer"], files)
    threading.Thread(
        target=_show_example_ticket, args=(base, spec, files), name="demo ticket", daemon=True
    ).start()
    return serve(demo, host, port)


async def _prepare_store(settings: Settings) -> dict[str, str]:
    store = open_store(settings.server.store)
    await store.start()
    try:
        return await prepare(store, settings)
    finally:
        await store.close()


def _show_example_ticket(base: str, spec: HallSpec, files: DemoFiles) -> None:
    """Once the server answers, the phone page of a waiting example ticket: the one of an
    earlier start while it still waits, else a new one issued at the counter by the supervisor
    (staff are not held to the opening hours, so this works at any time)."""
    try:
        token = _wait_and_sign_in(base)
        hall = f"{base}/api/halls/{spec.id}"
        ticket = None
        if files.example_ticket.is_file():
            known = files.example_ticket.read_text(encoding="utf-8").strip()
            with contextlib.suppress(urllib.error.HTTPError):
                ticket = _call("GET", f"{hall}/tickets/{known}", token)
        if ticket is None or ticket["status"] != "waiting":
            ticket = _call("POST", f"{hall}/tickets", token, {"category": spec.categories[0].code})
            files.example_ticket.write_text(str(ticket["id"]) + "\n", encoding="utf-8")
    except (OSError, ValueError, KeyError) as exc:  # the demo works without its example
        log.warning("no example ticket for the phone page: %s", exc)
        return
    what = f"visitor's phone page (example ticket {ticket['number']}):"
    print(f"  {what:<58} {base}/t/{ticket['id']}", flush=True)


def _wait_and_sign_in(base: str, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            body = {"username": "supervisor", "password": DEMO_PASSWORD}
            return str(_call("POST", f"{base}/api/auth/login", None, body)["token"])
        except urllib.error.HTTPError:
            raise
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _call(method: str, url: str, token: str | None, body: dict[str, str] | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def _start_print_agent(base: str, token: str, files: DemoFiles) -> None:
    """The demo printer's agent, in a thread of this process: it lives and ends with the demo,
    and waits for the server like any agent (it keeps retrying until the server answers)."""
    options = AgentOptions(
        server=base,
        token=token,
        printed_log=files.printed_jobs,
        printer=PrinterConfig(kind="file", file_path=str(files.printed)),
        text_copy=files.printed_text,
    )

    def work() -> None:
        try:
            asyncio.run(PrintAgent(options).run())
        except Exception:  # the demo goes on without its printer; the kiosk shows it offline
            log.exception("the demo's print agent stopped")

    threading.Thread(target=work, name="demo print agent", daemon=True).start()
