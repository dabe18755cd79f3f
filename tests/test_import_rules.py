"""Which package may import which (docs/ARCHITECTURE.md, "Packages"), read from the code itself.

* `ticket_printer` (the print agent, installed alone on a kiosk PC) imports none of the others:
  it talks to the server over its WebSocket only.
* The page packages, `displays` (visitors) and `clerk_console` (staff), import the queue server
  only through its public modules (PUBLIC) and do not import each other.
* `queue_server` has no pages: only the module that assembles the app imports the page packages.
* `displays.kit`, the front-end kit both page packages use (the pages' catalog), imports the queue
  server only through its public modules and none of the page packages; only the pages and the
  app assembly import it.

A page asks the service (or a public module that takes it) for what it shows; none reads
`QueueService.store` itself.

Every import counts, also one inside a function, and `from queue_server import storage` is an
import of `queue_server.storage`. The storage rule (no SQL outside `queue_server/storage`) is
tests/queue_server/storage/test_import_rules.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("queue_server", "displays", "clerk_console", "ticket_printer")
# The kit lives inside `displays` but is a unit of its own for these rules.
KIT = "displays.kit"
PAGES = ("displays", "clerk_console")

# What of the queue server the pages use: the service and its view models (the domain core),
# the principals, the HTTP helpers and request models that routes use (the document's values
# and formats among them: a slot, a phone number), the catalog and settings, and the
# services that pages show (accounts, ratings, ticketing, webhooks, the report and plan engines).
# Everything else (storage, runtime, bus, scale-out, backends, presence, throttle, ...) is
# the server's own.
PUBLIC = (
    "queue_server.service",
    "queue_server.auth",
    "queue_server.domain",
    "queue_server.api.deps",
    "queue_server.api.errors",
    "queue_server.api.openapi",
    "queue_server.api.responses",
    "queue_server.api.schemas",
    "queue_server.api.websockets",
    "queue_server.api.query",
    "queue_server.messages",
    "queue_server.config",
    "queue_server.administration",
    "queue_server.ratings",
    "queue_server.ticketing.ticketing",
    "queue_server.ticketing.online",
    "queue_server.ticketing.settings",
    "queue_server.reports.ledger",
    "queue_server.reports.report",
    "queue_server.reports.planner",
    "queue_server.reports.plan_jobs",
    "queue_server.reports.clerk_stats",
    "queue_server.reports.crowded",
    "queue_server.reports.rating_export",
    "queue_server.outbound.webhooks",
)
# The server's modules that put the pages together with the service.
ASSEMBLY = ("queue_server.app",)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str, root: Path = ROOT) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported(source: str, package: str, root: Path = ROOT) -> set[str]:
    """Every module that `source`, a module of `package`, imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                parts = package.split(".")
                above = parts[: len(parts) - node.level + 1]
                base = ".".join([*above, base] if base else above)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                names.add(sub if is_module(sub, root) else base)
    return names


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def unit(module: str) -> str:
    """The part of the tree a module belongs to for these rules: the kit or its top-level package."""
    return KIT if within(module, (KIT,)) else module.split(".")[0]


def broken_rule(importer: str, name: str) -> str | None:
    """Why `importer` may not import `name`, or None when it may."""
    source, target = unit(importer), unit(name)
    if target not in (*PACKAGES, KIT) or source == target:
        return None
    if source == "ticket_printer":
        return "the print agent imports nothing of the server or the pages"
    if source in PAGES and target in PAGES:
        return "the visitors' and the staff's pages do not import each other"
    if source in (*PAGES, KIT) and target == "queue_server" and not within(name, PUBLIC):
        return "a page package imports only the queue server's public modules"
    if source == KIT and target in PAGES:
        return "the pages' kit serves both page packages: it imports neither"
    if source == "queue_server" and target == KIT and not within(importer, ASSEMBLY):
        return "the queue server has no pages: only its app assembly imports their kit"
    if source == "queue_server" and target in PAGES and not within(importer, ASSEMBLY):
        return "the queue server has no pages: only its app assembly imports them"
    return None


