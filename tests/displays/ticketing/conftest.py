"""The visitors' ticketing pages run against the print tests' live hall: a server in a thread on a
manual clock, a print agent and the fake network printer it prints on."""

from tests.ticket_printer.conftest import agent, fake_printer, live_hall, ticketing_config

__all__ = ["agent", "fake_printer", "live_hall", "ticketing_config"]
