"""The Laws, one at a time, on the bare engine."""

import copy

import pytest

from cricket.engine import (
    IllegalAction,
    apply_in_place,
    effective_actions,
    fold,
    result_text,
)
from cricket.engine.scorecard import batting_card, bowling_card, scorecard
from tests.games.builders import Scorer, config


def test_runs_off_the_bat_rotate_strike_on_odd_runs_and_at_over_end():
    s = Scorer().start()
    s.ball(1)
    assert s.inn["striker"] == "a2"
    s.ball(2)
    assert s.inn["striker"] == "a2"
    s.ball(5)  # five all run (or four and an overthrow run): odd, so they cross
    assert s.inn["striker"] == "a1"
    s.ball(4, boundary=True).ball(6, boundary=True).ball(3)
    # 3 off the last ball of the over: cross, then ends change for the new over.
    assert s.inn["striker"] == "a1" and s.inn["legal_balls"] == 6
    assert s.state["needs"] == "next_bowler"
    assert s.inn["runs"] == 21
    assert s.inn["batters"]["a1"]["fours"] == 1 and s.inn["batters"]["a1"]["sixes"] == 1


def test_all_run_four_counts_no_boundary_and_overthrows_any_number():
    s = Scorer().start().ball(4).ball(7)
    assert s.inn["batters"]["a1"]["fours"] == 0
    assert s.inn["batters"]["a1"]["runs"] == 11 and s.inn["runs"] == 11
    assert s.inn["striker"] == "a2"  # 7 is odd: the batters crossed


def test_wides_with_runs_are_all_wides_not_balls_and_charged_to_the_bowler():
    s = Scorer().start().ball(extras={"wides": 3})  # a wide and two run
    assert s.inn["runs"] == 3 and s.inn["legal_balls"] == 0
    assert s.inn["extras"]["wides"] == 3
    assert s.inn["batters"]["a1"]["balls"] == 0
    assert s.inn["bowlers"]["b1"]["runs"] == 3 and s.inn["bowlers"]["b1"]["wides"] == 1
    assert s.inn["striker"] == "a1"  # two run: no change of ends
    s.ball(extras={"wides": 5}, boundary=True)  # four wides to the boundary
    assert s.inn["runs"] == 8 and s.inn["striker"] == "a1"


def test_no_ball_with_runs_off_the_bat_or_byes_and_the_free_hit():
    s = Scorer().start().ball(4, boundary=True, extras={"noballs": 1})
    assert s.inn["runs"] == 5 and s.inn["legal_balls"] == 0
    assert s.inn["batters"]["a1"]["runs"] == 4 and s.inn["batters"]["a1"]["balls"] == 1
    assert s.inn["bowlers"]["b1"]["runs"] == 5
    assert s.state["free_hit"] is True
    s.ball(extras={"noballs": 1, "legbyes": 1})
    assert s.inn["bowlers"]["b1"]["runs"] == 6  # leg-byes off a no-ball are not the bowler's
    assert s.inn["extras"]["legbyes"] == 1 and s.inn["striker"] == "a2"
    assert s.state["free_hit"] is True  # a no-ball on a free hit: the next is free too
    s.ball(0)
    assert s.state["free_hit"] is False


def test_byes_and_leg_byes_are_extras_not_charged_to_the_bowler():
    s = Scorer().start().ball(extras={"byes": 4}, boundary=True).ball(extras={"legbyes": 1})
    assert s.inn["runs"] == 5 and s.inn["extras"] == {
        "wides": 0, "noballs": 0, "byes": 4, "legbyes": 1, "penalty": 0}
    assert s.inn["bowlers"]["b1"]["runs"] == 0
    assert s.inn["batters"]["a1"]["balls"] == 2 and s.inn["batters"]["a1"]["runs"] == 0
    assert s.inn["striker"] == "a2"


def test_penalty_runs_to_either_side():
    s = Scorer().start().ball(extras={"penalty": 5})
    assert s.inn["runs"] == 5 and s.inn["extras"]["penalty"] == 5
    s.do("penalty", team="A", runs=5)
    assert s.inn["runs"] == 10
    s.do("penalty", team="B", runs=5)  # fielding side: owed to its innings
    assert s.state["pending_penalties"] == {"B": 5}
    s.do("end_match", result="no_result")


