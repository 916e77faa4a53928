"""The one way request bodies are read as JSON: strict (no NaN or Infinity, which PostgreSQL's
jsonb and every other JSON reader refuse) and shallow (a deeply nested body is refused before it
can exhaust the parser's stack)."""

from __future__ import annotations

import json
import math

MAX_DEPTH = 32


class BadJSON(ValueError):
    """The body is not JSON this API accepts; the message says why."""


def _no_constants(name: str):
    raise BadJSON(f"{name} is not a number JSON allows.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise BadJSON(f"{text} is too large a number.")
    return value


def _depth(text: str) -> int:
    """Bracket nesting outside strings, counted without parsing (cheap, and safe on any input)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(body: bytes) -> object:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadJSON("The body is not UTF-8 text.") from error
    if _depth(text) > MAX_DEPTH:
        raise BadJSON(f"The body nests deeper than {MAX_DEPTH} levels.")
    try:
        return json.loads(text, parse_constant=_no_constants, parse_float=_finite)
    except BadJSON:
        raise
    except (ValueError, RecursionError) as error:
        raise BadJSON(f"The body is not valid JSON ({error}).") from error
