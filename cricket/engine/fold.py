"""The fold: match state = the ordered log of actions applied one by one to a new match.

Every handler validates before it mutates: an ``IllegalAction`` leaves the state untouched
(``tests/games/test_engine_conditions.py`` tries refused actions in place all through real
matches). The handlers live by concern: ``innings`` (innings, overs, bowlers, quotas),
``deliveries`` (balls, extras, penalty runs), ``dismissals`` (wickets, batters, retirements),
``result`` (targets and results); ``state`` holds what they share.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from .config import MatchConfig
from .deliveries import penalty, record_delivery
from .dismissals import absent_hurt, new_batter, replace_player, retire, timed_out
from .errors import IllegalAction
from .innings import (
    change_bowler,
    continue_over,
    end_innings,
    end_over,
    forfeit,
    next_bowler,
    play_on,
    revise_overs,
    revise_target,
    start_innings,
    swap_strike,
)
from .result import end_match
from .state import ENDED, collecting_warnings, current_innings, new_state


def apply(config: MatchConfig, state: dict, action: dict) -> dict:
    """A new state with ``action`` applied; ``state`` itself is not changed."""
    new = json.loads(json.dumps(state))  # the state is JSON; this is ~10x faster than deepcopy
    apply_in_place(config, new, action)
    return new


def fold(config: MatchConfig, actions: Iterable[dict]) -> dict:
    state = new_state()
    for action in actions:
        apply_in_place(config, state, action)
    return state


def apply_in_place(config: MatchConfig, state: dict, action: dict) -> list[str]:
    """Apply ``action`` to ``state``; returns its warnings (also kept as ``state["warnings"]``).

    A refused action raises ``IllegalAction`` and leaves ``state`` exactly as it was.
    """
    kind = action.get("kind")
    handler = HANDLERS.get(kind)
    if handler is None:
        raise IllegalAction(f"Unknown action {kind!r}.")
    if state["status"] in ENDED and kind not in REOPENING:
        raise IllegalAction("The match has ended; nothing more can be scored.")
    allowed = ALLOWED_WHEN[state["needs"]]
    if kind not in allowed:
        raise IllegalAction(_needs_message(state, kind))
    with collecting_warnings() as pending:
        handler(config, state, action)
    state["needs"] = _needs(state)
    state["warnings"] = pending
    return pending


def _needs(state: dict) -> str | None:
    if state["status"] in ENDED:
        return None
    inn = current_innings(state)
    if inn is None or inn["closed"]:
        return "start_innings"
    if inn["striker"] is None or inn["non_striker"] is None:
        return "new_batter"
    if inn["bowler"] is None:
        return "next_bowler"
    return "delivery"


def _needs_message(state: dict, kind: str) -> str:
    needs = state["needs"]
    if state["status"] in ENDED:
        return "The match has ended; nothing more can be scored."
    return {
        "start_innings": f"An innings must be started (openers and bowler) before {kind!r}.",
        "new_batter": f"A new batter must come in before {kind!r}.",
        "next_bowler": f"The over is complete: choose the next bowler before {kind!r}.",
        "delivery": f"{kind!r} is not possible in the middle of an innings.",
    }[needs]


HANDLERS: dict[str, Callable[[MatchConfig, dict, dict], None]] = {
    "start_innings": start_innings,
    "delivery": record_delivery,
    "new_batter": new_batter,
    "next_bowler": next_bowler,
    "change_bowler": change_bowler,
    "swap_strike": swap_strike,
    "retire": retire,
    "timed_out": timed_out,
    "penalty": penalty,
    "revise_overs": revise_overs,
    "revise_target": revise_target,
    "end_innings": end_innings,
    "forfeit": forfeit,
    "replace_player": replace_player,
    "end_match": end_match,
    "end_over": end_over,
    "continue_over": continue_over,
    "absent_hurt": absent_hurt,
    "play_on": play_on,
}


_ANYTIME = {"penalty", "replace_player", "end_match", "revise_target"}


# What the umpires allowed after the engine ended an innings: it goes on.
REOPENING = {"end_match", "play_on", "continue_over"}


ALLOWED_WHEN: dict[str | None, set[str]] = {
    None: REOPENING,
    "start_innings": {"start_innings", "forfeit", "revise_overs"} | REOPENING | _ANYTIME,
    "new_batter": {"new_batter", "timed_out", "retire", "swap_strike", "end_innings",
                   "revise_overs", "absent_hurt", "continue_over"} | _ANYTIME,
    "next_bowler": {"next_bowler", "retire", "swap_strike", "end_innings",
                    "revise_overs", "continue_over", "absent_hurt"} | _ANYTIME,
    "delivery": {"delivery", "change_bowler", "swap_strike", "retire", "end_innings",
                 "revise_overs", "end_over", "absent_hurt"} | _ANYTIME,
}
