"""The fold: match state = the ordered log of actions applied one by one to a new match.

State is a plain JSON-able dict (it is stored with the match and sent to clients). Its size is
bounded by players and innings, never by the number of balls, so applying one more action costs
the same at the first ball and the six-hundredth.

Every handler validates before it mutates: an ``IllegalAction`` leaves the state untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from . import laws
from .config import MatchConfig
from .errors import IllegalAction
from .result import after_innings_closed, target_for

# Bumped whenever the state's shape changes; stored states of an older schema are re-folded
# from their logs (manage.py refold_matches).
STATE_SCHEMA = 3
EXTRA_KINDS = ("wides", "noballs", "byes", "legbyes", "penalty")
RECENT_BALLS = 12


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


def warn(message: str) -> None:
    pending = _warnings.get()
    if pending is not None:
        pending.append(message)


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
    if state["status"] in ("completed", "abandoned") and kind not in REOPENING:
        raise IllegalAction("The match has ended; nothing more can be scored.")
    allowed = ALLOWED_WHEN[state["needs"]]
    if kind not in allowed:
        raise IllegalAction(_needs_message(state, kind))
    pending: list[str] = []
    token = _warnings.set(pending)
    try:
        handler(config, state, action)
    finally:
        _warnings.reset(token)
    state["needs"] = _needs(state)
    state["warnings"] = pending
    return pending


def _needs(state: dict) -> str | None:
    if state["status"] in ("completed", "abandoned"):
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
    if state["status"] in ("completed", "abandoned"):
        return "The match has ended; nothing more can be scored."
    return {
        "start_innings": f"An innings must be started (openers and bowler) before {kind!r}.",
        "new_batter": f"A new batter must come in before {kind!r}.",
        "next_bowler": f"The over is complete: choose the next bowler before {kind!r}.",
        "delivery": f"{kind!r} is not possible in the middle of an innings.",
    }[needs]


# --- helpers -------------------------------------------------------------------------------------


def current_innings(state: dict) -> dict | None:
    return state["innings"][-1] if state["innings"] else None


def _live_innings(state: dict) -> dict:
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


def _squad(config: MatchConfig, state: dict, team_id: str) -> set[str]:
    """Who may bat or bowl for a side: the XI, adjusted by replacements so far."""
    squad = set(config.team(team_id).players)
    for swap in state["replacements"]:
        if swap["team"] == team_id:
            squad.discard(swap["out"])
            squad.add(swap["in"])
    return squad


def _require_player(config, state, team_id: str, player: str | None, role: str) -> str:
    if not player:
        raise IllegalAction(f"Say who the {role} is.")
    if player not in _squad(config, state, team_id):
        team = config.team(team_id).name
        raise IllegalAction(f"{config.name(player)} is not in {team}'s side, so cannot be {role}.")
    return player


def _require_fielder(config, state, inn: dict, player: str) -> None:
    team = config.team(inn["bowling"])
    if player not in _squad(config, state, team.id) and player not in team.substitutes:
        raise IllegalAction(f"{config.name(player)} is not fielding for {team.name}.")


def _batter_card(inn: dict, player: str) -> dict:
    card = inn["batters"].get(player)
    if card is None:
        card = inn["batters"][player] = {
            "runs": 0, "balls": 0, "fours": 0, "sixes": 0, "out": None,
            "position": len(inn["batters"]) + 1,
        }
    return card


def _bowler_card(inn: dict, player: str) -> dict:
    card = inn["bowlers"].get(player)
    if card is None:
        card = inn["bowlers"][player] = {
            "balls": 0, "runs": 0, "wickets": 0, "maidens": 0, "wides": 0, "noballs": 0,
            "dots": 0, "fours": 0, "sixes": 0, "overs": 0, "position": len(inn["bowlers"]) + 1,
        }
    return card


def _check_bowler_may_bowl(config: MatchConfig, inn: dict, bowler: str, *, new_over: bool) -> None:
    """Law 17.8 and the bowler's quota. The umpires let the over be bowled, so it is recorded
    with a warning (the pad marks such bowlers before the scorer picks one)."""
    if bowler in inn["last_over_bowlers"]:
        warn(f"{config.name(bowler)} also bowled the previous over (Law 17.8: not two in a row).")
    limit = 1 if inn["super_over"] else config.bowler_max_overs
    if limit is not None and new_over:
        bowled = inn["bowlers"].get(bowler, {}).get("overs", 0)
        if bowled >= limit:
            warn(f"{config.name(bowler)} has already bowled the maximum of {limit} overs.")


def _start_partnership(inn: dict) -> None:
    inn["partnership"] = {
        "batters": [inn["striker"], inn["non_striker"]], "runs": 0, "balls": 0,
        "wicket": inn["wickets"] + 1,
    }


def _end_partnership(inn: dict) -> None:
    if inn.get("partnership"):
        inn["partnerships"].append(inn["partnership"])
    inn["partnership"] = None


def _maybe_start_partnership(inn: dict) -> None:
    if inn["striker"] and inn["non_striker"] and inn["partnership"] is None:
        _start_partnership(inn)


# --- innings -------------------------------------------------------------------------------------


def next_batting_team(config: MatchConfig, state: dict, follow_on: bool) -> tuple[str, bool]:
    """(team id, super over?) of the innings to start now."""
    innings = state["innings"]
    main = [inn for inn in innings if not inn["super_over"]]
    total_main = 2 * config.innings_per_side
    if len(main) < total_main:
        if not main:
            return config.batting_first, False
        if config.innings_per_side == 2 and len(main) == 2 and follow_on:
            return main[1]["batting"], False
        if follow_on:
            raise IllegalAction("The follow-on can be enforced only before the third innings.")
        if len(main) == 3:  # the side that has batted only once bats last
            batted = [inn["batting"] for inn in main]
            once = [team.id for team in config.teams if batted.count(team.id) == 1]
            return once[0], False
        return config.other(main[-1]["batting"]), False
    # Super overs: the side that batted second bats first in the next super over (the match's
    # second innings for the first one, the previous super over's after that).
    supers = [inn for inn in innings if inn["super_over"]]
    if len(supers) % 2 == 1:
        return config.other(supers[-1]["batting"]), True
    return (supers or main)[-1]["batting"], True


def start_innings(config: MatchConfig, state: dict, action: dict) -> None:
    if state["result"] is not None:
        raise IllegalAction("The match has a result; no further innings can start.")
    follow_on = bool(action.get("follow_on"))
    if state["innings"] and not state["innings"][-1]["closed"]:
        raise IllegalAction("The current innings has not ended.")
    batting, super_over = next_batting_team(config, state, follow_on)
    if follow_on:
        first, second = state["innings"][0], state["innings"][1]
        lead = first["runs"] - second["runs"]
        required = config.follow_on_lead
        if lead < required:
            warn(f"The follow-on was enforced with a lead of {lead}; the conditions ask for "
                 f"{required}.")
    if action.get("batting") and action["batting"] != batting:
        raise IllegalAction(f"{config.team(batting).name} must bat in this innings.")
    bowling = config.other(batting)
    striker = _require_player(config, state, batting, action.get("striker"), "striker")
    non_striker = _require_player(config, state, batting, action.get("non_striker"), "non-striker")
    if striker == non_striker:
        raise IllegalAction("The two opening batters must be different players.")
    bowler = _require_player(config, state, bowling, action.get("bowler"), "bowler")
    inn = _new_innings(config, state, batting, bowling, super_over=super_over,
                       follow_on=follow_on)
    inn.update(striker=striker, non_striker=non_striker, bowler=bowler, over_bowlers=[bowler])
    penalty = state["pending_penalties"].pop(batting, 0)
    inn["runs"] += penalty
    inn["extras"]["penalty"] += penalty
    _batter_card(inn, striker)
    _batter_card(inn, non_striker)
    _bowler_card(inn, bowler)
    _start_partnership(inn)
    state["innings"].append(inn)
    state["free_hit"] = False
    state["status"] = "live"
    revised = state.pop("next_revised_target", None)
    if revised is not None:
        inn["revised_target"] = revised
        _set_quota(config, inn, revised["balls"])
    inn["target"] = target_for(config, state, inn)


def _new_innings(config: MatchConfig, state: dict, batting: str, bowling: str, *,
                 super_over: bool, follow_on: bool) -> dict:
    overs = 1 if super_over else (state.get("overs_limit") or config.overs)
    quota = None if overs is None else overs * config.balls_per_over
    return {
        "number": len(state["innings"]) + 1, "batting": batting, "bowling": bowling,
        "super_over": super_over, "follow_on": follow_on,
        "runs": 0, "wickets": 0, "legal_balls": 0, "overs_done": 0, "over_balls": 0,
        "max_overs": quota_text(config, quota), "max_balls": quota, "boundaries": 0,
        "absent": [], "last_over": None,
        "revised_target": None, "target": None, "closed": None,
        "extras": dict.fromkeys(EXTRA_KINDS, 0),
        "striker": None, "non_striker": None, "bowler": None,
        "batters": {}, "bowlers": {}, "last_over_bowlers": [], "over_bowlers": [],
        "this_over": [], "over_runs": 0, "recent_balls": [],
        "fall_of_wickets": [], "partnerships": [], "partnership": None,
        "retired": {},  # player -> how, for batters who left without being out
    }


def _close_innings(config: MatchConfig, state: dict, inn: dict, how: str) -> None:
    inn["closed"] = how
    if inn["partnership"] is not None:
        _end_partnership(inn)
    after_innings_closed(config, state)


def _set_quota(config: MatchConfig, inn: dict, balls: int | None) -> None:
    inn["max_balls"] = balls
    inn["max_overs"] = quota_text(config, balls)


def _check_innings_end(config: MatchConfig, state: dict, inn: dict) -> None:
    target = inn.get("target")
    limit = max_balls(config, inn)
    if target is not None and inn["runs"] >= target:
        _close_innings(config, state, inn, "target")
    elif innings_over_by_wickets(config, inn):
        _close_innings(config, state, inn, "all_out")
    elif limit is not None and balls_bowled(config, inn) >= limit:
        _close_innings(config, state, inn, "overs")


# --- deliveries ----------------------------------------------------------------------------------


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


def _validate_wickets(config, state, inn, action, extras) -> list[dict]:
    wickets = action.get("wickets") or []
    if len(wickets) > 2:
        raise IllegalAction("At most two batters can be out off one ball.")
    seen = set()
    for wicket in wickets:
        kind, out = wicket.get("kind"), wicket.get("player_out")
        if kind in laws.RETIREMENTS or kind == laws.TIMED_OUT:
            raise IllegalAction(f"{laws.LABELS[kind].capitalize()} is recorded on its own, "
                                "not on a delivery.")
        if kind not in laws.DISMISSALS:
            raise IllegalAction(f"Unknown mode of dismissal {kind!r}.")
        if out not in (inn["striker"], inn["non_striker"]) or out in seen:
            raise IllegalAction(f"{config.name(out) or 'That player'} is not one of the two "
                                "batters at the crease.")
        seen.add(out)
        label = laws.LABELS[kind]
        if out == inn["non_striker"] and kind not in laws.POSSIBLE_FOR_NON_STRIKER:
            raise IllegalAction(f"The non-striker cannot be out {label}.")
        if extras["wides"] and kind not in laws.POSSIBLE_OFF_WIDE:
            raise IllegalAction(f"A batter cannot be out {label} off a wide.")
        if extras["noballs"] and kind not in laws.POSSIBLE_OFF_NOBALL:
            raise IllegalAction(f"A batter cannot be out {label} off a no-ball.")
        if state["free_hit"] and not extras["wides"] and kind not in laws.POSSIBLE_ON_FREE_HIT:
            if config.free_hit == "front_foot":
                warn(f"Out {label} on the ball after a no-ball: recorded as given, so that "
                     "no-ball was not a front-foot one and this was no free hit.")
            else:
                warn(f"Out {label} on a free hit (Law 21.19 does not allow it); "
                     "the umpire's decision stands.")
        for fielder in wicket.get("fielders") or []:
            _require_fielder(config, state, inn, fielder)
        if kind in laws.NEEDS_FIELDER and not wicket.get("fielders"):
            raise IllegalAction(f"Say who took the {'catch' if kind == 'caught' else 'stumping'}.")
    if len(wickets) == 2 and not all(w["kind"] in laws.RUNS_STAND for w in wickets[1:]):
        raise IllegalAction("A second dismissal off one ball can only be a run out.")
    scored = action.get("runs") or extras["byes"] or extras["legbyes"]
    if scored and any(w["kind"] not in laws.RUNS_STAND for w in wickets):
        kinds = ", ".join(laws.LABELS[w["kind"]] for w in wickets)
        raise IllegalAction(f"No runs can be scored off a ball on which a batter is {kinds}.")
    return wickets


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
        parts.append("W")
    return "+".join(parts) if len(parts) > 1 else parts[0]


def record_delivery(config: MatchConfig, state: dict, action: dict) -> None:
    inn = _live_innings(state)
    extras = _validated_extras(config, action)
    runs = action.get("runs", 0)
    boundary = bool(action.get("boundary"))
    if boundary and (runs + extras["byes"] + extras["legbyes"] +
                     max(0, extras["wides"] - config.wide_runs)) not in (4, 6):
        raise IllegalAction("A boundary is worth 4 or 6; say the runs that reached it.")
    wickets = _validate_wickets(config, state, inn, action, extras)

    legal = not extras["wides"] and not extras["noballs"]
    striker, bowler = inn["striker"], inn["bowler"]
    total = runs + sum(extras.values())
    conceded = runs + extras["wides"] + extras["noballs"]

    # Score.
    inn["runs"] += total
    for kind, value in extras.items():
        inn["extras"][kind] += value
    batter = _batter_card(inn, striker)
    batter["runs"] += runs
    if not extras["wides"]:
        batter["balls"] += 1
    if boundary and runs == 4:
        batter["fours"] += 1
    elif boundary and runs == 6:
        batter["sixes"] += 1
    card = _bowler_card(inn, bowler)
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
        _dismiss(config, state, inn, wicket["player_out"], wicket["kind"],
                 bowler=bowler if wicket["kind"] in laws.CREDITED_TO_BOWLER else None,
                 fielders=list(wicket.get("fielders") or []))
        if wicket["kind"] in laws.CREDITED_TO_BOWLER:
            card["wickets"] += 1

    if legal and inn["over_balls"] >= config.balls_per_over:
        _complete_over(inn)
    _check_innings_end(config, state, inn)


def _complete_over(inn: dict) -> None:
    maiden = inn["over_runs"] == 0 and len(inn["over_bowlers"]) == 1 and len(inn["this_over"]) > 0
    if maiden:
        inn["bowlers"][inn["over_bowlers"][0]]["maidens"] += 1
    if inn["over_bowlers"]:
        inn["bowlers"][inn["over_bowlers"][0]]["overs"] += 1
    # Kept until the next over starts, so an over the umpire did not call can go on.
    inn["last_over"] = {
        "bowler": inn["bowler"], "over_bowlers": list(inn["over_bowlers"]),
        "last_over_bowlers": list(inn["last_over_bowlers"]), "this_over": list(inn["this_over"]),
        "over_runs": inn["over_runs"], "over_balls": inn["over_balls"], "maiden": maiden,
    }
    inn["overs_done"] += 1
    inn["over_balls"] = 0
    inn["last_over_bowlers"] = list(inn["over_bowlers"])
    inn["over_bowlers"] = []
    inn["this_over"] = []
    inn["over_runs"] = 0
    inn["bowler"] = None
    inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]


def end_over(config: MatchConfig, state: dict, action: dict) -> None:
    """The umpire called over early (a miscounted over): it stands as bowled."""
    inn = _live_innings(state)
    if inn["over_balls"] == 0:
        raise IllegalAction("No legal ball has been bowled in this over yet.")
    warn(f"Over {inn['overs_done'] + 1} was called after {inn['over_balls']} balls, not "
         f"{config.balls_per_over}; it stands as bowled.")
    _complete_over(inn)
    _check_innings_end(config, state, inn)


def continue_over(config: MatchConfig, state: dict, action: dict) -> None:
    """The umpire did not call over: the same bowler bowls on in the same over (even the
    innings' last over, which the engine had closed: it reopens, and any result with it)."""
    inn = current_innings(state)
    last = None if inn is None else inn.get("last_over")
    reopen = inn is not None and inn["closed"] == "overs" and state["status"] != "abandoned"
    if last is None or inn["bowler"] is not None or not last["over_bowlers"] \
            or (inn["closed"] and not reopen):
        raise IllegalAction("Only the over just completed can go on.")
    if reopen:  # the same pair bats on: their partnership was closed with the innings
        inn["closed"] = None
        state["status"], state["result"] = "live", None
        if inn["partnerships"] and inn["striker"] and inn["non_striker"]:
            inn["partnership"] = inn["partnerships"].pop()
    warn(f"Over {inn['overs_done']} went on past {last['over_balls']} balls: the umpire did not "
         "call over, so the extra ball is part of it.")
    if last["maiden"]:
        inn["bowlers"][last["over_bowlers"][0]]["maidens"] -= 1
    inn["bowlers"][last["over_bowlers"][0]]["overs"] -= 1
    inn["overs_done"] -= 1
    for key in ("bowler", "over_bowlers", "last_over_bowlers", "this_over", "over_runs",
                "over_balls"):
        inn[key] = last[key]
    inn["last_over"] = None
    inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]


