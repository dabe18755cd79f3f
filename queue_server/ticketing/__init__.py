"""The server side of ticketing: kiosk printing, online tickets and bookings.

* `ticketing` — the `Ticketing` made in the app's lifespan: renders tickets, queues print jobs;
* `dispatcher` — hands durable print jobs to the connected print agents;
* `settings` — the `[ticketing]` table of config.toml;
* `bookings` — booking codes and slots; `online` — the per-phone limit's phone key.

The pages are `displays.ticketing`; the agents' WebSocket is `queue_server.api.print_agent`.
The ESC/POS rendering is `ticket_printer`, which imports nothing of the server.
"""
