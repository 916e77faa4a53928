"""Playing conditions by competition and era, and what the umpires allowed: recorded, warned."""

import copy
import json

import pytest

from cricket.cricsheet import CricsheetReplay
from cricket.engine import IllegalAction, apply_in_place, new_state, result_text
from cricket.engine.conditions import conditions_for, follow_on_lead, preset_for
from tests.games.builders import Scorer, config
from tests.games.test_engine_replay import DEV_FILES, FILES


def test_presets_follow_the_date_of_each_change():
    assert conditions_for("t20i", "2006-02-16")["bowl_out"] is True
    assert conditions_for("t20i", "2006-02-16")["free_hit"] == "none"
    assert conditions_for("t20i", "2010-02-28")["super_over"] is True
    assert conditions_for("t20i", "2010-02-28")["free_hit"] == "front_foot"
    assert conditions_for("t20i", "2010-02-28")["super_over_tie"] == "boundaries"
    assert conditions_for("t20i", "2021-04-24")["free_hit"] == "all"
    assert conditions_for("t20i", "2021-04-24")["super_over_tie"] == "repeat"
    assert conditions_for("odi", "2007-05-12")["free_hit"] == "none"
    assert conditions_for("odi", "2019-07-14")["super_over"] is False  # bilateral ties stand
    assert conditions_for("ipl", "2018-04-09")["super_over_tie"] == "boundaries"
    assert conditions_for("ipl", "2020-10-18")["super_over_tie"] == "repeat"
    test = conditions_for("test", "2016-10-08")
    assert test["overs"] is None and test["bowler_max_overs"] is None
    assert test["new_batter_on_strike_after_catch"] is False
    assert conditions_for("test", "2023-06-16")["new_batter_on_strike_after_catch"] is True
    assert conditions_for("odi", "2020-01-01")["bowler_max_overs"] == 10
    assert conditions_for("t20i", "2020-01-01")["bowler_max_overs"] == 4
    assert preset_for("ipl", "2008-04-18").valid_from == "2008-01-01"
    assert [follow_on_lead(d) for d in (5, 4, 3, 2, 1)] == [200, 150, 150, 100, 75]


def test_free_hit_policies():
    none = Scorer(config(free_hit="none")).start().ball(extras={"noballs": 1})
    assert none.state["free_hit"] is False
    front = Scorer(config(free_hit="front_foot")).start()
    front.ball(extras={"noballs": 1}, noball_reason="other")
    assert front.state["free_hit"] is False
    front.ball(extras={"noballs": 1})
    assert front.state["free_hit"] is True
    front.out("bowled")  # the umpire gave it: so that no-ball was not a front-foot one
    assert "not a front-foot one" in front.state["warnings"][0]
    every = Scorer(config(free_hit="all")).start().ball(extras={"noballs": 1})
    every.out("bowled")
    assert "free hit" in every.state["warnings"][0]
    assert every.inn["wickets"] == 1
    # Stored configs from before conditions were data keep working.
    assert config(free_hit=True).free_hit == "all" and config(free_hit=False).free_hit == "none"


def test_umpire_miscounted_overs_stand_as_bowled():
    s = Scorer(config(overs=2)).start().balls(1, 1, 1, 1, 1)
    s.do("end_over")  # called after five balls
    assert "after 5 balls" in s.state["warnings"][0]
    assert (s.inn["overs_done"], s.inn["over_balls"], s.state["needs"]) == (1, 0, "next_bowler")
    s.do("next_bowler", player="b2").over(0)
    s.do("continue_over")  # not called after six: a seventh ball in the same over
    assert s.inn["bowler"] == "b2" and s.inn["overs_done"] == 1 and s.inn["over_balls"] == 6
    s.ball(0)
    assert s.inn["closed"] == "overs" and s.inn["legal_balls"] == 12
    assert s.inn["bowlers"]["b2"]["maidens"] == 1 and s.inn["bowlers"]["b2"]["balls"] == 7


def test_second_super_over_the_side_batting_second_bats_first_and_boundary_count_back():
    def tied_match(**options):
        s = Scorer(config(overs=1, **options)).start().over(1)
        s.start(striker="b1", non_striker="b2", bowler="a1").balls(4, 0, 0, 0, 1, 1)
        return s
    repeat = tied_match(super_over_tie="repeat")
    assert repeat.state["status"] == "innings_break"
    repeat.start(striker="b1", non_striker="b2", bowler="a1").balls(1, 1, 1, 1, 1, 1)
    repeat.start(striker="a1", non_striker="a2", bowler="b1").balls(1, 1, 1, 1, 1, 1)
    assert repeat.state["status"] == "innings_break"  # tied again: another super over
    with pytest.raises(IllegalAction, match="Alpha must bat"):
        apply_in_place(repeat.config, copy.deepcopy(repeat.state),
                       {"kind": "start_innings", "batting": "B", "striker": "b1",
                        "non_striker": "b2", "bowler": "a1"})
    repeat.start(striker="a1", non_striker="a2", bowler="b2").balls(6, 0, 0, 0, 0, 0)
    repeat.start(striker="b1", non_striker="b2", bowler="a2").balls(1, 0, 0, 0, 0, 0)
    assert repeat.state["result"]["winner"] == "A" and repeat.state["result"]["super_overs"] == 2
    boundaries = tied_match(super_over_tie="boundaries")
    boundaries.start(striker="b1", non_striker="b2", bowler="a1").balls(4, 0, 0, 0, 0, 0)
    boundaries.start(striker="a1", non_striker="a2", bowler="b1").balls(1, 1, 1, 1, 0, 0)
    assert boundaries.state["result"] == {"kind": "tie", "winner": "B", "super_overs": 1,
                                          "decided_by": "boundary_count"}
    assert "boundary count" in result_text(boundaries.config, boundaries.state)


