"""The JSON answer every route gives: Starlette's JSONResponse, encoded by pydantic-core.

Starlette encodes with the standard library's `json.dumps` (compact, UTF-8 as is); pydantic-core
(already here for pydantic) writes the same text for JSON's own values (dicts with str, int,
float or bool keys, lists and tuples, str, int, float, bool, None, their enum subclasses) about
four times faster, which a ticket's answer, the hottest request a hall has, spends on every
issue. Where `json.dumps` refused a value with a 500, this writes one: a NaN or infinity as null
(as browsers' JSON.stringify does), a datetime in pydantic's form ("...Z"), a set as a list. The
routes pass JSON's own values, times as ISO text they made themselves.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from starlette.responses import JSONResponse as _StarletteJSONResponse


class JSONResponse(_StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return pydantic_core.to_json(content, inf_nan_mode="null")
