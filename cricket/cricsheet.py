"""Cricsheet JSON <-> scoring actions, with no Django: used by the import/export commands and tests.

A ``CricsheetReplay`` turns a Cricsheet match into the actions a scorer would enter, feeding them
one at a time to an ``apply`` callable (the write service, or the bare engine in tests) and reading
back the state after each, because what a scorer must enter next (a new batter, the next bowler)
depends on the engine's state. It passes only what a scorer would know: who bowls the next over,
who comes in after a dismissal and at which end, revised targets, and the declared result of a
match ended by weather. Strike otherwise comes from the engine; where the file's striker differs,
the replay records a strike correction and counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cricket.engine import MatchConfig, Team
from cricket.engine.conditions import competition_for, conditions_for, follow_on_lead
from cricket.engine.state import ENDED, balls_bowled, current_innings

KIND_MAP = {
    "bowled": "bowled", "caught": "caught", "caught and bowled": "caught_and_bowled",
    "lbw": "lbw", "stumped": "stumped", "run out": "run_out", "hit wicket": "hit_wicket",
    "hit the ball twice": "hit_ball_twice", "obstructing the field": "obstructing_field",
    "handled the ball": "handled_ball", "timed out": "timed_out",
    "retired hurt": "retired_hurt", "retired not out": "retired_not_out",
    "retired out": "retired_out",
}
KIND_TO_CRICSHEET = {ours: theirs for theirs, ours in KIND_MAP.items()}
NOT_WICKETS = {"retired hurt", "retired not out"}
RETIREMENTS = ("retired_hurt", "retired_not_out", "retired_out")


def sides_from_cricsheet(data: dict) -> dict[str, dict[str, list[str]]]:
    """Each team's players (batting order as listed) and the substitutes who fielded for it."""
    squads = data["info"]["players"]
    everyone = {player for squad in squads.values() for player in squad}
    sides = {team: {"players": list(squads[team]), "substitutes": []} for team in squads}
    for inn in data["innings"]:
        fielding = next(team for team in squads if team != inn["team"])
        for over in inn.get("overs", []):
            for delivery in over["deliveries"]:
                for wicket in delivery.get("wickets", []):
                    for fielder in wicket.get("fielders", []):
                        name = fielder.get("name")
                        subs = sides[fielding]["substitutes"]
                        if name and name not in everyone and name not in subs:
                            subs.append(name)
    return sides


def competition_from_cricsheet(data: dict) -> str:
    info = data["info"]
    return competition_for(info.get("match_type", ""), info.get("event", {}).get("name", ""))


