"""Deliveries and extras: what one ball adds to the score, the batter's and bowler's figures,
the over and the strike, and penalty runs awarded outside a ball (Law 41)."""

from __future__ import annotations

from . import laws
from .config import MatchConfig
from .dismissals import dismiss, validate_wickets
from .errors import IllegalAction
from .innings import check_innings_end, complete_over
from .result import target_for
from .state import (
    EXTRA_KINDS,
    RECENT_BALLS,
    batter_card,
    bowler_card,
    current_innings,
    live_innings,
    warn,
)


def _validated_extras(config: MatchConfig, action: dict) -> dict:
    raw = action.get("extras") or {}
    unknown = set(raw) - set(EXTRA_KINDS)
    if unknown:
        raise IllegalAction(f"Unknown kind of extra: {', '.join(sorted(unknown))}.")
    extras = {kind: raw.get(kind, 0) for kind in EXTRA_KINDS}
    for kind, value in extras.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 20:
            raise IllegalAction(f"{kind} must be a whole number of runs from 0 to 20.")
    runs = action.get("runs", 0)
    if not isinstance(runs, int) or isinstance(runs, bool) or not 0 <= runs <= 20:
        raise IllegalAction("Runs off the bat must be a whole number from 0 to 20.")
    if extras["wides"] and extras["wides"] < config.wide_runs:
        raise IllegalAction(f"A wide is worth at least {config.wide_runs} run(s).")
    if extras["noballs"] and extras["noballs"] < config.noball_runs:
        raise IllegalAction(f"A no-ball is worth at least {config.noball_runs} run(s).")
    if extras["wides"] and (extras["noballs"] or extras["byes"] or extras["legbyes"]):
        raise IllegalAction("A wide cannot also be a no-ball or give byes: "
                            "runs run off a wide are all wides.")
    if extras["wides"] and runs:
        warn("Runs off the bat on a wide (Law 22: a wide cannot be hit); recorded as given.")
    if extras["byes"] and extras["legbyes"]:
        raise IllegalAction("A ball gives byes or leg-byes, not both.")
    if runs and (extras["byes"] or extras["legbyes"]):
        raise IllegalAction("Runs off the bat and byes/leg-byes cannot come from the same ball.")
    if extras["penalty"] and extras["penalty"] % 5:
        raise IllegalAction("Penalty runs come in fives.")
    return extras


def _runs_run(config: MatchConfig, runs: int, extras: dict, boundary: bool) -> int:
    """Runs the batters physically completed: odd means they changed ends."""
    if boundary:
        return 0
    wides_run = max(0, extras["wides"] - config.wide_runs) if extras["wides"] else 0
    noball_run = max(0, extras["noballs"] - config.noball_runs) if extras["noballs"] else 0
    return runs + extras["byes"] + extras["legbyes"] + wides_run + noball_run


def _ball_symbol(runs: int, extras: dict, wickets: list, boundary: bool) -> str:
    parts = []
    if extras["wides"]:
        parts.append(f"{extras['wides']}wd")
    elif extras["noballs"]:
        extra_runs = runs + extras["byes"] + extras["legbyes"]
        parts.append(f"{extra_runs}nb" if extra_runs else "nb")
    elif extras["byes"]:
        parts.append(f"{extras['byes']}b")
    elif extras["legbyes"]:
        parts.append(f"{extras['legbyes']}lb")
    else:
        parts.append(str(runs))
    if extras["penalty"]:
        parts.append(f"{extras['penalty']}pen")
    if wickets:
        if parts == ["0"]:
            return "W"  # as every scorebook writes it, not 0+W
        parts.append("W")
    return "+".join(parts) if len(parts) > 1 else parts[0]


