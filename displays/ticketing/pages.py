"""The HTML pages: one template each, with the hall and the text catalog handed to the script."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from displays.kit.messages import page_strings
from queue_server.domain.model import HallSpec

_HERE: Final = Path(__file__).parent
templates: Final = Jinja2Templates(directory=_HERE / "templates")
STATIC_DIR: Final = _HERE / "static"


def page(
    request: Request,
    template: str,
    spec: HallSpec,
    kind: str,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    boot = {
        "hall": spec.id,
        "hall_name": spec.name,
        "hall_name_en": spec.name_en,
        "timezone": spec.timezone.key,
        **(extra or {}),
    }
    context = {"spec": spec, "kind": kind, "boot": boot, "text": page_strings("visitor")}
    return templates.TemplateResponse(request, template, context, status_code=status_code)
