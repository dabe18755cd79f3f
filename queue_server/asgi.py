"""`uvicorn --factory queue_server.asgi:app`: the app for a config named by ONEWINDOW_CONFIG.

Used for several worker processes (`onewindow serve --workers N`), where each worker must
build its own app rather than receive one from the parent process.
"""

from __future__ import annotations

from starlette.applications import Starlette

from queue_server.app import collect_as_a_server, create_app
from queue_server.clock import clock_from_environment
from queue_server.config import find_config, load_settings


def app() -> Starlette:
    collect_as_a_server()
    return create_app(load_settings(find_config()), clock_from_environment())
