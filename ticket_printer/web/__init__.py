"""Kiosk, visitor-phone and print-agent routes, mounted into the queue server's app."""
