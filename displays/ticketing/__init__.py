"""The visitors' ticketing pages and their API: the kiosk, the phone tracking page (/t/{ticket}),
online tickets and bookings. The server side (printing, limits, bookings) is `queue_server.ticketing`."""
