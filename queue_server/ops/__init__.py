"""Running the server as a service: health, metrics, logging, backup, retention (docs/DEPLOY.md)."""