def test_penalty_to_fielding_side_that_will_not_bat_again_raises_the_target():
    s = Scorer(config(overs=1)).start().over(1)
    assert s.inn["closed"] == "overs" and s.inn["runs"] == 6
    s.start(striker="b1", non_striker="b2", bowler="a1")
    assert s.inn["target"] == 7
    s.do("penalty", team="A", runs=5)
    assert s.state["innings"][0]["runs"] == 11 and s.inn["target"] == 12


@pytest.mark.parametrize("kind", ["bowled", "caught", "lbw", "caught_and_bowled", "hit_ball_twice"])
def test_dismissals_impossible_off_a_wide(kind):
    s = Scorer().start()
    with pytest.raises(IllegalAction, match="off a wide"):
        s.out(kind, fielders=["b2"], extras={"wides": 1})


@pytest.mark.parametrize("kind", ["stumped", "run_out", "hit_wicket", "obstructing_field"])
def test_dismissals_possible_off_a_wide(kind):
    s = Scorer().start().out(kind, fielders=["b2"], extras={"wides": 1})
    assert s.inn["wickets"] == 1 and s.inn["runs"] == 1
    credited = kind in ("stumped", "hit_wicket")
    assert s.inn["bowlers"]["b1"]["wickets"] == (1 if credited else 0)


@pytest.mark.parametrize("kind", ["bowled", "caught", "lbw", "stumped", "hit_wicket"])
def test_dismissals_impossible_off_a_no_ball(kind):
    with pytest.raises(IllegalAction, match="no-ball"):
        Scorer().start().out(kind, fielders=["b2"], extras={"noballs": 1})


@pytest.mark.parametrize("kind", ["run_out", "hit_ball_twice", "obstructing_field"])
def test_dismissals_possible_off_a_no_ball(kind):
    s = Scorer().start().out(kind, extras={"noballs": 1})
    assert s.inn["wickets"] == 1 and s.inn["bowlers"]["b1"]["wickets"] == 0


def test_only_run_out_or_obstruction_can_dismiss_the_non_striker():
    s = Scorer().start()
    with pytest.raises(IllegalAction, match="non-striker cannot be out"):
        s.out("bowled", player="a2")
    s.out("run_out", player="a2", runs=1, fielders=["b3"])
    assert s.inn["batters"]["a2"]["out"]["kind"] == "run_out"
    assert s.inn["runs"] == 1  # the completed run stands


def test_caught_new_batter_on_strike_under_2022_laws_even_at_crossing():
    s = Scorer().start().out("caught", fielders=["b5"])
    assert s.state["needs"] == "new_batter"
    s.do("new_batter", player="a3")
    assert s.inn["striker"] == "a3" and s.inn["non_striker"] == "a2"
    card = batting_card(s.config, s.inn)
    assert card[0]["how_out"] == "c B5 b B1"


def test_run_out_scorer_says_which_end_the_new_batter_goes_to():
    s = Scorer().start().out("run_out", player="a1", runs=1, fielders=["b2"])
    # One run completed, so the batters crossed; a1 was run out at the far end.
    assert s.inn["striker"] == "a2" and s.inn["non_striker"] is None
    s.do("new_batter", player="a3", on_strike=True)
    assert s.inn["striker"] == "a3" and s.inn["non_striker"] == "a2"


def test_retired_hurt_is_not_a_wicket_and_the_batter_may_return():
    s = Scorer().start().balls(4, 1)
    s.do("retire", player="a2", how="retired_hurt")  # a2 was on strike after the single
    assert s.inn["wickets"] == 0 and s.state["needs"] == "new_batter"
    s.do("new_batter", player="a3").balls(0)
    s.out("bowled")
    s.do("new_batter", player="a2")  # back to resume
    assert s.inn["batters"]["a2"]["runs"] == 0 and s.inn["batters"]["a1"]["runs"] == 5
    assert s.inn["wickets"] == 1


