"""OneWindow queue server: tickets, windows, calls and the live event stream of a service hall."""