def record_delivery(config: MatchConfig, state: dict, action: dict) -> None:
    inn = live_innings(state)
    extras = _validated_extras(config, action)
    runs = action.get("runs", 0)
    boundary = bool(action.get("boundary"))
    if boundary and (runs + extras["byes"] + extras["legbyes"] +
                     max(0, extras["wides"] - config.wide_runs)) not in (4, 6):
        raise IllegalAction("A boundary is worth 4 or 6; say the runs that reached it.")
    wickets = validate_wickets(config, state, inn, action, extras)

    legal = not extras["wides"] and not extras["noballs"]
    striker, bowler = inn["striker"], inn["bowler"]
    total = runs + sum(extras.values())
    conceded = runs + extras["wides"] + extras["noballs"]

    # Score.
    inn["runs"] += total
    for kind, value in extras.items():
        inn["extras"][kind] += value
    batter = batter_card(inn, striker)
    batter["runs"] += runs
    if not extras["wides"]:
        batter["balls"] += 1
    if boundary and runs == 4:
        batter["fours"] += 1
    elif boundary and runs == 6:
        batter["sixes"] += 1
    card = bowler_card(inn, bowler)
    card["runs"] += conceded
    card["wides"] += 1 if extras["wides"] else 0
    card["noballs"] += 1 if extras["noballs"] else 0
    if boundary and runs in (4, 6):
        card["fours" if runs == 4 else "sixes"] += 1
    if boundary:
        inn["boundaries"] += 1
    if legal:
        card["balls"] += 1
        inn["legal_balls"] += 1
        inn["over_balls"] += 1
        if conceded == 0:
            card["dots"] += 1
    inn["over_runs"] += conceded
    partnership = inn["partnership"]
    partnership["runs"] += total
    partnership["balls"] += 1 if legal else 0
    symbol = _ball_symbol(runs, extras, wickets, boundary)
    inn["this_over"].append(symbol)
    # The last few balls for scoreboards; bounded so the state never grows with the match.
    inn["recent_balls"] = [*inn["recent_balls"][-(RECENT_BALLS - 1):], symbol]
    if config.free_hit != "none":  # a wide or no-ball on a free hit carries the free hit over
        gives_free_hit = bool(extras["noballs"]) and not (
            config.free_hit == "front_foot" and action.get("noball_reason") == "other")
        state["free_hit"] = gives_free_hit or (state["free_hit"] and not legal)

    # Ends: crossings from completed runs (a catch cancels them under the 2022 Laws).
    if _runs_run(config, runs, extras, boundary) % 2 == 1:
        caught = any(w["kind"] in ("caught", "caught_and_bowled") for w in wickets)
        if not (caught and config.new_batter_on_strike_after_catch):
            inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]

    for wicket in wickets:
        dismiss(config, state, inn, wicket["player_out"], wicket["kind"],
                 bowler=bowler if wicket["kind"] in laws.CREDITED_TO_BOWLER else None,
                 fielders=list(wicket.get("fielders") or []))
        if wicket["kind"] in laws.CREDITED_TO_BOWLER:
            card["wickets"] += 1

    if legal and inn["over_balls"] >= config.balls_per_over:
        complete_over(inn)
    check_innings_end(config, state, inn)


def penalty(config: MatchConfig, state: dict, action: dict) -> None:
    """Penalty runs awarded outside a delivery (Law 41), to either side.

    ``innings`` (a number) credits a closed innings of that side: runs awarded after it ended
    that the umpires added to it (Cricsheet's ``penalty_runs.post``).
    """
    team, runs = action.get("team"), action.get("runs", 5)
    config.team(team)
    if not isinstance(runs, int) or isinstance(runs, bool) or runs <= 0 or runs % 5 \
            or runs > 50:
        raise IllegalAction("Penalty runs are awarded in fives (5 to 50).")
    inn = current_innings(state)
    number = action.get("innings")
    if number is not None:
        target = next((i for i in state["innings"] if i["number"] == number), None)
        if target is None or target["batting"] != team or not target["closed"]:
            raise IllegalAction(f"Innings {number} is not a finished innings of that side.")
        target["runs"] += runs
        target["extras"]["penalty"] += runs
        if inn is not None and not inn["closed"] and inn is not target:
            inn["target"] = target_for(config, state, inn)
        return
    if inn is not None and not inn["closed"] and inn["batting"] == team:
        inn["runs"] += runs
        inn["extras"]["penalty"] += runs
        if inn["partnership"]:
            inn["partnership"]["runs"] += runs
        check_innings_end(config, state, inn)
        return
    # Law 41.17: to the fielding side's next innings, or its last one if it will not bat again.
    batted = [i for i in state["innings"] if i["batting"] == team and not i["super_over"]]
    if len(batted) >= config.innings_per_side:
        batted[-1]["runs"] += runs
        batted[-1]["extras"]["penalty"] += runs
        if inn is not None and not inn["closed"]:
            inn["target"] = target_for(config, state, inn)
    else:
        state["pending_penalties"][team] = state["pending_penalties"].get(team, 0) + runs
