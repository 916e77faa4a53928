"""What one completed match contributes to the boards: pure, from the engine's scorecard.

The Laws live in the engine; here only the ICC's standings conventions are applied:
- a tie decided by a super over is a win for its winner; super overs count in no one's figures;
- net run rate: runs per over scored minus runs per over conceded, over the season. A side bowled
  out is charged its full quota of overs (the innings' quota, i.e. the revised one in a
  rain-reduced match). When the side batting second had a revised target, the side batting first
  is credited with one run fewer than that target off the revised overs; when a result was
  declared on the par score (play stopped), with the par off the overs the second side faced.
  No-result (and abandoned) matches are left out of net run rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cricket.engine import MatchConfig
from cricket.engine.scorecard import scorecard
from cricket.engine.state import ENDED, innings_over_by_wickets


@dataclass
class Contribution:
    teams: list[dict] = field(default_factory=list)
    batting: list[dict] = field(default_factory=list)
    bowling: list[dict] = field(default_factory=list)


def format_key(config: MatchConfig) -> str:
    """The format a match counts under on the global boards."""
    if config.innings_per_side == 2:
        return "multi-day"
    if config.overs == 20:
        return "T20"
    if config.overs == 50:
        return "ODI"
    return f"{config.overs}-over" if config.overs else "unlimited"


def _results(config: MatchConfig, result: dict | None) -> dict[str, str]:
    a, b = (team.id for team in config.teams)
    kind = (result or {}).get("kind")
    if kind == "won" or (kind == "tie" and result.get("winner")):
        winner = result["winner"]
        return {winner: "won", config.other(winner): "lost"}
    if kind == "tie":
        return {a: "tied", b: "tied"}
    if kind == "draw":
        return {a: "drawn", b: "drawn"}
    return {a: "no_result", b: "no_result"}


def _nrr_figures(config: MatchConfig, state: dict) -> dict[str, tuple[int, int]] | None:
    """(runs, balls) each side is credited with for net run rate, or None if excluded."""
    main = [inn for inn in state["innings"] if not inn["super_over"]]
    result = state["result"] or {}
    if (config.innings_per_side != 1 or config.overs is None or len(main) != 2
            or result.get("kind") in (None, "no_result", "abandoned", "draw")
            or result.get("method") == "Awarded"):  # not played out: no run rate to count
        return None
    bpo = config.balls_per_over
    first, second = main
    figures = {}
    for inn in main:
        quota = inn["max_balls"] or config.overs * bpo
        # All out (absent hurt included) counts the full quota (ICC playing conditions).
        all_out = inn["closed"] == "all_out" or innings_over_by_wickets(config, inn)
        figures[inn["batting"]] = (inn["runs"], quota if all_out else inn["legal_balls"])
    revised = second.get("revised_target")
    par = result.get("par")
    if revised:  # exact revised overs: 9.2 is 56 balls, never rounded up
        figures[first["batting"]] = (revised["runs"] - 1, revised["balls"])
    elif par:
        figures[first["batting"]] = (par["runs"], par["balls"])
    return figures


def match_contribution(config: MatchConfig, state: dict, *, meta: dict,
                       knockout: bool = False) -> Contribution:
    """Rows for a completed (or abandoned) match; nothing for a match still in play.

    ``meta``: ``match_id``, ``tournament_id``, ``season``, ``format`` copied onto every row.
    A ``knockout`` match (a final, an eliminator) counts in players' figures but not in the
    points table or net run rate, as in every league's official table.
    """
    out = Contribution()
    if state.get("status") not in ENDED:
        return out
    results = _results(config, state.get("result"))
    nrr = _nrr_figures(config, state)
    bpo = config.balls_per_over
    for team in () if knockout else config.teams:
        other = config.other(team.id)
        row = {**meta, "team_id": int(team.id), "balls_per_over": bpo,
               **{k: 0 for k in ("won", "lost", "tied", "drawn", "no_result")}}
        row[results[team.id]] = 1
        if nrr is not None:
            (runs_for, balls_for), (runs_against, balls_against) = nrr[team.id], nrr[other]
            row.update(nrr_included=True, runs_for=runs_for, balls_for=balls_for,
                       runs_against=runs_against, balls_against=balls_against)
        else:
            row.update(nrr_included=False, runs_for=0, balls_for=0, runs_against=0,
                       balls_against=0)
        out.teams.append(row)
    for inn in scorecard(config, state)["innings"]:
        if inn["super_over"]:
            continue
        for card in inn["batting_card"]:
            out.batting.append({
                **meta, "team_id": int(inn["batting"]), "player_id": int(card["player"]),
                "innings": inn["number"], "runs": card["runs"], "balls": card["balls"],
                "fours": card["fours"], "sixes": card["sixes"], "out": card["out"]})
        for card in inn["bowling_card"]:
            out.bowling.append({
                **meta, "team_id": int(inn["bowling"]), "player_id": int(card["player"]),
                "innings": inn["number"], "balls": card["balls"], "balls_per_over": bpo,
                "maidens": card["maidens"], "runs": card["runs"], "wickets": card["wickets"]})
    return out
