"""Playing short matches through the write service, for leaderboard tests."""

from __future__ import annotations

from cricket.engine.innings import next_batting_team
from games.services import match_record_action
from tests.games.factories import make_match


def play_match(match, runs: list[int], *, wicket_every: int = 0, by=None):
    """Score ``match`` (A bats first) to its end through the service: each ball takes the next
    value of ``runs`` (cycled); every ``wicket_every``-th ball bowls the striker instead."""
    config = match.engine_config()
    sides = {str(match.team_a_id): match.a_ids, str(match.team_b_id): match.b_ids}
    ball = 0
    for _ in range(1000):  # a bound, so a mistake here fails instead of scoring forever
        if match.state["needs"] is None:
            return match
        needs, innings = match.state["needs"], match.state["innings"]
        inn = innings[-1] if innings else None
        if needs == "start_innings":
            batting, _ = next_batting_team(config, match.state, False)
        else:
            batting = inn["batting"]
        bowling = config.other(batting)
        if needs == "start_innings":
            action = {"kind": "start_innings", "striker": sides[batting][0],
                      "non_striker": sides[batting][1], "bowler": sides[bowling][0]}
        elif needs == "next_bowler":
            over = inn["legal_balls"] // 6
            action = {"kind": "next_bowler", "player": sides[bowling][over % 2]}
        elif needs == "new_batter":
            action = {"kind": "new_batter", "player": next(
                p for p in sides[batting] if p not in inn["batters"])}
        elif wicket_every and ball % wicket_every == wicket_every - 1:
            action = {"kind": "delivery", "runs": 0, "wickets": [
                {"kind": "bowled", "player_out": inn["striker"]}]}
            ball += 1
        else:
            # Super overs: singles, then a chase in sixes (ties would only bring more of them).
            value = runs[ball % len(runs)]
            if inn["super_over"]:
                value = 1 if inn["target"] is None else 6
            action = {"kind": "delivery", "runs": value, "boundary": value in (4, 6)}
            ball += 1
        match_record_action(match=match, action=action, by=by)
    raise AssertionError("the match did not finish")


def completed_match(runs: list[int], *, tournament=None, overs: int = 2, **kwargs):
    match = make_match(overs=overs, tournament=tournament)
    return play_match(match, runs, **kwargs)
