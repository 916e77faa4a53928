"""What fans receive: a snapshot of the match view, then small deltas (pure functions, no I/O).

The view is ``games.selectors.match_payload`` (the one serialization of a match) with its lists of
rows keyed by id — innings by number, card rows by player, partnerships by wicket — so that a
change to one batter's figures is one small entry, not the whole card. A delta's ``patch`` is a
JSON Merge Patch (RFC 7386) from the previous view to the new one: objects merge, anything else
replaces, ``null`` deletes (clients read a missing key as null).
"""

from __future__ import annotations

import json

_KEYED_LISTS = {"batting_card": "player", "bowling_card": "player", "partnerships": "wicket"}


def keyed_view(payload: dict, *, kept: dict | None = None) -> dict:
    """``payload`` with its row lists keyed; ``kept``: keyed innings (by number) the payload
    left out because they did not change, reused as they are."""
    view = dict(payload)
    innings = dict(kept or {})
    for inn in payload["innings"]:
        inn = dict(inn)
        for name, key in _KEYED_LISTS.items():
            inn[name] = {str(row[key]): {**row, "order": i} for i, row in enumerate(inn[name])}
        innings[str(inn["number"])] = inn
    view["innings"] = innings
    return view


def merge_patch(before: dict, after: dict) -> dict:
    patch = {}
    for key, value in after.items():
        old = before.get(key, _MISSING)
        if value is old:  # an innings the action did not touch: the very same object
            continue
        if isinstance(value, dict) and isinstance(old, dict):
            sub = merge_patch(old, value)
            if sub:
                patch[key] = sub
        elif old is _MISSING or old != value:
            patch[key] = value
    for key in before:
        if key not in after:
            patch[key] = None
    return patch


def apply_patch(target: dict, patch: dict) -> dict:
    """RFC 7386 applied to a copy (used by tests and by the Python client in the load tests)."""
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = apply_patch(result[key], value)
        else:
            result[key] = value
    return result


class _Missing:
    pass


_MISSING = _Missing()


def deliveries_changed(entry_kind: str, payload: dict, seq: int, after: dict) -> dict:
    """Deliveries appended to and removed from the ball-by-ball list by one log entry."""
    change: dict = {}
    if entry_kind == "delivery":
        inn = after["innings"][-1] if after["innings"] else None
        symbol = inn["recent_balls"][-1] if inn and inn["recent_balls"] else None
        # The ball's action is the entry's own (``entry.action``): not sent twice.
        change["appended"] = [{"seq": seq, "innings": inn["number"] if inn else None,
                               "symbol": symbol}]
    elif entry_kind == "undo" and payload.get("undone", {}).get("kind") == "delivery":
        change["removed"] = [payload["undone_seq"]]
    elif entry_kind == "correct" and payload["action"].get("kind") == "delivery":
        change["removed"] = [payload["target_seq"]]
        change["appended"] = [{"seq": payload["target_seq"], "action": payload["action"],
                               "corrected_by": seq}]
    return change


def delta_message(*, match_id: int, version: int, entry: dict, before_view: dict,
                  after_view: dict, deliveries: dict) -> dict:
    """The delta for one committed entry (serialized once, at commit, by the publisher)."""
    return {
        "type": "delta", "match": match_id, "v": version, "entry": entry,
        "patch": merge_patch(before_view, after_view), **deliveries,
    }


def snapshot_message(*, match_id: int, version: int, view: dict) -> str:
    return json.dumps({"type": "snapshot", "match": match_id, "v": version, "state": view},
                      separators=(",", ":"))
