"""One person, one player: merging duplicates rewrites their matches and the boards follow."""

import pytest

from cricket.engine import IllegalAction
from games.models import LogEntry, Match, Player, PlayerAlias, Tournament
from games.players import player_merge
from games.services import match_replay_state
from leaderboards.models import BattingRecord
from leaderboards.scopes import tournament_scope
from leaderboards.services import leaderboards_process_events, leaderboards_process_global
from tests.leaderboards.play import completed_match

pytestmark = pytest.mark.django_db


def test_merging_a_duplicate_rewrites_its_matches_and_the_boards_count_one_person():
    cup = Tournament.objects.create(name="Merge Cup", season="2026")
    first = completed_match([1, 4, 0, 2, 6, 1, 3], tournament=cup)
    second = completed_match([2, 2, 0, 1, 4, 1, 0], tournament=cup)
    keep = Player.objects.get(pk=first.a_ids[0])
    keep.cricsheet_id = "abc12345"
    keep.save()
    duplicate = Player.objects.get(pk=second.a_ids[0])  # the same opener under another name
    leaderboards_process_events()
    scope = tournament_scope(cup.pk)
    runs = {p: BattingRecord.objects.get(scope=scope, player_id=p).runs
            for p in (keep.pk, duplicate.pk)}

    duplicate_id, duplicate_name = duplicate.pk, duplicate.name
    changed = player_merge(keep=keep, duplicates=[duplicate])

    assert changed == [second.pk]
    assert not Player.objects.filter(pk=duplicate_id).exists()
    assert PlayerAlias.objects.filter(player=keep, name=duplicate_name).exists()
    second = Match.objects.get(pk=second.pk)
    assert str(keep.pk) in second.config["teams"][0]["players"]
    assert second.state["innings"][0]["batters"].get(str(keep.pk)) is not None
    assert match_replay_state(match=second) == second.state
    assert not LogEntry.objects.filter(match=second, payload__striker=str(duplicate_id)).exists()
    assert leaderboards_process_events() == 1  # the players_merged event of that match
    leaderboards_process_global()
    record = BattingRecord.objects.get(scope=scope, player_id=keep.pk)
    assert record.innings == 2 and record.runs == runs[keep.pk] + runs[duplicate_id]
    assert not BattingRecord.objects.filter(player_id=duplicate_id).exists()


def test_two_players_of_one_match_are_two_people():
    match = completed_match([1, 1, 1])
    a, b = (Player.objects.get(pk=pk) for pk in match.a_ids[:2])
    with pytest.raises(IllegalAction, match="two people"):
        player_merge(keep=a, duplicates=[b])
    assert Player.objects.filter(pk=b.pk).exists()
