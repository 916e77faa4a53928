"""The shape of every action, checked before the fold: known fields only, of the right types and
within bounds. A refusal names the field, so a client (or a scorer) knows what to fix; nothing
unknown is ever stored in the log, sent to fans or written to events.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import IllegalAction

MAX_ID = 64  # player and team ids (ours are numbers; Cricsheet names in engine-only use)
MAX_TEXT = 40


def _text(limit: int) -> Callable[[str, object], None]:
    def check(name: str, value: object) -> None:
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            raise IllegalAction(f"{name} must be text of 1 to {limit} characters.")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise IllegalAction(f"{name} must not contain control characters.")
    return check


def _optional(check: Callable[[str, object], None]) -> Callable[[str, object], None]:
    def optional(name: str, value: object) -> None:
        if value is not None:
            check(name, value)
    return optional


def _whole(low: int, high: int) -> Callable[[str, object], None]:
    def check(name: str, value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise IllegalAction(f"{name} must be a whole number from {low} to {high}.")
    return check


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise IllegalAction(f"{name} must be true or false.")


def _one_of(*choices: str) -> Callable[[str, object], None]:
    def check(name: str, value: object) -> None:
        if value not in choices:
            raise IllegalAction(f"{name} must be one of: {', '.join(choices)}.")
    return check


_ID = _text(MAX_ID)
_RUNS = _whole(0, 20)
_EXTRAS = {kind: _RUNS for kind in ("wides", "noballs", "byes", "legbyes")} | {
    "penalty": _whole(0, 50)}
_PAR = {"runs": _whole(0, 10000), "overs": _whole(0, 1000), "balls": _whole(0, 9)}


def _object(fields: dict, *, required: tuple[str, ...] = ()) -> Callable[[str, object], None]:
    def check(name: str, value: object) -> None:
        if not isinstance(value, dict):
            raise IllegalAction(f"{name} must be an object.")
        _fields(value, fields, prefix=f"{name}.", required=required)
    return check


def _list_of(item: Callable[[str, object], None], most: int) -> Callable[[str, object], None]:
    def check(name: str, value: object) -> None:
        if not isinstance(value, list) or len(value) > most:
            raise IllegalAction(f"{name} must be a list of at most {most}.")
        for index, element in enumerate(value):
            item(f"{name}[{index}]", element)
    return check


# The wicket's kind and who is out are the fold's to judge (it names the mode or the batter);
# here only their types.
_WICKET = _object({"kind": _optional(_text(MAX_TEXT)), "player_out": _optional(_ID),
                   "fielders": _list_of(_ID, 3)})

FIELDS: dict[str, dict[str, Callable[[str, object], None]]] = {
    "delivery": {"runs": _RUNS, "extras": _object(_EXTRAS), "boundary": _flag,
                 "wickets": _list_of(_WICKET, 2),
                 "noball_reason": _one_of("front_foot", "other")},
    "start_innings": {"striker": _optional(_ID), "non_striker": _optional(_ID),
                      "bowler": _optional(_ID), "follow_on": _flag, "batting": _optional(_ID)},
    "new_batter": {"player": _optional(_ID), "on_strike": _optional(_flag)},
    "next_bowler": {"player": _optional(_ID)},
    "change_bowler": {"player": _optional(_ID)},
    "swap_strike": {},
    "retire": {"player": _optional(_ID), "how": _optional(_text(MAX_TEXT)),
               "replaced_by": _optional(_ID)},
    "timed_out": {"player": _optional(_ID)},
    "absent_hurt": {"player": _optional(_ID)},
    "penalty": {"team": _optional(_ID), "runs": _whole(0, 50), "innings": _whole(1, 100)},
    "revise_overs": {"overs": _optional(_whole(0, 1000)), "balls": _whole(0, 9)},
    "revise_target": {"runs": _optional(_whole(0, 10000)), "overs": _optional(_whole(0, 1000)),
                      "balls": _whole(0, 9), "method": _optional(_text(MAX_TEXT))},
    "end_innings": {"how": _optional(_text(MAX_TEXT))},
    "forfeit": {},
    "replace_player": {"team": _optional(_ID), "out": _optional(_ID), "in": _optional(_ID),
                       "reason": _optional(_text(MAX_TEXT))},
    "end_match": {"result": _optional(_text(MAX_TEXT)), "winner": _optional(_ID),
                  "margin": _optional(_whole(0, 10000)), "unit": _optional(_text(MAX_TEXT)),
                  "method": _optional(_text(MAX_TEXT)), "par": _optional(_object(_PAR)),
                  "decided_by": _optional(_text(MAX_TEXT))},
    "end_over": {},
    "continue_over": {},
    "play_on": {},
    "undo": {},
    "correct": {"target_seq": _optional(_whole(1, 10**9)), "action": _optional(
        lambda name, value: check_action(value, prefix=f"{name}."))},
}


def _fields(value: dict, fields: dict, *, prefix: str = "", required: tuple[str, ...] = ()):
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise IllegalAction(f"Unknown field {prefix}{unknown[0]}"
                            f"{' (and more)' if len(unknown) > 1 else ''}.")
    for name in required:
        if name not in value:
            raise IllegalAction(f"{prefix}{name} is required.")
    for name, check in fields.items():
        if name in value:
            check(f"{prefix}{name}", value[name])


def check_action(action: object, *, prefix: str = "") -> dict:
    """``action`` if its shape is right; else ``IllegalAction`` naming the field."""
    if not isinstance(action, dict):
        raise IllegalAction(f"{prefix or 'An action '}must be an object with a 'kind'.")
    kind = action.get("kind")
    if not isinstance(kind, str) or kind not in FIELDS:
        raise IllegalAction(f"{prefix}kind must be one of: {', '.join(sorted(FIELDS))}.")
    _fields({k: v for k, v in action.items() if k != "kind"}, FIELDS[kind], prefix=prefix)
    return action
