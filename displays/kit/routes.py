"""The kit's static files, served once for every page at /kit/."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"

routes: list[BaseRoute] = [Mount("/kit", app=StaticFiles(directory=STATIC), name="kit")]