def _dismiss(config, state, inn, player: str, kind: str, *, bowler, fielders) -> None:
    card = _batter_card(inn, player)
    card["out"] = {"kind": kind, "bowler": bowler, "fielders": fielders}
    inn["wickets"] += 1
    inn["fall_of_wickets"].append({
        "wicket": inn["wickets"], "runs": inn["runs"], "player": player,
        "overs": innings_overs(inn),
    })
    _vacate(inn, player)


def _vacate(inn: dict, player: str) -> None:
    if inn["striker"] == player:
        inn["striker"] = None
    elif inn["non_striker"] == player:
        inn["non_striker"] = None
    if inn["partnership"] is not None:
        _end_partnership(inn)


# --- between balls -------------------------------------------------------------------------------


def new_batter(config: MatchConfig, state: dict, action: dict) -> None:
    inn = _live_innings(state)
    player = _require_player(config, state, inn["batting"], action.get("player"), "new batter")
    if player in (inn["striker"], inn["non_striker"]):
        raise IllegalAction(f"{config.name(player)} is already batting.")
    card = inn["batters"].get(player)
    if card is not None and player not in inn["retired"]:
        raise IllegalAction(f"{config.name(player)} has already batted and is out.")
    if card is not None and inn["retired"].get(player) == "retired_out":
        raise IllegalAction(f"{config.name(player)} retired out and cannot resume.")
    on_strike = action.get("on_strike")
    if inn["striker"] is None and inn["non_striker"] is None:
        slot = "striker" if on_strike in (None, True) else "non_striker"
    elif inn["striker"] is None:
        slot = "striker"
    else:
        slot = "non_striker"
    if on_strike is not None and (slot == "striker") != bool(on_strike):
        # The scorer says the new batter is at the other end (e.g. after a run out on a
        # run in progress): the not-out batter changes ends.
        inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]
        slot = "non_striker" if slot == "striker" else "striker"
    inn[slot] = player
    inn["retired"].pop(player, None)
    _batter_card(inn, player)
    _maybe_start_partnership(inn)


