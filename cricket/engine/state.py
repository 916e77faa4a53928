"""The match state and the small facts every handler asks of it: the innings in play, overs as
the umpires called them, quotas, who is in a side, batting and bowling cards, partnerships, and
the warnings of the action being applied.

State is a plain JSON-able dict (it is stored with the match and sent to clients). Its size is
bounded by players and innings, never by the number of balls, so applying one more action costs
the same at the first ball and the six-hundredth.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .config import MatchConfig
from .errors import IllegalAction

# Bumped whenever the state's shape changes; stored states of an older schema are re-folded
# from their logs (manage.py refold_matches).
STATE_SCHEMA = 3


EXTRA_KINDS = ("wides", "noballs", "byes", "legbyes", "penalty")


RECENT_BALLS = 12


# The statuses after which nothing more is scored (unless the umpires reopen play): the one
# definition of "the match has ended" for the engine, the outbox, the boards and Cricsheet.
ENDED = ("completed", "abandoned")


def new_state() -> dict:
    return {
        "schema": STATE_SCHEMA,
        "status": "scheduled",  # scheduled | live | innings_break | completed | abandoned
        "innings": [],
        "needs": "start_innings",
        "result": None,
        "pending_penalties": {},  # team id -> penalty runs owed to that side's next innings
        "replacements": [],
        "free_hit": False,
        "overs_limit": None,  # overs per innings after the match was shortened; None: as agreed
        "warnings": [],  # what the last action recorded that the Laws would not expect
    }


# The warnings of the action being applied. The umpires' decisions stand: what the Laws or the
# playing conditions would not expect (a 7-ball over, a bowler's extra over) is recorded with a
# warning, never refused; refusals are for what cannot be.
_warnings: ContextVar[list[str] | None] = ContextVar("warnings", default=None)


@contextmanager
def collecting_warnings() -> Iterator[list[str]]:
    """The warnings ``warn`` records while the block applies one action."""
    pending: list[str] = []
    token = _warnings.set(pending)
    try:
        yield pending
    finally:
        _warnings.reset(token)


def warn(message: str) -> None:
    pending = _warnings.get()
    if pending is not None:
        pending.append(message)


def current_innings(state: dict) -> dict | None:
    return state["innings"][-1] if state["innings"] else None


def live_innings(state: dict) -> dict:
    inn = current_innings(state)
    if inn is None or inn["closed"]:
        raise IllegalAction("No innings is in progress.")
    return inn


def overs_text(legal_balls: int, balls_per_over: int) -> str:
    return f"{legal_balls // balls_per_over}.{legal_balls % balls_per_over}"


def innings_overs(inn: dict) -> str:
    """Overs as the umpires called them: a miscounted 7-ball over is still one over."""
    return f"{inn['overs_done']}.{inn['over_balls']}"


def balls_bowled(config: MatchConfig, inn: dict) -> int:
    """Progress through the innings' quota in nominal balls (completed overs at full length)."""
    return inn["overs_done"] * config.balls_per_over + inn["over_balls"]


def overs_to_balls(config: MatchConfig, overs: int, balls: int = 0) -> int:
    return overs * config.balls_per_over + balls


def quota_text(config: MatchConfig, max_balls: int | None) -> int | str | None:
    """A quota for display: 20, or 9.2 when a revision left part of an over."""
    if max_balls is None:
        return None
    overs, balls = divmod(max_balls, config.balls_per_over)
    return overs if not balls else f"{overs}.{balls}"


def max_wickets(config: MatchConfig, inn: dict) -> int:
    if inn["super_over"]:
        return 2
    return config.wickets_per_innings[inn["batting"]]


def innings_over_by_wickets(config: MatchConfig, inn: dict) -> bool:
    """All out: no pair of batters left, counting those absent hurt who cannot bat (and any
    wickets beyond the limit that the umpires let the innings go on past)."""
    limit = max_wickets(config, inn) + inn.get("play_on_wickets", 0)
    return inn["wickets"] + len(inn.get("absent", ())) >= limit


def max_balls(config: MatchConfig, inn: dict) -> int | None:
    return inn["max_balls"]


def squad(config: MatchConfig, state: dict, team_id: str) -> set[str]:
    """Who may bat or bowl for a side: the XI, adjusted by replacements so far."""
    squad = set(config.team(team_id).players)
    for swap in state["replacements"]:
        if swap["team"] == team_id:
            squad.discard(swap["out"])
            squad.add(swap["in"])
    return squad


def require_player(config, state, team_id: str, player: str | None, role: str) -> str:
    if not player:
        raise IllegalAction(f"Say who the {role} is.")
    if player not in squad(config, state, team_id):
        team = config.team(team_id).name
        raise IllegalAction(f"{config.name(player)} is not in {team}'s side, so cannot be {role}.")
    return player


def require_fielder(config, state, inn: dict, player: str) -> None:
    team = config.team(inn["bowling"])
    if player not in squad(config, state, team.id) and player not in team.substitutes:
        raise IllegalAction(f"{config.name(player)} is not fielding for {team.name}.")


def batter_card(inn: dict, player: str) -> dict:
    card = inn["batters"].get(player)
    if card is None:
        card = inn["batters"][player] = {
            "runs": 0, "balls": 0, "fours": 0, "sixes": 0, "out": None,
            "position": len(inn["batters"]) + 1,
        }
    return card


def bowler_card(inn: dict, player: str) -> dict:
    card = inn["bowlers"].get(player)
    if card is None:
        card = inn["bowlers"][player] = {
            "balls": 0, "runs": 0, "wickets": 0, "maidens": 0, "wides": 0, "noballs": 0,
            "dots": 0, "fours": 0, "sixes": 0, "overs": 0, "position": len(inn["bowlers"]) + 1,
        }
    return card


def start_partnership(inn: dict) -> None:
    inn["partnership"] = {
        "batters": [inn["striker"], inn["non_striker"]], "runs": 0, "balls": 0,
        "wicket": inn["wickets"] + 1,
    }


def end_partnership(inn: dict) -> None:
    if inn.get("partnership"):
        inn["partnerships"].append(inn["partnership"])
    inn["partnership"] = None


def maybe_start_partnership(inn: dict) -> None:
    if inn["striker"] and inn["non_striker"] and inn["partnership"] is None:
        start_partnership(inn)


def quota_from(config: MatchConfig, action: dict, what: str) -> int:
    """Balls from an action's ``overs`` and optional ``balls`` (9 overs 2 balls, never rounded)."""
    overs, balls = action.get("overs"), action.get("balls", 0)
    if not isinstance(overs, int) or isinstance(overs, bool) or not 0 <= overs <= 1000:
        raise IllegalAction(f"{what} needs whole overs.")
    if not isinstance(balls, int) or isinstance(balls, bool) or \
            not 0 <= balls < config.balls_per_over:
        raise IllegalAction(f"{what}: balls must be 0 to {config.balls_per_over - 1}.")
    total = overs_to_balls(config, overs, balls)
    if total < 1:
        raise IllegalAction(f"{what} needs at least one ball.")
    return total
