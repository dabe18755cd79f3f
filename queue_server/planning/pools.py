"""Window pools: the hall's windows grouped by what they serve, each planned with its own demand.

A hall has comprehensive windows (无差别综合窗口, serving every category) and a few specialised
ones: a cross-province window (跨省通办) serving only cross-province matters, a certificate
pick-up window (证照领取), a green channel (绿色通道) for key-project visitors. Each specialised
pool is planned with the demand it serves, the comprehensive pool with the rest:

* a pool with a `priority` (the green channel) takes the tickets of that priority class;
* a pool with `categories` takes the other tickets of those categories;
* the pool without `categories` (comprehensive) takes everything else.

`capacity` is the number of windows the pool has: a hard limit of every plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import VisitRecord

COMPREHENSIVE = "comprehensive"


@dataclass(frozen=True)
class PoolSpec:
    name: str
    capacity: int
    categories: frozenset[str] | None = None
    """None: the comprehensive pool (every category not taken by another pool)."""
    priority: str | None = None

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError("a pool's capacity must be >= 0")


def pool_of(record: VisitRecord, pools: Sequence[PoolSpec]) -> str:
    """The pool that serves a record (see the module docstring)."""
    for p in pools:
        if (
            p.priority is not None
            and record.priority == p.priority
            and (p.categories is None or record.category in p.categories)
        ):
            return p.name
    for p in pools:
        if p.priority is None and p.categories is not None and record.category in p.categories:
            return p.name
    for p in pools:
        if p.categories is None and p.priority is None:
            return p.name
    raise ValueError(f"no pool serves category {record.category!r}")


def split_records(records: Iterable[VisitRecord], pools: Sequence[PoolSpec]) -> dict[str, list[VisitRecord]]:
    """Records per pool name (every pool present, possibly empty)."""
    out: dict[str, list[VisitRecord]] = {p.name: [] for p in pools}
    for r in records:
        out[pool_of(r, pools)].append(r)
    return out