def next_bowler(config: MatchConfig, state: dict, action: dict) -> None:
    inn = _live_innings(state)
    bowler = _require_player(config, state, inn["bowling"], action.get("player"), "bowler")
    _check_bowler_may_bowl(config, inn, bowler, new_over=True)
    inn["bowler"] = bowler
    inn["over_bowlers"] = [bowler]
    inn["last_over"] = None
    _bowler_card(inn, bowler)


def change_bowler(config: MatchConfig, state: dict, action: dict) -> None:
    """A bowler finishes another's over (Law 17.8: injury or suspension mid-over)."""
    inn = _live_innings(state)
    if inn["over_balls"] == 0 and not inn["this_over"]:
        raise IllegalAction("The over has not started: choose the next bowler instead.")
    bowler = _require_player(config, state, inn["bowling"], action.get("player"), "bowler")
    if bowler == inn["bowler"]:
        raise IllegalAction(f"{config.name(bowler)} is already bowling this over.")
    _check_bowler_may_bowl(config, inn, bowler, new_over=False)
    inn["bowler"] = bowler
    inn["over_bowlers"].append(bowler)
    _bowler_card(inn, bowler)


def swap_strike(config: MatchConfig, state: dict, action: dict) -> None:
    """A scorer's correction of who is on strike (e.g. a short run or crossing on a catch)."""
    inn = _live_innings(state)
    inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]


