"""The signature of a webhook delivery (docs/WEBHOOKS.md shows the receiver's side).

`OneWindow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>`, keyed with the
webhook's secret: the receiver knows the body came from this server, unchanged, and when, so
that it can refuse a replay of an old delivery.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "OneWindow-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
