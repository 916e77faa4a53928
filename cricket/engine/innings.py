"""Innings and overs: who bats next (follow-ons, super overs), starting and closing an innings,
overs as the umpires call them (miscounted ones stand), bowlers and their overs, and the quota
(revised overs and targets, in overs and balls)."""

from __future__ import annotations

from .config import MatchConfig
from .errors import IllegalAction
from .result import after_innings_closed, target_for
from .state import (
    EXTRA_KINDS,
    balls_bowled,
    batter_card,
    bowler_card,
    current_innings,
    end_partnership,
    innings_over_by_wickets,
    live_innings,
    max_balls,
    quota_from,
    quota_text,
    require_player,
    start_partnership,
    warn,
)


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
    striker = require_player(config, state, batting, action.get("striker"), "striker")
    non_striker = require_player(config, state, batting, action.get("non_striker"), "non-striker")
    if striker == non_striker:
        raise IllegalAction("The two opening batters must be different players.")
    bowler = require_player(config, state, bowling, action.get("bowler"), "bowler")
    inn = new_innings(config, state, batting, bowling, super_over=super_over,
                       follow_on=follow_on)
    inn.update(striker=striker, non_striker=non_striker, bowler=bowler, over_bowlers=[bowler])
    penalty = state["pending_penalties"].pop(batting, 0)
    inn["runs"] += penalty
    inn["extras"]["penalty"] += penalty
    batter_card(inn, striker)
    batter_card(inn, non_striker)
    bowler_card(inn, bowler)
    start_partnership(inn)
    state["innings"].append(inn)
    state["free_hit"] = False
    state["status"] = "live"
    revised = state.pop("next_revised_target", None)
    if revised is not None:
        inn["revised_target"] = revised
        set_quota(config, inn, revised["balls"])
    inn["target"] = target_for(config, state, inn)


def new_innings(config: MatchConfig, state: dict, batting: str, bowling: str, *,
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


def close_innings(config: MatchConfig, state: dict, inn: dict, how: str) -> None:
    inn["closed"] = how
    if inn["partnership"] is not None:
        end_partnership(inn)
    after_innings_closed(config, state)


def set_quota(config: MatchConfig, inn: dict, balls: int | None) -> None:
    inn["max_balls"] = balls
    inn["max_overs"] = quota_text(config, balls)


def check_innings_end(config: MatchConfig, state: dict, inn: dict) -> None:
    target = inn.get("target")
    limit = max_balls(config, inn)
    if target is not None and inn["runs"] >= target:
        close_innings(config, state, inn, "target")
    elif innings_over_by_wickets(config, inn):
        close_innings(config, state, inn, "all_out")
    elif limit is not None and balls_bowled(config, inn) >= limit:
        close_innings(config, state, inn, "overs")


def complete_over(inn: dict) -> None:
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
    inn = live_innings(state)
    if inn["over_balls"] == 0:
        raise IllegalAction("No legal ball has been bowled in this over yet.")
    warn(f"Over {inn['overs_done'] + 1} was called after {inn['over_balls']} balls, not "
         f"{config.balls_per_over}; it stands as bowled.")
    complete_over(inn)
    check_innings_end(config, state, inn)


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


def revise_overs(config: MatchConfig, state: dict, action: dict) -> None:
    """Overs lost: the current innings' quota becomes ``overs`` (and ``balls``); between
    innings or before play, every later innings' (a match shortened before it starts)."""
    quota = quota_from(config, action, "Revised overs")
    inn = current_innings(state)
    if inn is None or inn["closed"]:
        if quota % config.balls_per_over:
            raise IllegalAction("A shortened match has whole overs per innings.")
        state["overs_limit"] = quota // config.balls_per_over
        return
    if quota < balls_bowled(config, inn):
        raise IllegalAction(f"{quota_text(config, quota)} overs is fewer than have already "
                            "been bowled.")
    set_quota(config, inn, quota)
    check_innings_end(config, state, inn)


def revise_target(config: MatchConfig, state: dict, action: dict) -> None:
    """A scorer-entered revised target (D/L, DLS, VJD): runs to win in ``overs``."""
    runs = action.get("runs")
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= 10000:
        raise IllegalAction("A revised target must be a whole number of runs.")
    quota = quota_from(config, action, "A revised target")
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
        set_quota(config, inn, quota)
        inn["target"] = runs
        check_innings_end(config, state, inn)
    else:
        state["next_revised_target"] = revised


def end_innings(config: MatchConfig, state: dict, action: dict) -> None:
    """Declaration, forfeit, or an innings ended by the scorer (e.g. no fit batter left)."""
    inn = live_innings(state)
    how = action.get("how", "declared")
    if how not in ("declared", "all_out", "interrupted"):
        raise IllegalAction("An innings can be ended as declared, all_out or interrupted.")
    if how == "declared" and config.innings_per_side == 1 and config.overs is not None:
        raise IllegalAction("Declarations are not allowed in limited-overs matches.")
    close_innings(config, state, inn, how)


def forfeit(config: MatchConfig, state: dict, action: dict) -> None:
    """Law 15.2: a side forfeits an innings it has not started."""
    if config.innings_per_side != 2:
        raise IllegalAction("Only two-innings matches allow a forfeit.")
    batting, _super_over = next_batting_team(config, state, False)
    inn = new_innings(config, state, batting, config.other(batting), super_over=False,
                       follow_on=False)
    state["innings"].append(inn)
    inn["target"] = target_for(config, state, inn)
    close_innings(config, state, inn, "forfeited")


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


def check_bowler_may_bowl(config: MatchConfig, inn: dict, bowler: str, *, new_over: bool) -> None:
    """Law 17.8 and the bowler's quota. The umpires let the over be bowled, so it is recorded
    with a warning (the pad marks such bowlers before the scorer picks one)."""
    if bowler in inn["last_over_bowlers"]:
        warn(f"{config.name(bowler)} also bowled the previous over (Law 17.8: not two in a row).")
    limit = 1 if inn["super_over"] else config.bowler_max_overs
    if limit is not None and new_over:
        bowled = inn["bowlers"].get(bowler, {}).get("overs", 0)
        if bowled >= limit:
            warn(f"{config.name(bowler)} has already bowled the maximum of {limit} overs.")


def next_bowler(config: MatchConfig, state: dict, action: dict) -> None:
    inn = live_innings(state)
    bowler = require_player(config, state, inn["bowling"], action.get("player"), "bowler")
    check_bowler_may_bowl(config, inn, bowler, new_over=True)
    inn["bowler"] = bowler
    inn["over_bowlers"] = [bowler]
    inn["last_over"] = None
    bowler_card(inn, bowler)


def change_bowler(config: MatchConfig, state: dict, action: dict) -> None:
    """A bowler finishes another's over (Law 17.8: injury or suspension mid-over)."""
    inn = live_innings(state)
    if inn["over_balls"] == 0 and not inn["this_over"]:
        raise IllegalAction("The over has not started: choose the next bowler instead.")
    bowler = require_player(config, state, inn["bowling"], action.get("player"), "bowler")
    if bowler == inn["bowler"]:
        raise IllegalAction(f"{config.name(bowler)} is already bowling this over.")
    check_bowler_may_bowl(config, inn, bowler, new_over=False)
    inn["bowler"] = bowler
    inn["over_bowlers"].append(bowler)
    bowler_card(inn, bowler)


def swap_strike(config: MatchConfig, state: dict, action: dict) -> None:
    """A scorer's correction of who is on strike (e.g. a short run or crossing on a catch)."""
    inn = live_innings(state)
    inn["striker"], inn["non_striker"] = inn["non_striker"], inn["striker"]