def retire(config: MatchConfig, state: dict, action: dict) -> None:
    inn = _live_innings(state)
    player, how = action.get("player"), action.get("how")
    if how not in laws.RETIREMENTS:
        raise IllegalAction("Retirement must be retired_hurt, retired_not_out or retired_out.")
    if player not in (inn["striker"], inn["non_striker"]):
        raise IllegalAction(f"{config.name(player) or 'That player'} is not batting.")
    if how in laws.RETIREMENTS_THAT_ARE_WICKETS:
        _dismiss(config, state, inn, player, how, bowler=None, fielders=[])
        inn["retired"][player] = how
        _check_innings_end(config, state, inn)
    else:
        inn["retired"][player] = how
        _batter_card(inn, player)["out"] = {"kind": how, "bowler": None, "fielders": []}
        _vacate(inn, player)


def timed_out(config: MatchConfig, state: dict, action: dict) -> None:
    inn = _live_innings(state)
    player = _require_player(config, state, inn["batting"], action.get("player"), "batter")
    if player in inn["batters"]:
        raise IllegalAction(f"{config.name(player)} has already batted; only an incoming batter "
                            "can be timed out.")
    card = _batter_card(inn, player)
    card["out"] = {"kind": laws.TIMED_OUT, "bowler": None, "fielders": []}
    inn["wickets"] += 1
    inn["fall_of_wickets"].append({
        "wicket": inn["wickets"], "runs": inn["runs"], "player": player,
        "overs": innings_overs(inn),
    })
    _check_innings_end(config, state, inn)


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
        _check_innings_end(config, state, inn)
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


