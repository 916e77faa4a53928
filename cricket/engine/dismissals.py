"""Dismissals and retirements: who may be out and how (on a free hit, off a wide or no-ball),
new batters, retirements, timed out, absent hurt, and replacements in a side."""

from __future__ import annotations

from . import laws
from .config import MatchConfig
from .errors import IllegalAction
from .innings import check_innings_end
from .state import (
    batter_card,
    end_partnership,
    innings_overs,
    live_innings,
    maybe_start_partnership,
    require_fielder,
    require_player,
    squad,
    warn,
)


def validate_wickets(config, state, inn, action, extras) -> list[dict]:
    wickets = action.get("wickets") or []
    if len(wickets) > 2:
        raise IllegalAction("At most two batters can be out off one ball.")
    seen = set()
    for wicket in wickets:
        kind, out = wicket.get("kind"), wicket.get("player_out")
        if kind in laws.RETIREMENTS or kind == laws.TIMED_OUT:
            raise IllegalAction(f"{laws.NAMES[kind].capitalize()} is recorded on its own, "
                                "not on a delivery.", field="kind")
        if kind not in laws.DISMISSALS:
            raise IllegalAction("Choose how the batter was out." if not kind else
                                f"Unknown mode of dismissal {kind!r}.", field="kind")
        if out not in (inn["striker"], inn["non_striker"]) or out in seen:
            raise IllegalAction(f"{config.name(out) or 'That player'} is not one of the two "
                                "batters at the crease.", field="player_out")
        seen.add(out)
        label = laws.NAMES[kind]
        if out == inn["non_striker"] and kind not in laws.POSSIBLE_FOR_NON_STRIKER:
            raise IllegalAction(f"The non-striker cannot be out {label}.", field="player_out")
        if extras["wides"] and kind not in laws.POSSIBLE_OFF_WIDE:
            raise IllegalAction(f"A batter cannot be out {label} off a wide.", field="kind")
        if extras["noballs"] and kind not in laws.POSSIBLE_OFF_NOBALL:
            raise IllegalAction(f"A batter cannot be out {label} off a no-ball.", field="kind")
        if state["free_hit"] and not extras["wides"] and kind not in laws.POSSIBLE_ON_FREE_HIT:
            if config.free_hit == "front_foot":
                warn(f"Out {label} on the ball after a no-ball: recorded as given, so that "
                     "no-ball was not a front-foot one and this was no free hit.")
            else:
                warn(f"Out {label} on a free hit (Law 21.19 does not allow it); "
                     "the umpire's decision stands.")
        for fielder in wicket.get("fielders") or []:
            require_fielder(config, state, inn, fielder)
        if kind in laws.NEEDS_FIELDER and not wicket.get("fielders"):
            raise IllegalAction(f"Say who took the {'catch' if kind == 'caught' else 'stumping'}.",
                                field="fielders")
    if len(wickets) == 2 and not all(w["kind"] in laws.RUNS_STAND for w in wickets[1:]):
        raise IllegalAction("A second dismissal off one ball can only be a run out.")
    scored = action.get("runs") or extras["byes"] or extras["legbyes"]
    if scored and any(w["kind"] not in laws.RUNS_STAND for w in wickets):
        kinds = ", ".join(laws.NAMES[w["kind"]] for w in wickets)
        raise IllegalAction(f"No runs can be scored off a ball on which a batter is {kinds}.",
                            field="runs")
    return wickets


def dismiss(config, state, inn, player: str, kind: str, *, bowler, fielders) -> None:
    card = batter_card(inn, player)
    card["out"] = {"kind": kind, "bowler": bowler, "fielders": fielders}
    inn["wickets"] += 1
    inn["fall_of_wickets"].append({
        "wicket": inn["wickets"], "runs": inn["runs"], "player": player,
        "overs": innings_overs(inn),
    })
    vacate(inn, player)


