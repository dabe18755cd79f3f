"""Alembic environment: migrations run on a connection the store hands over (see migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

connection: Connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Several server processes may start together: one migrates, the others wait for it.
    connection.execute(text("SELECT pg_advisory_xact_lock(4242424242)"))
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
