"""Every Redis key OneWindow uses, in one place.

Each carries its hall in a `{hall}` hash tag, so all of a hall's keys live in one slot and
a Lua script may touch them together on a Redis Cluster too.
"""

from __future__ import annotations

# Entries kept in a hall's stream: the replay window for `?after=seq` and the outbox the
# relay copies to PostgreSQL from (a day of a busy hall is ~10k events).
STREAM_MAXLEN = 20_000
# After Redis lost the live state, seq jumps by this much, so that every screen sees a gap
# and takes a fresh snapshot instead of trusting events it saw before the loss.
REBUILD_SEQ_GAP = 1_000


def seq_key(hall: str) -> str:
    """The seq of the hall's last appended event: the version the compare-and-set checks."""
    return f"ow:{{{hall}}}:seq"


def state_key(hall: str) -> str:
    """Hash of the live state: t:<ticket id>, w:<window>, c:<category>:<day> → JSON/int."""
    return f"ow:{{{hall}}}:state"


def stream_key(hall: str) -> str:
    """Stream of the hall's events, entry id `<seq>-0`; the last event of a step carries the
    step's changed rows, so another process can catch up without reading the whole state."""
    return f"ow:{{{hall}}}:events"


def relay_key(hall: str) -> str:
    """Highest seq the outbox relay has confirmed in PostgreSQL."""
    return f"ow:{{{hall}}}:relayed"
