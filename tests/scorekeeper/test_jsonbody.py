"""The one way request bodies are read as JSON: its limits, each with its message."""

import pytest

from core.jsonbody import MAX_DEPTH, BadJSON, parse_json


def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused():
    deepest = parse_json(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode())
    for _ in range(MAX_DEPTH - 1):
        deepest = deepest[0]
    assert deepest == []
    with pytest.raises(BadJSON, match="nests deeper than 32"):
        parse_json(('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)).encode())
    # Many brackets side by side are not depth.
    assert len(parse_json(("[" + ",".join(["[1]"] * 100) + "]").encode())) == 100


def test_half_a_character_is_refused_and_a_whole_one_read():
    assert parse_json(b'{"name": "\\ud83c\\udfcf"}') == {"name": "\U0001f3cf"}
    for body in (b'{"name": "\\ud83c"}', b'{"\\uDFCF": 1}', b'[["x", "\\udfcf"]]'):
        with pytest.raises(BadJSON, match="lone surrogate"):
            parse_json(body)
