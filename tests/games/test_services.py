"""The write service: one transaction per action, expected_seq, idempotency, undo, correction."""

import pytest
from django.db import transaction

from cricket import engine
from games.models import LogEntry, Match
from games.services import (
    IdempotencyConflict,
    StaleState,
    match_record_action,
    match_replay_state,
)
from games.signals import action_recorded
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


def _record(match, action, **kwargs):
    return match_record_action(match=match, action=action, **kwargs)


def test_each_action_appends_a_contiguous_entry_and_stores_the_state():
    scorer = make_user()
    match = make_match(scorer=scorer)
    _record(match, start_action(match), by=scorer)
    for runs in (1, 4, 0):
        recorded = _record(match, {"kind": "delivery", "runs": runs}, by=scorer)
    match.refresh_from_db()
    assert list(match.log.values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert match.seq == 4 and match.status == "live"
    assert match.state["innings"][0]["runs"] == 5
    assert recorded.entry.recorded_by == scorer
    assert match_replay_state(match=match) == match.state


def test_expected_seq_mismatch_is_rejected_with_the_current_state():
    match = make_match()
    _record(match, start_action(match), expected_seq=0)
    with pytest.raises(StaleState) as stale:
        _record(match, {"kind": "delivery", "runs": 1}, expected_seq=0)
    assert stale.value.match.seq == 1
    assert LogEntry.objects.filter(match=match).count() == 1


def test_a_retry_with_the_same_idempotency_key_records_once():
    match = make_match()
    _record(match, start_action(match))
    first = _record(match, {"kind": "delivery", "runs": 4}, idempotency_key="k1", expected_seq=1)
    again = _record(match, {"kind": "delivery", "runs": 4}, idempotency_key="k1", expected_seq=1)
    assert first.created and not again.created and again.entry.pk == first.entry.pk
    with pytest.raises(IdempotencyConflict):
        _record(match, {"kind": "delivery", "runs": 6}, idempotency_key="k1")
    match.refresh_from_db()
    assert match.seq == 2 and match.state["innings"][0]["runs"] == 4


def test_an_illegal_action_records_nothing():
    match = make_match()
    _record(match, start_action(match))
    before = Match.objects.get(pk=match.pk)
    with pytest.raises(engine.IllegalAction, match="not one of the two batters"):
        _record(match, {"kind": "delivery", "wickets": [
            {"kind": "bowled", "player_out": match.b_ids[3]}]})
    after = Match.objects.get(pk=match.pk)
    assert (after.seq, after.state) == (before.seq, before.state)
    assert LogEntry.objects.filter(match=match).count() == 1


def test_undo_any_number_of_times_back_to_the_start():
    match = make_match()
    _record(match, start_action(match))
    for runs in (1, 2, 3):
        _record(match, {"kind": "delivery", "runs": runs})
    for _ in range(4):
        _record(match, {"kind": "undo"})
    match.refresh_from_db()
    assert match.state == engine.new_state() and match.status == "scheduled"
    assert match.seq == 8  # the undos stay in the log
    with pytest.raises(engine.IllegalAction, match="nothing left to undo"):
        _record(match, {"kind": "undo"})
    _record(match, start_action(match))
    match.refresh_from_db()
    assert match.status == "live" and match_replay_state(match=match) == match.state


def test_correcting_a_past_ball_refolds_and_keeps_an_audit_trail():
    user = make_user()
    match = make_match()
    _record(match, start_action(match))
    _record(match, {"kind": "delivery", "runs": 1})
    _record(match, {"kind": "delivery", "runs": 2})
    fix = {"kind": "correct", "target_seq": 2,
           "action": {"kind": "delivery", "runs": 4, "boundary": True}}
    _record(match, fix, by=user)
    match.refresh_from_db()
    inn = match.state["innings"][0]
    assert inn["runs"] == 6 and inn["batters"][match.a_ids[0]]["fours"] == 1
    audit = match.log.get(seq=4)
    assert audit.payload["before"] == {"kind": "delivery", "runs": 1}
    assert audit.recorded_by == user and audit.kind == "correct"
    assert match_replay_state(match=match) == match.state


def test_a_correction_that_makes_a_later_entry_illegal_is_rejected():
    match = make_match()
    _record(match, start_action(match))
    _record(match, {"kind": "delivery", "runs": 0, "wickets": [
        {"kind": "bowled", "player_out": match.a_ids[0]}]})
    _record(match, {"kind": "new_batter", "player": match.a_ids[2]})
    # The message says which entry would break, where it falls, and why.
    with pytest.raises(engine.IllegalAction,
                       match=r"later entry illegal: entry 3 \(innings 1, over 0\.2, new batter\): "
                             r"\S+"):
        _record(match, {"kind": "correct", "target_seq": 2,
                        "action": {"kind": "delivery", "runs": 1}})
    assert Match.objects.get(pk=match.pk).seq == 3


def test_scoring_after_the_match_has_ended_is_rejected():
    match = make_match()
    _record(match, {"kind": "end_match", "result": "abandoned"})
    with pytest.raises(engine.IllegalAction, match="has ended"):
        _record(match, start_action(match))


def test_the_hook_is_announced_inside_the_transaction_and_a_rollback_leaves_nothing():
    match = make_match()
    seen = []

    def receiver(sender, match, entry, before, after, **kwargs):
        seen.append((entry.seq, transaction.get_connection().in_atomic_block,
                     before["status"], after["status"]))

    action_recorded.connect(receiver)
    try:
        _record(match, start_action(match))
        with pytest.raises(RuntimeError), transaction.atomic():
            _record(match, {"kind": "delivery", "runs": 1})
            raise RuntimeError("the surrounding work failed")
    finally:
        action_recorded.disconnect(receiver)
    assert seen[0] == (1, True, "scheduled", "live")
    match.refresh_from_db()
    assert match.seq == 1 and LogEntry.objects.filter(match=match).count() == 1


def test_the_right_to_score_and_the_match_are_read_with_the_lock():
    """``require_scorer`` on a match loaded by id alone (what the JSON API passes): the lock
    reads the right to score, the toss and the tournament; a non-scorer records nothing."""
    from games.models import Tournament
    from games.selectors import match_by_id
    from games.services import NotAScorer

    scorer, stranger, staff = make_user(), make_user(), make_user(staff=True)
    match = make_match(scorer=scorer)
    match.tournament = Tournament.objects.create(name="Lock Cup", season="2026", slug="lock-cup")
    match.save(update_fields=["tournament"])
    with pytest.raises(NotAScorer):
        match_record_action(match=match_by_id(match_id=match.pk), action=start_action(match),
                            by=stranger, require_scorer=True)
    assert LogEntry.objects.filter(match=match).count() == 0

    recorded = match_record_action(match=match_by_id(match_id=match.pk),
                                   action=start_action(match), by=scorer, require_scorer=True)
    assert recorded.created and recorded.match.seq == 1
    assert recorded.match.tournament.name == "Lock Cup"
    assert (recorded.match.toss_winner_id, recorded.match.toss_decision) == (
        match.team_a_id, "bat")
    recorded = match_record_action(match=match_by_id(match_id=match.pk),
                                   action={"kind": "delivery", "runs": 2}, by=staff,
                                   require_scorer=True)
    assert recorded.match.seq == 2 and recorded.delta()["v"] == 2
    with pytest.raises(Match.DoesNotExist):
        match_record_action(match=match_by_id(match_id=10**9), action={"kind": "delivery"},
                            by=staff, require_scorer=True)
