"""What fans receive: a snapshot of the match view, then small deltas (pure functions, no I/O).

The view is ``games.selectors.match_payload`` (the one serialization of a match) less what it
repeats or derives, with its lists of rows keyed by id — innings by number, card rows by player,
partnerships by wicket — so that a change to one batter's figures is one small entry, not the
whole card. A delta's ``patch`` is a JSON Merge Patch (RFC 7386) from the previous view to the
new one: objects merge, anything else replaces, ``null`` deletes (clients read a missing key as
null).
"""

from __future__ import annotations

import json

# Row lists keyed by a field of the row (None: by position), so a change to one row is one entry.
_KEYED_LISTS = {"batting_card": "player", "bowling_card": "player", "partnerships": "wicket",
                "fall_of_wickets": None}

# What the API payload repeats or derives, left out of the fan view so that a ball's delta says
# only what the ball changed (docs/realtime.md says how a client derives each): the version is
# the message's ``v``; legal balls are the bowling card's balls; rates, extras' total, runs
# needed and balls left follow from the counts, the overs and the quota; who is on strike and
# who bowls is one id each, not a copy of their card row; the current partnership is the last
# row of ``partnerships``; recent balls are the ``appended`` symbols.
_DERIVED = {"seq"}
_DERIVED_INNINGS = {"legal_balls", "extras_total", "run_rate", "required_rate", "runs_needed",
                    "balls_left", "partnership", "recent_balls"}
_DERIVED_ROW = {"batting_card": {"strike_rate", "at_crease", "on_strike"},
                "bowling_card": {"overs", "economy"}}
_ON_FIELD = ("striker", "non_striker", "bowler")


def fan_view(payload: dict, *, kept: dict | None = None) -> dict:
    """What fans are sent of a match: ``payload`` (the API's serialization) less what it
    repeats or derives, with its row lists keyed (innings by number, card rows by player,
    partnerships by wicket, the fall of wickets by position; a row keeps its position in
    ``order``), so a change to one batter's figures is one small entry, not the whole card.
    ``kept``: fan views of leading innings the payload left out because they did not change,
    reused as they are."""
    view = {k: v for k, v in payload.items() if k not in _DERIVED}
    innings = dict(kept or {})
    for inn in payload["innings"]:
        lean = {k: v for k, v in inn.items() if k not in _DERIVED_INNINGS}
        for name in _ON_FIELD:
            lean[name] = inn[name]["player"] if inn[name] else None
        for name, key in _KEYED_LISTS.items():
            dropped = _DERIVED_ROW.get(name, ())
            lean[name] = {str(i if key is None else row[key]):
                          {**{k: v for k, v in row.items() if k not in dropped}, "order": i}
                          for i, row in enumerate(inn[name])}
        innings[str(inn["number"])] = lean
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
        # The ball's action is the message's own ``action``: not sent twice.
        change["appended"] = [{"seq": seq, "innings": inn["number"] if inn else None,
                               "symbol": symbol}]
    elif entry_kind == "undo" and payload.get("undone", {}).get("kind") == "delivery":
        change["removed"] = [payload["undone_seq"]]
    elif entry_kind == "correct" and payload["action"].get("kind") == "delivery":
        change["removed"] = [payload["target_seq"]]
        change["appended"] = [{"seq": payload["target_seq"], "action": payload["action"],
                               "corrected_by": seq}]
    return change


def delta_message(*, match_id: int, version: int, action: dict, before_view: dict,
                  after_view: dict, deliveries: dict) -> dict:
    """The delta for one committed log entry: its ``action`` (as logged), what it changed in
    the fan view and in the ball-by-ball list (serialized once, after commit, by the
    publisher)."""
    return {
        "type": "delta", "match": match_id, "v": version, "action": action,
        "patch": merge_patch(before_view, after_view), **deliveries,
    }


def snapshot_message(*, match_id: int, version: int, view: dict) -> str:
    return json.dumps({"type": "snapshot", "match": match_id, "v": version, "state": view},
                      separators=(",", ":"))