def _quota_from(config: MatchConfig, action: dict, what: str) -> int:
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


def revise_overs(config: MatchConfig, state: dict, action: dict) -> None:
    """Overs lost: the current innings' quota becomes ``overs`` (and ``balls``); between
    innings or before play, every later innings' (a match shortened before it starts)."""
    quota = _quota_from(config, action, "Revised overs")
    inn = current_innings(state)
    if inn is None or inn["closed"]:
        if quota % config.balls_per_over:
            raise IllegalAction("A shortened match has whole overs per innings.")
        state["overs_limit"] = quota // config.balls_per_over
        return
    if quota < balls_bowled(config, inn):
        raise IllegalAction(f"{quota_text(config, quota)} overs is fewer than have already "
                            "been bowled.")
    _set_quota(config, inn, quota)
    _check_innings_end(config, state, inn)


def revise_target(config: MatchConfig, state: dict, action: dict) -> None:
    """A scorer-entered revised target (D/L, DLS, VJD): runs to win in ``overs``."""
    runs = action.get("runs")
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= 10000:
        raise IllegalAction("A revised target must be a whole number of runs.")
    quota = _quota_from(config, action, "A revised target")
    method = action.get("method")
    if method is not None and (not isinstance(method, str) or len(method) > 20):
        raise IllegalAction("The method must be a short name such as DLS.")
    revised = {"runs": runs, "overs": quota_text(config, quota), "balls": quota,
               "method": method}
    inn = current_innings(state)
    chasing = inn is not None and not inn["closed"] and inn["target"] is not None
    if not chasing and not (inn is not None and inn["closed"]):
        raise IllegalAction("A target can be revised only for the side batting last.")
    if chasing:
        if quota < balls_bowled(config, inn):
            raise IllegalAction(f"{revised['overs']} overs is fewer than have already been "
                                "bowled.")
        inn["revised_target"] = revised
        _set_quota(config, inn, quota)
        inn["target"] = runs
        _check_innings_end(config, state, inn)
    else:
        state["next_revised_target"] = revised


