"""Standings and player figures computed straight from Cricsheet files, with none of the
product's code: what the leaderboards must equal.

Conventions (ICC playing conditions): super overs count in no one's figures and a tie decided by
one is a win for its winner; net run rate leaves no-result matches out, charges a side bowled
out its full quota, and credits the side batting first with the second innings' target less one
off the target's overs (which, unrevised, is its own score off its own overs or the quota).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

BOWLER_WICKETS = {"bowled", "caught", "caught and bowled", "lbw", "stumped", "hit wicket"}
NOT_OUT = {"retired hurt", "retired not out"}


def _main_innings(data):
    return [inn for inn in data["innings"] if not inn.get("super_over")]


def _deliveries(inn):
    for over in inn.get("overs", []):
        for d in over["deliveries"]:
            yield over["over"], d


def _legal(d) -> bool:
    return not ({"wides", "noballs"} & set(d.get("extras", {})))


def _innings_totals(inn):
    runs = sum(d["runs"]["total"] for _, d in _deliveries(inn))
    runs += sum(inn.get("penalty_runs", {}).values())
    wickets = sum(1 for _, d in _deliveries(inn) for w in d.get("wickets", [])
                  if w["kind"] not in NOT_OUT)
    balls = sum(1 for _, d in _deliveries(inn) if _legal(d))
    return runs, wickets, balls


def compute(files: list[Path]) -> dict:
    """{(event, season): {"teams": {...}, "batting": {...}, "bowling": {...}}} plus "all"."""
    boards: dict = defaultdict(lambda: {
        "teams": defaultdict(lambda: defaultdict(float)),
        "batting": defaultdict(lambda: defaultdict(int)),
        "bowling": defaultdict(lambda: defaultdict(int)),
        "batting_innings": defaultdict(list), "bowling_innings": defaultdict(list)})
    for path in files:
        data = json.loads(path.read_text())
        info = data["info"]
        people = info.get("registry", {}).get("people", {})
        scopes = [(info["event"]["name"], str(info["season"])), "all"]
        outcome = info["outcome"]
        a, b = info["teams"]
        if "winner" in outcome or "eliminator" in outcome:
            winner = outcome.get("winner") or outcome["eliminator"]
            results = {winner: "won", (b if winner == a else a): "lost"}
        elif outcome.get("result") == "tie":
            results = {a: "tied", b: "tied"}
        else:
            results = {a: "no_result", b: "no_result"}
        main = _main_innings(data)
        nrr = None
        if results[a] != "no_result":
            overs = info["overs"]
            (r1, w1, b1), (r2, w2, b2) = _innings_totals(main[0]), _innings_totals(main[1])
            target = main[1].get("target")
            quota2 = (target or {}).get("overs", overs) * 6
            first = ((target["runs"] - 1, target["overs"] * 6) if target
                     else (r1, overs * 6 if w1 == 10 else b1))
            second = (r2, quota2 if w2 == 10 else b2)
            nrr = {main[0]["team"]: (first, second), main[1]["team"]: (second, first)}
        # Knockout matches (a final, an eliminator) are not in the points table.
        for scope in [] if info["event"].get("stage") else scopes:
            board = boards[scope]
            for team in (a, b):
                row = board["teams"][team]
                row["played"] += 1
                row[results[team]] += 1
                if nrr:
                    (rf, bf), (ra, ba) = nrr[team]
                    row["runs_for"] += rf
                    row["balls_for"] += bf
                    row["runs_against"] += ra
                    row["balls_against"] += ba
        for inn in main:
            batted, bowled = {}, defaultdict(lambda: defaultdict(int))
            over_runs = defaultdict(lambda: defaultdict(int))
            over_balls = defaultdict(lambda: defaultdict(int))
            for over, d in _deliveries(inn):
                for name in (d["batter"], d["non_striker"]):
                    batted.setdefault(name, {"runs": 0, "balls": 0, "fours": 0, "sixes": 0,
                                             "out": False})
                bat = batted[d["batter"]]
                extras = d.get("extras", {})
                bat["runs"] += d["runs"]["batter"]
                if "wides" not in extras:
                    bat["balls"] += 1
                if not d["runs"].get("non_boundary"):
                    bat["fours"] += d["runs"]["batter"] == 4
                    bat["sixes"] += d["runs"]["batter"] == 6
                for w in d.get("wickets", []):
                    batted.setdefault(w["player_out"], {"runs": 0, "balls": 0, "fours": 0,
                                                        "sixes": 0, "out": False})
                    if w["kind"] not in NOT_OUT:
                        batted[w["player_out"]]["out"] = True
                bowler = bowled[d["bowler"]]
                conceded = d["runs"]["batter"] + extras.get("wides", 0) + extras.get("noballs", 0)
                bowler["runs"] += conceded
                bowler["balls"] += _legal(d)
                bowler["wickets"] += sum(1 for w in d.get("wickets", [])
                                         if w["kind"] in BOWLER_WICKETS)
                over_runs[d["bowler"]][over] += conceded
                over_balls[d["bowler"]][over] += _legal(d)
            for name, overs in over_runs.items():
                bowled[name]["maidens"] = sum(
                    1 for over, runs in overs.items()
                    if runs == 0 and over_balls[name][over] == 6)
            for scope in scopes:
                board = boards[scope]
                for name, bat in batted.items():
                    row = board["batting"][people[name]]
                    row["innings"] += 1
                    row["not_outs"] += not bat["out"]
                    for key in ("runs", "balls", "fours", "sixes"):
                        row[key] += bat[key]
                    row["fifties"] += 50 <= bat["runs"] < 100
                    row["hundreds"] += bat["runs"] >= 100
                    board["batting_innings"][people[name]].append((bat["runs"], not bat["out"]))
                for name, bowl in bowled.items():
                    row = board["bowling"][people[name]]
                    row["innings"] += 1
                    for key in ("balls", "runs", "wickets", "maidens"):
                        row[key] += bowl[key]
                    board["bowling_innings"][people[name]].append((bowl["wickets"], bowl["runs"]))
    for board in boards.values():
        for row in board["teams"].values():
            row["points"] = 2 * row["won"] + row["tied"] + row["no_result"]
            row["nrr"] = (row["runs_for"] / (row["balls_for"] / 6)
                          - row["runs_against"] / (row["balls_against"] / 6)
                          if row["balls_for"] and row["balls_against"] else None)
        for ident, innings in board["batting_innings"].items():
            best = max(innings, key=lambda item: (item[0], item[1]))
            board["batting"][ident]["highest"] = best[0]
            board["batting"][ident]["highest_not_out"] = best[1]
        for ident, innings in board["bowling_innings"].items():
            best = max(innings, key=lambda item: (item[0], -item[1]))
            board["bowling"][ident]["best"] = best
    return boards
