"""Derived views of a match state, each computed here and nowhere else.

Batting and bowling cards, extras, fall of wickets, partnerships, this over, who is on, run rates,
target and result text. Everything is derived from the folded state; nothing is stored twice.
"""

from __future__ import annotations

from . import laws
from .config import MatchConfig
from .result import result_text
from .state import balls_bowled, innings_overs, max_balls, overs_text


def _rate(runs: int, balls: int, per: int) -> float | None:
    """Runs per ``per`` balls to two places, half up, in whole numbers (7 off 16 balls is 2.63,
    where ``round`` would give 2.62): the pad's model rounds the same way
    (static/js/pad_model.js)."""
    return (200 * runs * per + balls) // (2 * balls) / 100 if balls else None


def how_out(config: MatchConfig, out: dict | None) -> str:
    if out is None:
        return "not out"
    kind, bowler = out["kind"], config.name(out.get("bowler"))
    fielders = [config.name(f) for f in out.get("fielders") or []]
    if kind == "caught":
        return f"c {fielders[0] if fielders else '?'} b {bowler}"
    if kind == "caught_and_bowled":
        return f"c & b {bowler}"
    if kind == "stumped":
        return f"st {fielders[0] if fielders else '?'} b {bowler}"
    if kind == "bowled":
        return f"b {bowler}"
    if kind in ("lbw", "hit_wicket"):
        return f"{laws.LABELS[kind]} b {bowler}"
    if kind == "run_out":
        return f"run out ({' / '.join(fielders)})" if fielders else "run out"
    return laws.LABELS.get(kind, kind)


def batting_card(config: MatchConfig, inn: dict) -> list[dict]:
    rows = []
    for player, card in sorted(inn["batters"].items(), key=lambda item: item[1]["position"]):
        rows.append({
            "player": player, "name": config.name(player), "runs": card["runs"],
            "balls": card["balls"], "fours": card["fours"], "sixes": card["sixes"],
            "strike_rate": _rate(card["runs"], card["balls"], 100),
            "how_out": how_out(config, card["out"]),
            "out": card["out"] is not None and card["out"]["kind"] not in (
                "retired_hurt", "retired_not_out"),
            "at_crease": player in (inn["striker"], inn["non_striker"]),
            "on_strike": player == inn["striker"],
        })
    return rows


def bowling_card(config: MatchConfig, inn: dict) -> list[dict]:
    bpo = config.balls_per_over
    rows = []
    for player, card in sorted(inn["bowlers"].items(), key=lambda item: item[1]["position"]):
        if not card["balls"] and not card["wides"] and not card["noballs"]:
            continue  # named for an over not yet started
        rows.append({
            "player": player, "name": config.name(player), "overs": overs_text(card["balls"], bpo),
            "maidens": card["maidens"], "runs": card["runs"], "wickets": card["wickets"],
            "economy": _rate(card["runs"], card["balls"], bpo), "wides": card["wides"],
            "noballs": card["noballs"], "dots": card["dots"], "balls": card["balls"],
        })
    return rows


def innings_summary(config: MatchConfig, inn: dict) -> dict:
    """The short form of an innings, as the API and the scoreboard show it."""
    bpo = config.balls_per_over
    balls_left = None
    limit = max_balls(config, inn)
    if limit is not None:
        balls_left = max(0, limit - balls_bowled(config, inn))
    needed = None if inn.get("target") is None else max(0, inn["target"] - inn["runs"])
    return {
        "number": inn["number"], "batting": inn["batting"],
        "batting_name": config.team(inn["batting"]).name, "bowling": inn["bowling"],
        "runs": inn["runs"], "wickets": inn["wickets"], "legal_balls": inn["legal_balls"],
        "overs": innings_overs(inn), "max_overs": inn["max_overs"],
        "extras": dict(inn["extras"]), "extras_total": sum(inn["extras"].values()),
        "target": inn.get("target"), "revised_target": inn.get("revised_target"),
        "super_over": inn["super_over"], "follow_on": inn.get("follow_on", False),
        "closed": inn["closed"],
        "run_rate": _rate(inn["runs"], inn["legal_balls"], bpo),
        "required_rate": _rate(needed, balls_left, bpo) if needed is not None else None,
        "runs_needed": needed, "balls_left": balls_left,
    }


def current_view(config: MatchConfig, inn: dict) -> dict:
    """Who is on and what has happened this over: the live part of the scoreboard."""
    def batter(player):
        if player is None:
            return None
        card = inn["batters"][player]
        return {"player": player, "name": config.name(player), "runs": card["runs"],
                "balls": card["balls"]}

    bowler = None
    if inn["bowler"]:
        card = inn["bowlers"][inn["bowler"]]
        bowler = {"player": inn["bowler"], "name": config.name(inn["bowler"]),
                  "overs": overs_text(card["balls"], config.balls_per_over),
                  "runs": card["runs"], "wickets": card["wickets"], "maidens": card["maidens"]}
    partnership = inn.get("partnership")
    return {
        "striker": batter(inn["striker"]), "non_striker": batter(inn["non_striker"]),
        "bowler": bowler, "this_over": list(inn["this_over"]),
        "recent_balls": list(inn["recent_balls"]),
        "partnership": None if partnership is None else {
            "runs": partnership["runs"], "balls": partnership["balls"]},
    }


def scorecard(config: MatchConfig, state: dict, *, skip_innings: int = 0) -> dict:
    """The full scorecard: every innings with its cards, plus the result.

    An innings' card depends only on the conditions and that innings' state; ``skip_innings``
    leaves out the first ones, for a caller that already has their cards (realtime's delta,
    which rebuilds only the innings an action changed).
    """
    innings = []
    for inn in state["innings"][skip_innings:]:
        summary = innings_summary(config, inn)
        summary.update(
            batting_card=batting_card(config, inn),
            bowling_card=bowling_card(config, inn),
            fall_of_wickets=[
                {**fow, "name": config.name(fow["player"])} for fow in inn["fall_of_wickets"]
            ],
            partnerships=[
                {"wicket": p["wicket"], "runs": p["runs"], "balls": p["balls"],
                 "batters": [config.name(b) for b in p["batters"]]}
                for p in inn["partnerships"] + ([inn["partnership"]] if inn["partnership"] else [])
            ],
            yet_to_bat=[
                config.name(p) for p in config.team(inn["batting"]).players
                if p not in inn["batters"]
            ],
        )
        summary.update(current_view(config, inn))
        innings.append(summary)
    return {
        "status": state["status"], "needs": state["needs"], "free_hit": state["free_hit"],
        "warnings": list(state.get("warnings", ())),
        "innings": innings, "result": state["result"], "result_text": result_text(config, state),
    }
