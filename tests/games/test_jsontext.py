"""The write path's JSON text (orjson): what it writes reads back as the standard library
writes and reads it, and every parse is the caller's own copy."""

import json

from hypothesis import given
from hypothesis import strategies as st

from games.jsontext import from_json, to_json

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(_json_values)
def test_it_writes_and_reads_what_the_standard_library_does(value):
    assert json.loads(to_json(value)) == json.loads(json.dumps(value))
    assert from_json(json.dumps(value)) == json.loads(json.dumps(value))


def test_non_string_keys_become_strings_as_json_makes_them():
    assert json.loads(to_json({1: "a", "b": {2: None}})) == {"1": "a", "b": {"2": None}}


def test_each_parse_is_a_copy_of_its_own():
    state = {"innings": [{"runs": 4, "batters": {"p1": {"runs": 4}}}]}
    text = to_json(state)
    before, after = from_json(text), from_json(text)
    after["innings"][0]["batters"]["p1"]["runs"] = 10
    assert before == state
    parsed_again = from_json(state)  # a value already parsed is copied, not shared
    parsed_again["innings"][0]["runs"] = 0
    assert state["innings"][0]["runs"] == 4
    assert from_json(None) is None
