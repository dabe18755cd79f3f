"""Reports and plans from the hall's ledger: the server side of `queue_server.planning`.

No HTML here: the routes and the supervisor's reports page are `clerk_console.reports`.

* `ledger` — the ledger/ticket tables read as `VisitRecord`s, and the hall's `HallCalendar`;
* `report` — the supervisor's report (JSON, CSV) and the visitors' crowded periods;
* `clerk_stats` — a clerk's figures for today (the console's);
* `planner` — staffing plan, extended hours, weekend and roster vs. every window open;
* `demo` — a seeded demo month made through the real domain;
* `cli` — `onewindow report`, `plan` and `demo-data`.
"""