def test_retired_out_and_timed_out_are_wickets_not_credited_to_the_bowler():
    s = Scorer().start().do("retire", player="a1", how="retired_out")
    assert s.inn["wickets"] == 1
    s.do("timed_out", player="a3")
    assert s.inn["wickets"] == 2 and s.inn["bowlers"]["b1"]["wickets"] == 0
    s.do("new_batter", player="a4")
    assert s.inn["striker"] == "a4"
    with pytest.raises(IllegalAction, match="already batted"):
        s.do("retire", player="a4", how="retired_hurt").do("new_batter", player="a3")


def test_consecutive_overs_and_over_limits_are_recorded_with_a_warning_not_refused():
    s = Scorer(config(overs=10, bowler_max_overs=2)).start()
    s.over()
    s.do("next_bowler", player="b2")
    assert s.state["warnings"] == []
    s.over(bowler="b1").over(bowler="b2").over()
    assert s.state["warnings"] == []
    s.do("next_bowler", player="b1")  # b1's third over: the umpires let it be bowled
    assert any("maximum of 2 overs" in w for w in s.state["warnings"])
    s.over()
    s.do("next_bowler", player="b1")  # and straight after his own over
    assert any("previous over" in w for w in s.state["warnings"])
    card = {row["player"]: row for row in bowling_card(s.config, s.inn)}
    assert card["b1"]["overs"] == "3.0" and card["b1"]["maidens"] == 3
    # The next action clears the warnings: they belong to the action that caused them.
    s.ball(0)
    assert s.state["warnings"] == []


def test_all_out_follows_the_team_size_not_ten_wickets():
    s = Scorer(config(players=6, overs=5)).start()
    for incoming in ("a3", "a4", "a5", "a6"):
        s.out("bowled").do("new_batter", player=incoming)
    s.out("bowled")
    assert s.inn["wickets"] == 5 and s.inn["closed"] == "all_out"
    assert s.state["status"] == "innings_break"


def test_chase_ends_the_moment_the_target_is_reached_and_result_text():
    s = Scorer(config(overs=2)).start().over(1, bowler="b2").over(1)
    assert s.state["innings"][0]["runs"] == 12
    s.start(striker="b1", non_striker="b2", bowler="a1").balls(6, 6, 1)
    assert s.state["status"] == "completed"
    assert s.state["result"]["margin"] == 10 and s.state["result"]["unit"] == "wickets"
    assert result_text(s.config, s.state) == "Bravo won by 10 wickets"
    with pytest.raises(IllegalAction, match="match has ended"):
        s.ball(1)


def test_defending_side_wins_by_runs():
    s = Scorer(config(overs=1)).start().over(2)
    s.start(striker="b1", non_striker="b2", bowler="a1").over(1)
    assert result_text(s.config, s.state) == "Alpha won by 6 runs"


def test_tie_goes_to_a_super_over_and_its_winner():
    s = Scorer(config(overs=1)).start().over(1)
    s.start(striker="b1", non_striker="b2", bowler="a1").over(1)
    assert s.state["result"] is None and s.state["needs"] == "start_innings"
    s.start(striker="b3", non_striker="b4", bowler="a2")  # the side batting second goes first
    assert s.inn["batting"] == "B" and s.inn["super_over"] and s.inn["max_overs"] == 1
    s.balls(4, 0, 0, 0, 0, 0)
    s.start(striker="a3", non_striker="a4", bowler="b2").out("bowled")
    s.do("new_batter", player="a5").out("bowled")  # two wickets end a super over
    assert s.state["result"]["kind"] == "tie" and s.state["result"]["winner"] == "B"
    assert result_text(s.config, s.state) == "Match tied (Bravo won the Super Over)"


def test_revised_target_dls():
    s = Scorer(config(overs=5, bowler_max_overs=None)).start()
    s.over(2, "b2").over(2, "b1").over(2, "b2")
    s.do("revise_overs", overs=3)
    assert s.inn["closed"] == "overs"
    s.do("revise_target", runs=30, overs=2, method="DLS")
    s.start(striker="b1", non_striker="b2", bowler="a1")
    assert s.inn["target"] == 30 and s.inn["max_overs"] == 2
    s.over(1, "a2").over(1)
    assert result_text(s.config, s.state) == "Alpha won by 17 runs (DLS method)"


