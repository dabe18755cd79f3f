"""The server side of ticketing: kiosk printing, online tickets and bookings.

* `ticketing` — the `Ticketing` made in the app's lifespan: renders tickets and queues print
  jobs, issues online tickets within a phone's daily limit, checks bookings in, chooses where a
  reprint goes and reports the hall's printers;
* `dispatcher` — hands durable print jobs to the connected print agents; `printer_state` —
  how each printer is, as its agent last said (shared through Redis when scaled out);
* `settings` — the `[ticketing]` table of config.toml;
* `bookings` — booking codes and slots; `online` — the per-phone limit's phone key.

The pages are `displays.ticketing`; the agents' WebSocket is `queue_server.api.print_agent`.
The ESC/POS rendering is `ticket_printer`, which imports nothing of the server.
"""