def end_innings(config: MatchConfig, state: dict, action: dict) -> None:
    """Declaration, forfeit, or an innings ended by the scorer (e.g. no fit batter left)."""
    inn = _live_innings(state)
    how = action.get("how", "declared")
    if how not in ("declared", "all_out", "interrupted"):
        raise IllegalAction("An innings can be ended as declared, all_out or interrupted.")
    if how == "declared" and config.innings_per_side == 1 and config.overs is not None:
        raise IllegalAction("Declarations are not allowed in limited-overs matches.")
    _close_innings(config, state, inn, how)


def forfeit(config: MatchConfig, state: dict, action: dict) -> None:
    """Law 15.2: a side forfeits an innings it has not started."""
    if config.innings_per_side != 2:
        raise IllegalAction("Only two-innings matches allow a forfeit.")
    batting, _super_over = next_batting_team(config, state, False)
    inn = _new_innings(config, state, batting, config.other(batting), super_over=False,
                       follow_on=False)
    state["innings"].append(inn)
    inn["target"] = target_for(config, state, inn)
    _close_innings(config, state, inn, "forfeited")


def play_on(config: MatchConfig, state: dict, action: dict) -> None:
    """The umpires let the innings go on after the engine closed it on wickets (a third batter
    in a super over): play as it happened, with a warning; any result it gave is reopened."""
    inn = current_innings(state)
    if inn is None or inn["closed"] != "all_out" or state["status"] == "abandoned":
        raise IllegalAction("Only an innings just ended by wickets can go on.")
    warn(f"Innings {inn['number']} went on after its last wicket: the umpires' decision "
         "stands.")
    inn["closed"] = None
    inn["play_on_wickets"] = inn.get("play_on_wickets", 0) + 1
    state["status"], state["result"] = "live", None


