"""OneWindow planning core: records, statistics and planning, with no I/O to the server's DB.

Modules (each documents its method and sources):

* `model` — `VisitRecord` (a ledger row) and `HallCalendar` (opening hours, holidays);
* `stats` — volumes, waits, handling, ratings (好评率, 主动评价率), extended service, heat map;
* `demand` — arrival rates per category × weekday × 30-minute slot, handling samples;
* `erlang` — Erlang B/C, service level, ASA, required agents, shrinkage;
* `simulation` — one day at the windows with ciw;
* `staffing` — windows per slot: Lag-SIPP Erlang C estimate corrected by simulation;
* `extended_hours` — overtime after closing, recorded and simulated, and extension options;
* `weekend` — weekend categories and windows;
* `shifts` — shift rostering with OR-Tools CP-SAT;
* `bank_import` — the "Anonymous Bank" February 1999 data as `VisitRecord`s.
"""

from .model import HallCalendar, VisitRecord

__all__ = ["HallCalendar", "VisitRecord"]
