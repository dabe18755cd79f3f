"""The models and the migrations describe one schema: a database upgraded to head from empty
has exactly the tables, columns, types, indexes and constraints of `storage/tables.py`."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import queue_server.storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from queue_server.storage.sql import SqlStore


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def drift(url: str) -> list[Any]:
    store = SqlStore(url)
    await store.start()  # upgrades the empty database to head
    try:
        async with store.engine.connect() as conn:
            return await conn.run_sync(_differences)
    finally:
        await store.close()


def test_an_empty_database_upgraded_to_head_matches_the_models(backend: dict[str, str]) -> None:
    assert asyncio.run(drift(backend["store"])) == []
