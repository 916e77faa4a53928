"""The stored match state as JSON text, on the write path.

Every action reads the state from its row, copies it (the receivers see the state before and
after) and writes the new one. In a Test's fourth innings the state is ~15 KB: 0.77 ms a ball
with the standard library's ``json`` (read, copy, write), 0.15 ms with orjson (reading the text
twice is the copy) — what made a late ball cost more than an early one. The engine stays on
plain Python data; only the write path handles the text.
"""

from __future__ import annotations

import orjson


def to_json(value) -> str:
    """``value`` as JSON text (str keys; a non-str key becomes a string, as ``json`` does)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def from_json(text: str | bytes | dict | list | None):
    """A fresh parse of stored JSON text; a value already parsed is copied, so the result is
    always the caller's to change."""
    if text is None or isinstance(text, str | bytes):
        return None if text is None else orjson.loads(text)
    return orjson.loads(to_json(text))
