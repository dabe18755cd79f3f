"""Every Redis key OneWindow uses, in one place. Nothing here is authoritative: each key may
be lost (Redis restarted empty, flushed) and is rebuilt from PostgreSQL or simply forgotten.

Each carries its hall in a `{hall}` hash tag, so a hall's keys live in one slot and a Lua
script may touch them together on a Redis Cluster too.
"""

from __future__ import annotations

# Entries kept in a hall's stream: the replay window for `?after=seq` (a day of a busy hall
# is ~10k events).
STREAM_MAXLEN = 20_000
# A hall's stream and its published mark outlive a quiet night, not a week of disuse.
STREAM_TTL_S = 2 * 24 * 3600


def stream_key(hall: str) -> str:
    """Stream of the hall's committed events, entry id `<seq>-0`: a cache of the ledger."""
    return f"ow:{{{hall}}}:events"


def published_key(hall: str) -> str:
    """The seq of the last event on the stream; a publisher adds only the very next one."""
    return f"ow:{{{hall}}}:published"
