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


def _nodes(value: object):
    """Every container, key and value in a parsed body with its depth (the outermost is 1),
    walked with a stack: no recursion for a body built to exhaust one."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in [*node.keys(), *node.values()])
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def _deeper_than(value: object, limit: int) -> bool:
    """Whether containers nest deeper than ``limit`` (walks the parsed value: a few hundred
    nodes for a full event batch, where scanning the text cost ten times the parse)."""
    return any(depth > limit for node, depth in _nodes(value) if isinstance(node, dict | list))


def _has_lone_surrogate(value: object) -> bool:
    for node, _ in _nodes(value):
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def parse_json(body: bytes) -> object:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadJSON("The body is not UTF-8 text.") from error
    try:
        value = json.loads(text, parse_constant=_no_constants, parse_float=_finite)
    except BadJSON:
        raise
    except RecursionError as error:  # thousands of levels: the parser's own stack gave out
        raise BadJSON(f"The body nests deeper than {MAX_DEPTH} levels.") from error
    except ValueError as error:
        raise BadJSON(f"The body is not valid JSON ({error}).") from error
    # Nesting needs brackets: most bodies have too few to go deep, and skip the walk.
    if text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise BadJSON(f"The body nests deeper than {MAX_DEPTH} levels.")
    # A lone surrogate ("\ud800" unpaired) parses but is no text: PostgreSQL's jsonb refuses it.
    # It can only come from an escape, so most bodies skip the walk.
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(value):
        raise BadJSON("The body holds a \\u escape that is half of a character (a lone "
                      "surrogate); send the whole character.")
    return value


def has_nul(value: object) -> bool:
    """Whether a parsed body holds a NUL ("\\u0000") in any key or text: it parses, but
    PostgreSQL stores no NUL (jsonb refuses it). Callers that store a body whole check it; the
    scoring API's schema names the field instead."""
    return any(isinstance(node, str) and "\x00" in node for node, _ in _nodes(value))