def test_bowl_out_and_awarded_results():
    s = Scorer(config(overs=1, super_over=False, bowl_out=True)).start().over(1)
    s.start(striker="b1", non_striker="b2", bowler="a1").over(1)
    assert s.state["status"] == "innings_break"  # tied: a bowl-out decides it
    s.do("end_match", result="tie", winner="B", decided_by="bowl_out")
    assert result_text(s.config, s.state) == "Match tied (Bravo won the bowl-out)"
    awarded = Scorer().start().ball(1).do("end_match", result="awarded", winner="A")
    assert awarded.state["result"]["method"] == "Awarded"
    assert result_text(awarded.config, awarded.state) == "Alpha won (awarded)"


def test_absent_hurt_makes_the_side_all_out():
    s = Scorer(config(players=4, overs=5)).start()
    s.out("bowled").do("new_batter", player="a3").out("bowled")
    s.do("absent_hurt", player="a4")
    assert s.inn["closed"] == "all_out" and s.inn["wickets"] == 2 and s.inn["absent"] == ["a4"]


def test_revised_quota_in_overs_and_balls_is_never_rounded():
    s = Scorer().start().over(1, bowler="b2")
    s.do("revise_overs", overs=9, balls=2)
    assert s.inn["max_overs"] == "9.2" and s.inn["max_balls"] == 56
    with pytest.raises(IllegalAction, match="balls must be 0 to 5"):
        apply_in_place(s.config, copy.deepcopy(s.state),
                       {"kind": "revise_overs", "overs": 9, "balls": 6})


def test_a_match_shortened_before_play_is_not_a_revised_target():
    s = Scorer().do("revise_overs", overs=16).start()
    assert s.inn["max_balls"] == 96
    s.over(1, bowler="b2")
    s.do("end_innings", how="all_out")
    s.start(striker="b1", non_striker="b2", bowler="a1")
    assert s.inn["max_overs"] == 16 and s.inn["revised_target"] is None


def test_penalty_runs_after_an_innings_closed_and_in_fives():
    s = Scorer(config(overs=1)).start().over(1)
    s.do("penalty", team="A", runs=5, innings=1)
    assert s.state["innings"][0]["runs"] == 11
    s.start(striker="b1", non_striker="b2", bowler="a1")
    assert s.inn["target"] == 12
    with pytest.raises(IllegalAction, match="fives"):
        apply_in_place(s.config, copy.deepcopy(s.state),
                       {"kind": "penalty", "team": "A", "runs": 7})


def test_play_on_after_the_last_wicket_of_a_super_over():
    s = Scorer(config(overs=1)).start().over(1)
    s.start(striker="b1", non_striker="b2", bowler="a1").balls(4, 0, 0, 0, 1, 1)
    s.start(striker="b1", non_striker="b2", bowler="a1").out("bowled")
    s.do("new_batter", player="b3").out("bowled")
    assert s.inn["closed"] == "all_out"
    s.do("play_on")
    assert s.inn["closed"] is None and "went on" in s.state["warnings"][0]
    s.do("new_batter", player="b4").ball(4, boundary=True)
    assert s.inn["runs"] == 4


def test_a_refused_action_never_changes_the_state_anywhere_in_a_real_match():
    """Replays real matches and, before every delivery, tries actions that must be refused,
    in place: each must leave the state exactly as it was (a fold that mutated before refusing
    would fail here)."""
    refused = [
        {"kind": "delivery", "runs": 1, "wickets": [{"kind": "bowled", "player_out": "zz"}]},
        {"kind": "delivery", "runs": 101},
        {"kind": "delivery", "extras": {"wides": 1, "noballs": 1}},
        {"kind": "delivery", "runs": 2, "wickets": [{"kind": "caught", "player_out": None}]},
        {"kind": "delivery", "runs": 3, "boundary": True},
        {"kind": "new_batter", "player": "nobody"},
        {"kind": "penalty", "team": "nobody"},
        {"kind": "revise_target", "runs": -5, "overs": 5},
        {"kind": "end_match", "result": "won", "winner": "nobody", "margin": 1, "unit": "runs"},
    ]
    checked = 0
    for path in (FILES[:2] + DEV_FILES[::20]):
        data = json.loads(path.read_text())
        holder = {}
        state = {}

        def apply(action, holder=holder, state=state, path=path):
            config = holder["r"].config
            if action["kind"] == "delivery" and state:
                for bad in refused:
                    before = copy.deepcopy(state)
                    with pytest.raises(IllegalAction):
                        apply_in_place(config, state, bad)
                    assert state == before, (path.name, bad)
            if not state:
                state.update(holder["new"]())
            apply_in_place(config, state, action)
            return state

        holder["new"] = new_state
        holder["r"] = CricsheetReplay(data, apply)
        holder["r"].run()
        checked += 1
    assert checked >= 6
