"""All database access goes through the Store interface: outside `queue_server/storage` no module
imports SQLAlchemy, SQLModel, Alembic or the SQL store itself (`queue_server.storage.sql`:
nothing asks which store it has), and none reaches for a store's `.engine`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("queue_server", "clerk_console", "displays", "ticket_printer")
STORAGE = ROOT / "queue_server" / "storage"
DATABASE_LIBRARIES = {"sqlalchemy", "sqlmodel", "alembic"}
SQL_STORE = "queue_server.storage.sql"


def reaches(source: str) -> set[str]:
    """The database libraries a module imports, the SQL store if it imports that, and ".engine"
    if it reads such an attribute."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names} & DATABASE_LIBRARIES
            found |= {a.name for a in node.names} & {SQL_STORE}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module.split(".")[0]} & DATABASE_LIBRARIES
            named = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            found |= named & {SQL_STORE}
        elif (isinstance(node, ast.Attribute) and node.attr == "engine") or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and any(isinstance(a, ast.Constant) and a.value == "engine" for a in node.args)
        ):
            found.add(".engine")
    return found


def outside_storage() -> dict[str, set[str]]:
    result = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if STORAGE in path.parents:
                continue
            found = reaches(path.read_text(encoding="utf-8"))
            if found:
                result[path.relative_to(ROOT).as_posix()] = found
    return result


def test_no_module_outside_storage_reaches_the_database_itself() -> None:
    assert outside_storage() == {}


def test_the_rule_catches_each_way_around_the_store() -> None:
    assert reaches("from sqlalchemy import select") == {"sqlalchemy"}
    assert reaches("import sqlmodel.main") == {"sqlmodel"}
    assert reaches("from alembic import command") == {"alembic"}
    assert reaches("async def f(store):\n    return store.engine.connect()") == {".engine"}
    assert reaches('engine = getattr(store, "engine", None)') == {".engine"}
    assert reaches("from queue_server.storage.sql import SqlStore") == {SQL_STORE}
    assert reaches("from queue_server.storage import sql") == {SQL_STORE}
    assert reaches("from queue_server.storage.base import Store\nstore.list_users()") == set()
