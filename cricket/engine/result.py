"""Targets and results: what the side batting last needs, and who won when an innings closes."""

from __future__ import annotations

from .config import MatchConfig
from .errors import IllegalAction
from .state import (
    ENDED,
    balls_bowled,
    current_innings,
    end_partnership,
    max_balls,
    max_wickets,
    quota_from,
)

COMPLETED_BY_PLAY = ("all_out", "overs", "target", "declared", "forfeited")


def _main(state: dict) -> list[dict]:
    return [inn for inn in state["innings"] if not inn["super_over"]]


def target_for(config: MatchConfig, state: dict, inn: dict) -> int | None:
    """Runs the batting side needs to win in ``inn``, or None if it is not batting last."""
    if inn.get("revised_target"):
        return inn["revised_target"]["runs"]
    if inn["super_over"]:
        supers = [i for i in state["innings"] if i["super_over"]]
        position = supers.index(inn)
        return supers[position - 1]["runs"] + 1 if position % 2 == 1 else None
    main = _main(state)
    if len(main) != 2 * config.innings_per_side or main[-1] is not inn:
        return None
    own = sum(i["runs"] for i in main[:-1] if i["batting"] == inn["batting"])
    opponents = sum(i["runs"] for i in main if i["batting"] != inn["batting"])
    return opponents - own + 1


def _won(state: dict, winner: str, margin: int, unit: str, **extra) -> None:
    state["status"] = "completed"
    state["result"] = {"kind": "won", "winner": winner, "margin": margin, "unit": unit, **extra}


def _chase_result(config: MatchConfig, state: dict, chase: dict) -> bool:
    """Decide a finished chase; False if the chase ended without a result (rain, declaration)."""
    method = chase["revised_target"]["method"] if chase.get("revised_target") else None
    target = chase["target"]
    if chase["runs"] >= target:
        balls = max_balls(config, chase)
        _won(state, chase["batting"], max_wickets(config, chase) - chase["wickets"], "wickets",
             method=method,
             balls_remaining=None if balls is None else balls - balls_bowled(config, chase))
        return True
    if chase["closed"] not in ("all_out", "overs"):
        return False
    if chase["runs"] == target - 1:
        if (config.super_over or config.bowl_out) and config.innings_per_side == 1:
            # A super over is played, or a bowl-out decided off the scorecard (end_match).
            state["status"] = "innings_break"
        else:
            state["status"] = "completed"
            state["result"] = {"kind": "tie", "winner": None, "method": method}
        return True
    _won(state, chase["bowling"], target - 1 - chase["runs"], "runs", method=method)
    return True


def after_innings_closed(config: MatchConfig, state: dict) -> None:
    inn = state["innings"][-1]
    state["status"] = "innings_break"
    if inn["super_over"]:
        supers = [i for i in state["innings"] if i["super_over"]]
        if len(supers) % 2 == 1:
            return
        first, second = supers[-2], supers[-1]
        decided_by = "super_over"
        if first["runs"] == second["runs"]:
            if config.super_over_tie == "repeat":
                return  # tied again: another super over (or the scorer ends the match)
            winner = _boundary_count_winner(state, first, second) \
                if config.super_over_tie == "boundaries" else None
            decided_by = "boundary_count"
        else:
            winner = second["batting"] if second["runs"] > first["runs"] else first["batting"]
        state["status"] = "completed"
        state["result"] = {"kind": "tie", "winner": winner, "super_overs": len(supers) // 2}
        if winner is not None:
            state["result"]["decided_by"] = decided_by
        return
    main = _main(state)
    if inn["closed"] == "interrupted":
        return  # the scorer decides: resume with revised overs, or end the match
    if len(main) == 2 * config.innings_per_side:
        _chase_result(config, state, inn)
    elif config.innings_per_side == 2 and len(main) == 3:
        third = inn["batting"]
        own = sum(i["runs"] for i in main if i["batting"] == third)
        other = sum(i["runs"] for i in main if i["batting"] != third)
        if own < other:
            _won(state, config.other(third), other - own, "runs", innings=True)


def _boundary_count_winner(state: dict, first: dict, second: dict) -> str | None:
    """A tied super over under the 2009-2019 conditions: more boundaries in the match and the
    super over wins; then more in the super over; else the tie stands."""
    def boundaries(team: str, innings) -> int:
        return sum(inn["boundaries"] for inn in innings if inn["batting"] == team)

    for innings in (state["innings"], (first, second)):
        a, b = boundaries(first["batting"], innings), boundaries(second["batting"], innings)
        if a != b:
            return first["batting"] if a > b else second["batting"]
    return None


def result_text(config: MatchConfig, state: dict) -> str:
    result = state.get("result")
    if result is None:
        return ""
    kind = result["kind"]
    if kind == "abandoned":
        return "Match abandoned"
    if kind == "no_result":
        return "No result"
    if kind == "draw":
        return "Match drawn"
    if kind == "tie":
        if result.get("winner"):
            how = {"bowl_out": "won the bowl-out",
                   "boundary_count": "won on boundary count"}.get(result.get("decided_by"),
                                                                  "won the Super Over")
            return f"Match tied ({config.team(result['winner']).name} {how})"
        return "Match tied" + (f" ({result['method']} method)" if result.get("method") else "")
    name = config.team(result["winner"]).name
    if result.get("margin") is None:
        return f"{name} won ({(result.get('method') or 'awarded').lower()})"
    margin, unit = result["margin"], result["unit"]
    noun = unit if margin != 1 else unit[:-1]
    if result.get("innings"):
        text = f"{name} won by an innings and {margin} {noun}"
    else:
        text = f"{name} won by {margin} {noun}"
    if result.get("method"):
        text += f" ({result['method']} method)"
    return text


def end_match(config: MatchConfig, state: dict, action: dict) -> None:
    """The match ends other than by play: no result, abandoned, draw, or a stated result."""
    if state["status"] in ENDED:
        raise IllegalAction("The match has already ended.")
    result = _stated_result(config, action)  # validates before anything changes
    inn = current_innings(state)
    if inn is not None and not inn["closed"]:
        close_without_result(inn)
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
                         "balls": quota_from(config, par, "A par score")}
    return result


def close_without_result(inn: dict) -> None:
    inn["closed"] = "interrupted"
    if inn["partnership"] is not None:
        end_partnership(inn)
