"""The schema comes from the Alembic migrations, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect

from queue_server.storage import migrate
from queue_server.storage.sql import SqlStore

CORE_TABLES = {
    "ticket",
    "window_state",
    "ticket_counter",
    "ledger",
    "account",
    "device",
    "server_secret",
    "print_job",
    "booking",
    "online_claim",
    "rating",
}


async def tables_and_revision(store: SqlStore) -> tuple[set[str], str | None]:
    await store.start()
    try:
        async with store.engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        return names, await store.schema_revision()
    finally:
        await store.close()


def test_a_new_sqlite_file_is_migrated_to_head_and_again_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    names, revision = asyncio.run(tables_and_revision(SqlStore(url)))
    assert names >= CORE_TABLES and revision == migrate.head_revision()
    assert asyncio.run(tables_and_revision(SqlStore(url)))[1] == migrate.head_revision()


def test_each_backends_store_is_migrated_to_head(backend: dict[str, str]) -> None:
    names, revision = asyncio.run(tables_and_revision(SqlStore(backend["store"])))
    assert names >= CORE_TABLES and revision == migrate.head_revision()
