"""Where the hall's state and ledger are kept: one small interface, chosen by URL."""

from queue_server.storage.base import Store, StoreSetupFailed, StoreUnavailable
from queue_server.storage.sql import SqlStore


def open_store(url: str) -> Store:
    """`sqlite:///path` (the embedded default) or `postgresql://...`."""
    if url.startswith(("sqlite://", "postgresql://", "postgresql+asyncpg://")):
        return SqlStore(url)
    raise ValueError(f"unsupported store URL: {url}")


__all__ = ["Store", "StoreSetupFailed", "StoreUnavailable", "open_store"]