def format_from_cricsheet(data: dict, preset: dict | None = None) -> dict:
    """The match's playing conditions as ``Match`` fields: ``preset`` (staff's conditions in
    force; the engine's presets when none is given), with what the file itself shows was
    played (its overs, a super over, a bowl-out) taking precedence."""
    info = data["info"]
    overs = info.get("overs")
    fields = dict(preset) if preset is not None else conditions_for(
        competition_from_cricsheet(data), info["dates"][0])
    fields["balls_per_over"] = info.get("balls_per_over", 6)
    fields["players_per_side"] = 11
    if fields["innings_per_side"] == 1 and overs:
        fields["overs"] = overs
        fields["bowler_max_overs"] = max(1, overs // 5)
    if fields["innings_per_side"] == 2:
        fields["follow_on_lead"] = follow_on_lead(5 if info.get("match_type") == "Test" else 4)
    if any(innings_is_super_over(inn) for inn in data["innings"]):
        fields["super_over"] = True
    if "bowl_out" in info.get("outcome", {}):
        fields["bowl_out"] = True
    return fields


def config_from_cricsheet(data: dict) -> MatchConfig:
    """The engine config straight from the file, with Cricsheet names as ids (engine-only use)."""
    sides = sides_from_cricsheet(data)
    teams = tuple(
        Team(id=name, name=name, players=tuple(side["players"]),
             substitutes=tuple(side["substitutes"]))
        for name, side in sides.items()
    )
    names = {p: p for side in sides.values() for p in side["players"] + side["substitutes"]}
    return MatchConfig(teams=teams, batting_first=data["innings"][0]["team"], names=names,
                       **format_from_cricsheet(data))


def _boundary(delivery: dict, config: MatchConfig) -> bool:
    runs, extras = delivery["runs"], delivery.get("extras", {})
    if runs.get("non_boundary"):
        return False
    if runs["batter"] in (4, 6):
        return True
    if extras.get("byes") == 4 or extras.get("legbyes") == 4:
        return True
    return extras.get("wides", 0) - config.wide_runs == 4


@dataclass
class ReplayReport:
    strike_corrections: list[str] = field(default_factory=list)
    divergences: list[str] = field(default_factory=list)


class CricsheetReplay:
    def __init__(self, data: dict, apply: Callable[[dict], dict], *,
                 config: MatchConfig | None = None, ids: Callable[[str], str] = str,
                 team_ids: Callable[[str], str] = str):
        self.data = data
        self.apply = apply  # applies one action, returns the new state
        self.ids = ids  # Cricsheet player name -> engine player id
        self.team_ids = team_ids  # Cricsheet team name -> engine team id
        self.config = config or config_from_cricsheet(data)
        self.report = ReplayReport()
        self.state: dict = {}

    def _do(self, action: dict) -> dict:
        self.state = self.apply(action)
        return self.state

    def run(self) -> ReplayReport:
        innings = self.data["innings"]
        for number, inn in enumerate(innings):
            self._penalty(inn, "pre")
            self._innings(number, inn)
            self._absent_hurt(inn)
            self._close_unfinished_innings(number)
            self._penalty(inn, "post")
        self._finish()
        return self.report

    def _penalty(self, inn: dict, when: str) -> None:
        """Innings-level penalty runs: awarded to the side before its innings ("pre") or
        added to its innings after it closed ("post")."""
        runs = inn.get("penalty_runs", {}).get(when, 0)
        if not runs or self.state.get("status") in ENDED:
            return
        action = {"kind": "penalty", "team": self.team_ids(inn["team"]), "runs": runs}
        if when == "post":
            action["innings"] = current_innings(self.state)["number"]
        self._do(action)

    def _absent_hurt(self, inn: dict) -> None:
        current = current_innings(self.state)
        if current is None or current["closed"]:
            return
        for name in inn.get("absent_hurt", []):
            if self.ids(name) not in current["batters"]:
                self._do({"kind": "absent_hurt", "player": self.ids(name)})
                current = current_innings(self.state)
                if current["closed"]:
                    return

    def _revise_chase(self, number: int, inn: dict) -> None:
        """After the chase starts: the file's target or quota, where it differs from what the
        engine worked out, was revised (D/L, DLS) or the match was shortened."""
        target, current = inn.get("target"), current_innings(self.state)
        if not target or current["super_over"] or number == 0:
            return
        outcome = self.data["info"]["outcome"]
        balls = _overs_to_balls(target["overs"], self.config.balls_per_over)
        if outcome.get("winner") == inn["team"] and "runs" in outcome.get("by", {}):
            # Ahead of the D/L par score when play stopped: the file's "target" is that par,
            # not a target that ended the chase. The scorer enters the stated result instead.
            return
        if target["runs"] != current["target"]:
            whole, part = divmod(balls, self.config.balls_per_over)
            self._do({"kind": "revise_target", "runs": target["runs"], "overs": whole,
                      "balls": part, "method": outcome.get("method")})
        elif current["max_balls"] is not None and balls < current["max_balls"]:
            whole, part = divmod(balls, self.config.balls_per_over)
            self._do({"kind": "revise_overs", "overs": whole, "balls": part})

    def _start(self, number: int, batter: str, non_striker: str, bowler: str) -> None:
        main = [i for i in self.data["innings"][:number + 1] if not innings_is_super_over(i)]
        follow_on = (len(main) == 3 and not innings_is_super_over(self.data["innings"][number])
                     and main[2]["team"] == main[1]["team"])
        action = {"kind": "start_innings", "striker": batter, "non_striker": non_striker,
                  "bowler": bowler}
        if follow_on:
            action["follow_on"] = True
        self._do(action)
        self._revise_chase(number, self.data["innings"][number])

    def _innings(self, number: int, inn: dict) -> None:
        ids = self.ids
        started = False
        previous_over = None
        for over in inn.get("overs", []):
            for ball, delivery in enumerate(over["deliveries"]):
                batter, non_striker = ids(delivery["batter"]), ids(delivery["non_striker"])
                bowler = ids(delivery["bowler"])
                where = f"innings {number + 1}, over {over['over']}.{ball + 1}"
                if not started:
                    self._start(number, batter, non_striker, bowler)
                    started = True
                elif current_innings(self.state)["closed"] == "all_out":
                    self._do({"kind": "play_on"})  # the umpires let it go on
                elif self.state["status"] in ENDED:
                    self.report.divergences.append(f"{where}: the engine ended the match")
                    return
                self._umpires_over(over["over"] != previous_over)
                previous_over = over["over"]
                self._replacements(delivery)
                self._line_up(batter, non_striker, bowler, where)
                self._do(self._delivery_action(delivery))
                for wicket in delivery.get("wickets", []):
                    kind = KIND_MAP[wicket["kind"]]
                    if kind in RETIREMENTS:
                        self._do({"kind": "retire", "player": ids(wicket["player_out"]),
                                  "how": kind})
                    elif kind == "timed_out":  # Cricsheet hangs it on the ball before
                        self._do({"kind": "timed_out", "player": ids(wicket["player_out"])})

    def _umpires_over(self, new_over_in_file: bool) -> None:
        """Overs as the umpires called them: one called early ends here; one not called goes
        on (Cricsheet's ``miscounted_overs``)."""
        inn = current_innings(self.state)
        if inn is None or inn["closed"]:
            return
        if new_over_in_file and inn["over_balls"] > 0:
            self._do({"kind": "end_over"})
        elif not new_over_in_file and inn["over_balls"] == 0 and inn["bowler"] is None \
                and inn["last_over"] is not None and inn["this_over"] == []:
            self._do({"kind": "continue_over"})

    def _replacements(self, delivery: dict) -> None:
        """An injured batter replaced at the crease leaves it not out (retired hurt)."""
        inn = current_innings(self.state)
        for swap in delivery.get("replacements", {}).get("role", []):
            out = swap.get("out")
            if swap.get("role") == "batter" and out and \
                    self.ids(out) in (inn["striker"], inn["non_striker"]):
                self._do({"kind": "retire", "player": self.ids(out), "how": "retired_hurt",
                          "replaced_by": self.ids(swap["in"])})
                inn = current_innings(self.state)

    def _line_up(self, batter: str, non_striker: str, bowler: str, where: str) -> None:
        """Enter what a scorer would before this ball: new batters, bowler, strike."""
        inn = current_innings(self.state)
        wanted = {batter, non_striker}
        while self.state["needs"] == "new_batter":
            at_crease = {inn["striker"], inn["non_striker"]} - {None}
            incoming = sorted(wanted - at_crease)
            if not incoming:
                self.report.divergences.append(f"{where}: no new batter in the file")
                return
            player = incoming[0]
            # Only after a run out does the scorer say which end; otherwise the engine decides.
            on_strike = (player == batter) if self._last_out_was_run_out() else None
            self._do({"kind": "new_batter", "player": player, "on_strike": on_strike})
            inn = current_innings(self.state)
        if self.state["needs"] == "next_bowler":
            self._do({"kind": "next_bowler", "player": bowler})
        elif inn["bowler"] != bowler:
            self._do({"kind": "change_bowler", "player": bowler})
        inn = current_innings(self.state)
        if (inn["striker"], inn["non_striker"]) == (non_striker, batter):
            self.report.strike_corrections.append(where)
            self._do({"kind": "swap_strike"})
        elif (inn["striker"], inn["non_striker"]) != (batter, non_striker):
            self.report.divergences.append(
                f"{where}: engine has {inn['striker']} / {inn['non_striker']}, "
                f"file has {batter} / {non_striker}"
            )

    def _last_out_was_run_out(self) -> bool:
        inn = current_innings(self.state)
        if not inn["fall_of_wickets"]:
            return False
        out = inn["batters"][inn["fall_of_wickets"][-1]["player"]]["out"]
        return out["kind"] in ("run_out", "obstructing_field", "handled_ball")

    def _delivery_action(self, delivery: dict) -> dict:
        extras = {k: v for k, v in delivery.get("extras", {}).items() if v}
        wickets = [
            {"kind": KIND_MAP[w["kind"]], "player_out": self.ids(w["player_out"]),
             "fielders": [self.ids(f["name"]) for f in w.get("fielders", []) if "name" in f]}
            for w in delivery.get("wickets", [])
            if KIND_MAP[w["kind"]] not in (*RETIREMENTS, "timed_out")
        ]
        action = {"kind": "delivery", "runs": delivery["runs"]["batter"]}
        if extras:  # as a scorer sends it: no empty extras in the log
            action["extras"] = extras
        if _boundary(delivery, self.config):
            action["boundary"] = True
        if wickets:
            action["wickets"] = wickets
        return action

    def _close_unfinished_innings(self, number: int) -> None:
        """The file ended an innings the engine thinks is still going: overs were lost."""
        inn = current_innings(self.state)
        if inn is None or inn["closed"] or self.state["status"] in ENDED:
            return
        more_innings = number + 1 < len(self.data["innings"])
        squad = self.config.team(inn["batting"]).players
        if self.state["needs"] == "new_batter" and all(p in inn["batters"] for p in squad):
            # Everyone has batted and the retired hurt could not resume: all out.
            self._do({"kind": "end_innings", "how": "all_out"})
            return
        if self.data["innings"][number].get("declared"):
            self._do({"kind": "end_innings", "how": "declared"})
            return
        balls = balls_bowled(self.config, inn)
        if more_innings and balls % self.config.balls_per_over == 0 and balls:
            self._do({"kind": "revise_overs", "overs": balls // self.config.balls_per_over})
        elif more_innings:
            self._do({"kind": "end_innings", "how": "interrupted"})

    def _finish(self) -> None:
        if self.state.get("status") in ENDED:
            return
        outcome = self.data["info"]["outcome"]
        if outcome.get("result") == "no result":
            self._do({"kind": "end_match", "result": "no_result"})
        elif outcome.get("result") == "draw":
            self._do({"kind": "end_match", "result": "draw"})
        elif outcome.get("result") == "tie":
            action = {"kind": "end_match", "result": "tie", "method": outcome.get("method")}
            if "bowl_out" in outcome:
                action.update(winner=self.team_ids(outcome["bowl_out"]), decided_by="bowl_out")
            self._do(action)
        elif outcome.get("method") == "Awarded" and "by" not in outcome:
            self._do({"kind": "end_match", "result": "awarded",
                      "winner": self.team_ids(outcome["winner"])})
        elif "winner" in outcome:
            (unit, margin), = outcome["by"].items()
            action = {"kind": "end_match", "result": "won",
                      "winner": self.team_ids(outcome["winner"]), "margin": margin, "unit": unit,
                      "method": outcome.get("method")}
            par = self._par()
            if par:
                action["par"] = par
            self._do(action)

    def _par(self) -> dict | None:
        """A result declared on D/L with play stopped: the file's last target is par + 1."""
        if not self.data["info"]["outcome"].get("method"):
            return None
        main = [i for i in self.data["innings"] if not innings_is_super_over(i)]
        target = main[-1].get("target") if len(main) > 1 else None
        if not target:
            return None
        whole, part = divmod(_overs_to_balls(target["overs"], self.config.balls_per_over),
                             self.config.balls_per_over)
        return {"runs": target["runs"] - 1, "overs": whole, "balls": part}


def _overs_to_balls(overs: float | int, balls_per_over: int) -> int:
    """Cricsheet's overs (9.2 is nine overs and two balls) as balls, never rounded."""
    whole = int(overs)
    return whole * balls_per_over + round((overs - whole) * 10)


def innings_is_super_over(inn: dict) -> bool:
    return bool(inn.get("super_over"))


def expected_innings(data: dict) -> list[dict]:
    """Per-innings totals computed straight from the file, for comparison with the engine."""
    totals = []
    for inn in data["innings"]:
        runs = wickets = legal = 0
        extras = dict.fromkeys(("wides", "noballs", "byes", "legbyes", "penalty"), 0)
        for over in inn.get("overs", []):
            for delivery in over["deliveries"]:
                runs += delivery["runs"]["total"]
                for kind, value in delivery.get("extras", {}).items():
                    extras[kind] += value
                if not {"wides", "noballs"} & set(delivery.get("extras", {})):
                    legal += 1
                wickets += sum(1 for w in delivery.get("wickets", [])
                               if w["kind"] not in NOT_WICKETS)
        penalty = inn.get("penalty_runs", {})
        for when in ("pre", "post"):
            runs += penalty.get(when, 0)
            extras["penalty"] += penalty.get(when, 0)
        totals.append({"team": inn["team"], "runs": runs, "wickets": wickets,
                       "legal_balls": legal, "extras": extras,
                       "super_over": bool(inn.get("super_over"))})
    return totals


def expected_result(data: dict, team_ids: Callable[[str], str] = str) -> dict:
    """The file's ``info.outcome`` in the engine's result shape."""
    outcome = dict(data["info"]["outcome"])
    for key in ("winner", "eliminator", "bowl_out"):
        if key in outcome:
            outcome[key] = team_ids(outcome[key])
    if outcome.get("result") == "no result":
        return {"kind": "no_result"}
    if outcome.get("result") == "draw":
        return {"kind": "draw"}
    if outcome.get("result") == "tie":
        return {"kind": "tie", "winner": outcome.get("eliminator") or outcome.get("bowl_out"),
                "method": outcome.get("method")}
    if "by" not in outcome:  # awarded
        return {"kind": "won", "winner": outcome["winner"], "method": outcome.get("method")}
    if "innings" in outcome["by"]:
        return {"kind": "won", "winner": outcome["winner"], "innings": True,
                "margin": outcome["by"].get("runs"), "unit": "runs"}
    (unit, margin), = outcome["by"].items()
    return {"kind": "won", "winner": outcome["winner"], "margin": margin, "unit": unit,
            "method": outcome.get("method")}


def file_problems(data: dict) -> list[str]:
    """Where a file contradicts itself: a stated margin in runs that its own balls do not give
    (the engine scores the balls; the verdict names the file)."""
    outcome = data["info"]["outcome"]
    by = outcome.get("by", {})
    if "runs" not in by or outcome.get("method"):
        return []
    main = [inn for inn in expected_innings(data) if not inn["super_over"]]
    totals: dict[str, int] = {}
    for inn in main:
        totals[inn["team"]] = totals.get(inn["team"], 0) + inn["runs"]
    if len(totals) != 2 or outcome.get("winner") not in totals:
        return []
    loser = next(team for team in totals if team != outcome["winner"])
    implied = totals[outcome["winner"]] - totals[loser]
    target = [inn for inn in data["innings"] if not innings_is_super_over(inn)][-1].get("target")
    if target and main[-1]["team"] == loser:  # a chase falls short of its (revised) target
        implied = target["runs"] - 1 - main[-1]["runs"]
    if implied != by["runs"]:
        return [f"the file says {outcome['winner']} won by {by['runs']} runs, but its own balls "
                f"give {implied}"]
    return []


def compare(data: dict, state: dict, team_ids: Callable[[str], str] = str) -> list[str]:
    """Differences between the engine's final state and the file's totals and outcome (less
    what the file contradicts itself on: ``file_problems``)."""
    problems = []
    expected = expected_innings(data)
    if len(expected) != len(state["innings"]):
        problems.append(f"innings count: engine {len(state['innings'])}, file {len(expected)}")
    for number, (want, got) in enumerate(zip(expected, state["innings"], strict=False), 1):
        for key in ("runs", "wickets", "legal_balls", "extras", "super_over"):
            if want[key] != got[key]:
                problems.append(f"innings {number} {key}: engine {got[key]}, file {want[key]}")
    want_result = expected_result(data, team_ids)
    if file_problems(data):
        want_result.pop("margin", None)
    got = state.get("result") or {}
    for key, value in want_result.items():
        if got.get(key) != value:
            problems.append(f"result {key}: engine {got.get(key)!r}, file {value!r}")
    return problems


def _cricsheet_outcome(config: MatchConfig, result: dict | None) -> dict:
    if result is None:
        return {}
    kind = result["kind"]
    if kind in ("no_result", "abandoned"):
        return {"result": "no result"}
    if kind == "draw":
        return {"result": "draw"}
    if kind == "tie":
        outcome = {"result": "tie"}
        if result.get("winner"):
            key = "bowl_out" if result.get("decided_by") == "bowl_out" else "eliminator"
            outcome[key] = config.team(result["winner"]).name
        if result.get("method"):
            outcome["method"] = result["method"]
        return outcome
    outcome = {"winner": config.team(result["winner"]).name}
    if result.get("innings"):
        outcome["by"] = {"innings": 1, "runs": result["margin"]}
    elif result.get("margin") is not None:  # an awarded match has none
        outcome["by"] = {result["unit"]: result["margin"]}
    if result.get("method"):
        outcome["method"] = result["method"]
    return outcome


def to_cricsheet(config: MatchConfig, actions: list[dict], info: dict) -> dict:
    """Cricsheet JSON for a match from the actions in effect (the inverse of the replay).

    ``info`` carries what the log does not know (dates, venue, event, toss); teams, players,
    overs and the outcome come from the config and the folded state.
    """
    from cricket.engine import apply_in_place, new_state

    name = config.name
    state = new_state()
    innings: list[dict] = []
    last_delivery: dict | None = None
    replacement: dict | None = None  # an injured batter replaced at the crease: on the next ball
    for action in actions:
        kind = action["kind"]
        inn = current_innings(state)
        if kind == "retire" and action.get("replaced_by"):
            replacement = {"role": [{"in": name(action["replaced_by"]),
                                     "out": name(action["player"]), "reason": "injury",
                                     "role": "batter"}]}
        if kind == "delivery":
            over_number = inn["overs_done"]  # as the umpires called them
            current = innings[-1]
            if not current["overs"] or current["overs"][-1]["over"] != over_number:
                current["overs"].append({"over": over_number, "deliveries": []})
            extras = {k: v for k, v in (action.get("extras") or {}).items() if v}
            runs_bat = action.get("runs", 0)
            delivery = {
                "batter": name(inn["striker"]), "bowler": name(inn["bowler"]),
                "non_striker": name(inn["non_striker"]),
                "runs": {"batter": runs_bat, "extras": sum(extras.values()),
                         "total": runs_bat + sum(extras.values())},
            }
            if runs_bat in (4, 6) and not action.get("boundary"):
                delivery["runs"]["non_boundary"] = True
            if extras:
                delivery["extras"] = extras
            wickets = [
                {"kind": KIND_TO_CRICSHEET[w["kind"]], "player_out": name(w["player_out"]),
                 **({"fielders": [{"name": name(f)} for f in w["fielders"]]}
                    if w.get("fielders") else {})}
                for w in action.get("wickets") or []
            ]
            if wickets:
                delivery["wickets"] = wickets
            if replacement:
                delivery["replacements"], replacement = replacement, None
            current["overs"][-1]["deliveries"].append(delivery)
            last_delivery = delivery
        elif kind in ("retire", "timed_out") and last_delivery is not None \
                and not action.get("replaced_by"):  # Cricsheet hangs these on the last ball
            how = action["how"] if kind == "retire" else "timed_out"
            last_delivery.setdefault("wickets", []).append(
                {"kind": KIND_TO_CRICSHEET[how], "player_out": name(action["player"])})
        elif kind == "penalty" and action.get("innings"):
            penalties = innings[action["innings"] - 1].setdefault("penalty_runs", {})
            penalties["post"] = penalties.get("post", 0) + action["runs"]
        pending = dict(state["pending_penalties"])
        apply_in_place(config, state, action)
        if kind == "start_innings":
            started = current_innings(state)
            entry = {"team": config.team(started["batting"]).name, "overs": []}
            if started["super_over"]:
                entry["super_over"] = True
            if pending.get(started["batting"]):
                entry["penalty_runs"] = {"pre": pending[started["batting"]]}
            innings.append(entry)
            last_delivery = None
    par = (state["result"] or {}).get("par")
    for entry, inn in zip(innings, state["innings"], strict=False):
        if inn.get("target") is not None and not inn["super_over"] and inn["max_balls"]:
            # A result declared on D/L par when play stopped: Cricsheet's target is par + 1.
            runs, balls = (par["runs"] + 1, par["balls"]) if par else \
                (inn["target"], inn["max_balls"])
            overs, part = divmod(balls, config.balls_per_over)
            entry["target"] = {"runs": runs, "overs": float(f"{overs}.{part}") if part else overs}
        if inn["closed"] == "declared":
            entry["declared"] = True
        if inn.get("absent"):
            entry["absent_hurt"] = [name(p) for p in inn["absent"]]
    players = {team.name: [name(p) for p in team.players] for team in config.teams}
    return {
        "meta": {"data_version": "1.1.0", "created_by": "scorekeeper"},
        "info": {
            **info,
            "balls_per_over": config.balls_per_over, "overs": config.overs,
            "teams": [team.name for team in config.teams], "players": players,
            "outcome": _cricsheet_outcome(config, state["result"]),
        },
        "innings": innings,
    }
