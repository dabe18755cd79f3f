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


# A device that has not been heard from for this long is forgotten (unknown, not "offline"):
# connected screens, kiosks and printers heartbeat far more often, and come back on their own.
PRESENCE_TTL_S = 300
# A short lock outlives any step it guards, so a process killed holding it blocks nobody long.
LOCK_TTL_S = 10


def presence_key(hall: str, device: str) -> str:
    """Hash of one device's presence: kind, connections, last_seen, address."""
    return f"ow:{{{hall}}}:device:{device}"


def rate_key(hall: str, limit: str, who: str) -> str:
    """Sorted set of the times (ms) `who` used `limit` within its period."""
    return f"ow:{{{hall}}}:rate:{limit}:{who}"


def lock_key(hall: str, name: str) -> str:
    """A short lock; its value is the holder's token, so only the holder releases it."""
    return f"ow:{{{hall}}}:lock:{name}"


# The process holding a printer's agent renews its state every few seconds (the print job
# sweep); a process that died with it is forgotten this long after.
PRINTER_STATE_TTL_S = 30


def printer_state_key(hall: str, printer: str) -> str:
    """Hash of a kiosk printer's state: state, message, paper_low, since, link, connected."""
    return f"ow:{{{hall}}}:printer:{printer}"


def login_key(name: str) -> str:
    """A login throttle counter (`count:…`, `wait:…`, `known:…` of an account or address).
    Not a hall's: an account or an address may sign in to any hall."""
    return f"ow:login:{name}"


def revocations_channel(db: int) -> str:
    """Pub/sub channel of the revocation notices (queue_server.notices). Pub/sub ignores the
    database index, so the channel names it: two deployments on one Redis stay apart."""
    return f"ow:revoked:{db}"