def vacate(inn: dict, player: str) -> None:
    if inn["striker"] == player:
        inn["striker"] = None
    elif inn["non_striker"] == player:
        inn["non_striker"] = None
    if inn["partnership"] is not None:
        end_partnership(inn)


def may_resume(inn: dict) -> list[str]:
    """Batters who retired and may come back (Law 25.4): hurt or not out, never retired out."""
    return [p for p, how in inn["retired"].items() if how not in laws.RETIREMENTS_THAT_ARE_WICKETS]


def new_batter(config: MatchConfig, state: dict, action: dict) -> None:
    inn = live_innings(state)
    player = require_player(config, state, inn["batting"], action.get("player"), "new batter")
    if player in (inn["striker"], inn["non_striker"]):
        raise IllegalAction(f"{config.name(player)} is already batting.")
    card = inn["batters"].get(player)
    if card is not None and player not in inn["retired"]:
        raise IllegalAction(f"{config.name(player)} has already batted and is out.")
    if card is not None and player not in may_resume(inn):
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
    batter_card(inn, player)
    maybe_start_partnership(inn)


def retire(config: MatchConfig, state: dict, action: dict) -> None:
    inn = live_innings(state)
    player, how = action.get("player"), action.get("how")
    if how not in laws.RETIREMENTS:
        raise IllegalAction("A retirement is retired hurt, retired not out or retired out.",
                            field="how")
    if player not in (inn["striker"], inn["non_striker"]):
        raise IllegalAction(f"{config.name(player) or 'That player'} is not batting.")
    if how in laws.RETIREMENTS_THAT_ARE_WICKETS:
        dismiss(config, state, inn, player, how, bowler=None, fielders=[])
        inn["retired"][player] = how
        check_innings_end(config, state, inn)
    else:
        inn["retired"][player] = how
        batter_card(inn, player)["out"] = {"kind": how, "bowler": None, "fielders": []}
        vacate(inn, player)


def timed_out(config: MatchConfig, state: dict, action: dict) -> None:
    inn = live_innings(state)
    player = require_player(config, state, inn["batting"], action.get("player"), "batter")
    if player in inn["batters"]:
        raise IllegalAction(f"{config.name(player)} has already batted; only an incoming batter "
                            "can be timed out.")
    card = batter_card(inn, player)
    card["out"] = {"kind": laws.TIMED_OUT, "bowler": None, "fielders": []}
    inn["wickets"] += 1
    inn["fall_of_wickets"].append({
        "wicket": inn["wickets"], "runs": inn["runs"], "player": player,
        "overs": innings_overs(inn),
    })
    check_innings_end(config, state, inn)


def absent_hurt(config: MatchConfig, state: dict, action: dict) -> None:
    """A batter who cannot come in (Law 25.4: absent hurt). Not a wicket; when no pair of
    batters is left the side is all out (and its net run rate counts the full quota)."""
    inn = live_innings(state)
    player = require_player(config, state, inn["batting"], action.get("player"), "batter")
    if player in (inn["striker"], inn["non_striker"]) or player in inn["absent"]:
        raise IllegalAction(f"{config.name(player)} is at the crease or already absent.")
    card = inn["batters"].get(player)
    if card is not None and player not in inn["retired"]:
        raise IllegalAction(f"{config.name(player)} has already batted and is out.")
    inn["absent"].append(player)
    check_innings_end(config, state, inn)


def replace_player(config: MatchConfig, state: dict, action: dict) -> None:
    """A like-for-like replacement (concussion, etc.): ``in`` takes ``out``'s place in the side."""
    team, out, incoming = action.get("team"), action.get("out"), action.get("in")
    config.team(team)
    if out not in squad(config, state, team):
        raise IllegalAction(f"{config.name(out)} is not in the side to be replaced.")
    if incoming in squad(config, state, team) or not incoming:
        raise IllegalAction("The replacement must be a player not already in the side.")
    state["replacements"].append({"team": team, "out": out, "in": incoming,
                                  "reason": action.get("reason", "")})