def test_no_result_and_abandoned():
    s = Scorer().start().balls(1, 1).do("end_match", result="no_result")
    assert s.state["status"] == "completed" and result_text(s.config, s.state) == "No result"
    s2 = Scorer().do("end_match", result="abandoned")
    assert s2.state["status"] == "abandoned"


def test_two_innings_follow_on_and_innings_victory():
    cfg = config(players=3, overs=None, innings_per_side=2, follow_on_lead=20, super_over=False)
    s = Scorer(cfg).start(striker="a1", non_striker="a2", bowler="b1")
    s.balls(6, 6, 6, 6, 6).do("end_innings", how="declared")
    s.start(striker="b1", non_striker="b2", bowler="a1").out("bowled")
    s.do("new_batter", player="b3").out("bowled")
    assert s.state["innings"][1]["closed"] == "all_out"
    with pytest.raises(IllegalAction, match="B1 is not in Alpha"):
        s.start(striker="b1", non_striker="b2", bowler="a1")
    s.start(striker="b1", non_striker="b2", bowler="a1", follow_on=True)
    assert s.inn["batting"] == "B" and s.inn["follow_on"]
    s.ball(1).out("bowled").do("new_batter", player="b3").out("bowled")
    assert s.state["result"]["innings"] is True
    assert result_text(s.config, s.state) == "Alpha won by an innings and 29 runs"


def test_two_innings_draw():
    cfg = config(players=3, overs=None, innings_per_side=2, super_over=False)
    s = Scorer(cfg).start().balls(1, 2).do("end_match", result="draw")
    assert result_text(s.config, s.state) == "Match drawn"


def test_illegal_actions_change_nothing_and_say_why():
    s = Scorer().start()
    before = s.state
    for action, message in [
        ({"kind": "delivery", "runs": 1, "wickets": [
            {"kind": "bowled", "player_out": "zz"}]}, "not one of the two batters"),
        ({"kind": "next_bowler", "player": "b2"}, "not possible"),
        ({"kind": "delivery", "runs": -1}, "whole number"),
        ({"kind": "delivery", "extras": {"wides": 1, "byes": 1}}, "wide cannot"),
        ({"kind": "delivery", "extras": {"runs": 1}}, "Unknown kind of extra"),
        ({"kind": "teleport"}, "Unknown action"),
        ({"kind": "delivery", "runs": 3, "boundary": True}, "4 or 6"),
    ]:
        snapshot = copy.deepcopy(before)
        with pytest.raises(IllegalAction, match=message):
            apply_in_place(s.config, before, action)  # in place: a refusal must not touch it
        assert before == snapshot, action


def test_unknown_player_is_rejected():
    with pytest.raises(IllegalAction, match="not in Alpha's side"):
        Scorer().start(striker="nobody")


def test_undo_and_correction_by_refolding_the_log():
    s = Scorer().start().balls(1, 4, 2)
    entries = list(enumerate(s.log, 1))
    undone = effective_actions([*entries, (len(entries) + 1, {"kind": "undo"})])
    assert fold(s.config, [a for _, a in undone]) == fold(s.config, s.log[:-1])
    corrected = effective_actions([*entries, (5, {"kind": "correct", "target_seq": 3,
                                                  "action": {"kind": "delivery", "runs": 6,
                                                             "boundary": True}})])
    state = fold(s.config, [a for _, a in corrected])
    assert state["innings"][0]["runs"] == 9


def test_scorecard_has_every_derived_view():
    s = Scorer(config(overs=2)).start().balls(1, 4).out("caught", fielders=["b4"])
    s.do("new_batter", player="a3").ball(extras={"wides": 1}).ball(2)
    card = scorecard(s.config, s.state)
    inn = card["innings"][0]
    assert inn["runs"] == 8 and inn["wickets"] == 1 and inn["overs"] == "0.4"
    assert inn["run_rate"] == 12.0
    assert inn["fall_of_wickets"][0] == {"wicket": 1, "runs": 5, "player": "a2",
                                         "overs": "0.3", "name": "A2"}
    assert [p["runs"] for p in inn["partnerships"]] == [5, 3]
    assert inn["this_over"] == ["1", "4", "W", "1wd", "2"]
    assert inn["striker"]["player"] == "a3" and inn["bowler"]["overs"] == "0.4"
    assert inn["extras_total"] == 1
    assert card["result_text"] == ""