def violations(source: str, path: Path, root: Path = ROOT) -> list[str]:
    importer = module_name(path, root)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    found = []
    for name in sorted(imported(source, package, root)):
        rule = broken_rule(importer, name)
        if rule is not None:
            found.append(f"{path.relative_to(root).as_posix()} imports {name}: {rule}")
    return found


def tree_violations(root: Path = ROOT) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found += violations(path.read_text(encoding="utf-8"), path, root)
    return found


def test_the_packages_keep_the_import_rules() -> None:
    assert tree_violations() == []


def check(path: str, source: str) -> list[str]:
    return violations(source, ROOT / path)


def test_the_checker_catches_each_broken_rule() -> None:
    # A page reaching the server's internals, whichever way the import is written.
    assert check("displays/routes.py", "from queue_server.storage.base import Store")
    assert check("clerk_console/api.py", "import queue_server.runtime")
    assert check("clerk_console/api.py", "from queue_server import storage")
    assert check("displays/ticketing/kiosk.py", "from queue_server.bus.base import SubscriberOverflow")
    assert check("displays/routes.py", "def f():\n    from queue_server.scaleout import log\n")
    # The print agent importing anything of the server or the pages.
    assert check("ticket_printer/agent.py", "from queue_server.domain.model import HallSpec")
    assert check("ticket_printer/agent.py", "import displays.ticketing.kiosk")
    # The pages importing each other; the server importing a page outside the app assembly.
    assert check("displays/routes.py", "from clerk_console.pages import reports_page")
    assert check("clerk_console/pages.py", "from displays.routes import routes")
    # The kit importing a page package or the server's internals; the server importing the kit.
    assert check("displays/kit/messages.py", "from displays.routes import routes")
    assert check("displays/kit/messages.py", "from queue_server.storage import open_store")
    assert check("queue_server/service.py", "from displays.kit.messages import translate")
    assert check("queue_server/service.py", "from displays.ticketing.views import visitor_view")
    assert check("queue_server/ticketing/ticketing.py", "from . import settings\nfrom displays import routes")
    # A relative import is resolved against the importing module's package.
    assert check("queue_server/api/print_agent.py", "from ..storage import base") == []
    assert check("displays/ticketing/kiosk.py", "from .. import routes") == []
    assert check("displays/ticketing/__init__.py", "from . import kiosk") == []
    assert imported("from . import kiosk", "displays.ticketing") == {"displays.ticketing.kiosk"}
    assert imported("from ..routes import routes", "displays.ticketing") == {"displays.routes"}


def test_what_the_rules_allow_passes() -> None:
    assert check("displays/routes.py", "from queue_server.service import QueueService") == []
    assert check("clerk_console/pages.py", "from displays.kit.messages import page_strings") == []
    assert check("displays/kit/messages.py", "from queue_server.messages import render") == []
    assert check("clerk_console/pages.py", "from queue_server.domain.model import HallSpec") == []
    assert check("clerk_console/api.py", "from queue_server import ratings") == []
    assert check("displays/ticketing/kiosk.py", "from ticket_printer.messages import Language") == []
    assert check("queue_server/app.py", "import displays.routes\nimport clerk_console.routes") == []
    assert check("queue_server/ticketing/ticketing.py", "from ticket_printer.render import render") == []
    assert (
        check("ticket_printer/agent.py", "import websockets\nfrom ticket_printer.status import PrinterState")
        == []
    )


def reads_store(source: str) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "store" for node in ast.walk(ast.parse(source))
    )


def test_pages_leave_the_store_to_the_service() -> None:
    readers = {
        path.relative_to(ROOT).as_posix()
        for package in PAGES
        for path in (ROOT / package).rglob("*.py")
        if reads_store(path.read_text(encoding="utf-8"))
    }
    assert readers == set(), "a page wants a verb of the service instead"
    assert reads_store("async def f(svc):\n    return await svc.store.get_ticket('h', 't')")
    assert not reads_store("store = 'the shop'\nsvc.hall(h)")
