"""HTTP and WebSocket routes: thin adapters from requests to the queue service."""