def absent_hurt(config: MatchConfig, state: dict, action: dict) -> None:
    """A batter who cannot come in (Law 25.4: absent hurt). Not a wicket; when no pair of
    batters is left the side is all out (and its net run rate counts the full quota)."""
    inn = _live_innings(state)
    player = _require_player(config, state, inn["batting"], action.get("player"), "batter")
    if player in (inn["striker"], inn["non_striker"]) or player in inn["absent"]:
        raise IllegalAction(f"{config.name(player)} is at the crease or already absent.")
    card = inn["batters"].get(player)
    if card is not None and player not in inn["retired"]:
        raise IllegalAction(f"{config.name(player)} has already batted and is out.")
    inn["absent"].append(player)
    _check_innings_end(config, state, inn)


def replace_player(config: MatchConfig, state: dict, action: dict) -> None:
    """A like-for-like replacement (concussion, etc.): ``in`` takes ``out``'s place in the side."""
    team, out, incoming = action.get("team"), action.get("out"), action.get("in")
    config.team(team)
    if out not in _squad(config, state, team):
        raise IllegalAction(f"{config.name(out)} is not in the side to be replaced.")
    if incoming in _squad(config, state, team) or not incoming:
        raise IllegalAction("The replacement must be a player not already in the side.")
    state["replacements"].append({"team": team, "out": out, "in": incoming,
                                  "reason": action.get("reason", "")})


def end_match(config: MatchConfig, state: dict, action: dict) -> None:
    """The match ends other than by play: no result, abandoned, draw, or a stated result."""
    if state["status"] in ("completed", "abandoned"):
        raise IllegalAction("The match has already ended.")
    result = _stated_result(config, action)  # validates before anything changes
    inn = current_innings(state)
    if inn is not None and not inn["closed"]:
        _close_without_result(inn)
    state["status"] = "abandoned" if result["kind"] == "abandoned" else "completed"
    state["result"] = result


def _stated_result(config: MatchConfig, action: dict) -> dict:
    how = action.get("result")
    if how in ("abandoned", "no_result"):
        return {"kind": how}
    if how == "draw":
        if config.innings_per_side != 2:
            raise IllegalAction("Only two-innings matches can be drawn.")
        return {"kind": "draw"}
    if how == "tie":
        # A tie decided off the scorecard: a bowl-out, or a super over not scored here.
        winner, decided_by = action.get("winner"), action.get("decided_by")
        result = {"kind": "tie", "winner": winner, "method": action.get("method")}
        if winner is not None:
            config.team(winner)
            if decided_by not in ("bowl_out", "super_over", "boundary_count"):
                raise IllegalAction("Say how the tie was decided: bowl_out, super_over or "
                                    "boundary_count.")
            result["decided_by"] = decided_by
        return result
    if how == "awarded":  # Law 16.4: conceded or forfeited, decided by the umpires
        config.team(action.get("winner"))
        return {"kind": "won", "winner": action["winner"], "margin": None, "unit": None,
                "method": "Awarded"}
    if how != "won":
        raise IllegalAction("End the match as no_result, abandoned, draw, tie, won or awarded.")
    winner, margin, unit = action.get("winner"), action.get("margin"), action.get("unit")
    config.team(winner)
    if unit not in ("runs", "wickets") or not isinstance(margin, int) \
            or isinstance(margin, bool) or not 0 <= margin <= 10000:
        raise IllegalAction("A stated result needs a margin in runs or wickets.")
    result = {"kind": "won", "winner": winner, "margin": margin, "unit": unit,
              "method": action.get("method")}
    par = action.get("par")
    if par is not None:  # the D/L par when play stopped: net run rate credits it
        if not isinstance(par, dict) or not isinstance(par.get("runs"), int) \
                or isinstance(par["runs"], bool) or not 0 <= par["runs"] <= 10000:
            raise IllegalAction("A par score needs whole runs (0 or more) and overs.")
        result["par"] = {"runs": par["runs"], "overs": par.get("overs"),
                         "balls": _quota_from(config, par, "A par score")}
    return result


def _close_without_result(inn: dict) -> None:
    inn["closed"] = "interrupted"
    if inn["partnership"] is not None:
        _end_partnership(inn)


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
