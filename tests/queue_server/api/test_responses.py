"""The server's JSON answers (queue_server.api.responses) carry what Starlette's own JSONResponse
would: the same values for any JSON content, Chinese as UTF-8 text, nothing but JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse as StarletteJSONResponse

from queue_server.api.responses import JSONResponse

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=40,
)


@settings(max_examples=500)
@given(json_values)
def test_any_content_reads_back_as_starlettes_answer_does(content: Any) -> None:
    ours = JSONResponse(content)
    theirs = StarletteJSONResponse(content)
    assert json.loads(bytes(ours.body)) == json.loads(bytes(theirs.body)) == content
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.headers["content-length"] == str(len(ours.body))


def test_chinese_goes_as_utf8_text_and_compact() -> None:
    body = JSONResponse({"category_name": "社会保障", "ahead": [1, 2]}).body
    assert body == '{"category_name":"社会保障","ahead":[1,2]}'.encode()


def test_a_number_json_cannot_carry_is_null_not_invalid_json() -> None:
    body = JSONResponse({"wait": math.nan, "rate": math.inf, "low": -math.inf}).body
    assert json.loads(bytes(body)) == {"wait": None, "rate": None, "low": None}


def test_status_and_headers_are_kept() -> None:
    response = JSONResponse({"id": "x"}, status_code=201, headers={"Location": "/api/x"})
    assert response.status_code == 201
    assert response.headers["location"] == "/api/x"
