"""Domain events are written in the scoring transaction: exactly one per fact, none on rollback."""

import pytest
from django.db import transaction

from events.models import Event
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


def _types(match):
    return list(Event.objects.filter(match_id=match.pk).order_by("id")
                .values_list("event_type", flat=True))


def test_scoring_a_ball_writes_exactly_one_delivery_recorded_event():
    scorer = make_user()
    match = make_match()
    match_record_action(match=match, action=start_action(match), by=scorer)
    match_record_action(match=match, action={"kind": "delivery", "runs": 4, "boundary": True},
                        by=scorer)
    assert _types(match) == ["match_started", "delivery_recorded"]
    event = Event.objects.get(match_id=match.pk, event_type="delivery_recorded")
    assert event.source == "domain" and event.actor == f"user:{scorer.pk}"
    assert event.payload["seq"] == 2 and event.payload["score"]["runs"] == 4


def test_a_rolled_back_action_leaves_no_event():
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    with pytest.raises(RuntimeError), transaction.atomic():
        match_record_action(match=match, action={"kind": "delivery", "runs": 1})
        raise RuntimeError("forced rollback")
    assert _types(match) == ["match_started"]


def test_undo_correction_innings_and_match_completion_events():
    match = make_match(players=3, overs=1, bowler_max_overs=None, super_over=False)
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 1})
    match_record_action(match=match, action={"kind": "undo"})
    match_record_action(match=match, action={"kind": "delivery", "runs": 2})
    match_record_action(match=match, action={"kind": "correct", "target_seq": 4,
                                             "action": {"kind": "delivery", "runs": 3}})
    for _ in range(5):
        match_record_action(match=match, action={"kind": "delivery", "runs": 0})
    match_record_action(match=match, action={
        "kind": "start_innings", "striker": match.b_ids[0], "non_striker": match.b_ids[1],
        "bowler": match.a_ids[0]})
    match_record_action(match=match, action={"kind": "delivery", "runs": 4, "boundary": True})
    assert _types(match) == [
        "match_started", "delivery_recorded", "delivery_undone", "delivery_recorded",
        "delivery_corrected", *["delivery_recorded"] * 5, "innings_completed",
        "delivery_recorded", "innings_completed", "match_completed",
    ]
    undone = Event.objects.get(match_id=match.pk, event_type="delivery_undone")
    assert undone.payload["undone"] == {"kind": "delivery", "runs": 1}
    corrected = Event.objects.get(match_id=match.pk, event_type="delivery_corrected")
    assert corrected.payload["before"] == {"kind": "delivery", "runs": 2}
    completed = Event.objects.get(match_id=match.pk, event_type="match_completed")
    card = completed.payload["scorecard"]
    assert card["result"]["winner"] == str(match.team_b_id)
    assert card["innings"][0]["runs"] == 3 and card["innings"][1]["runs"] == 4
    assert card["innings"][0]["batting_card"][0]["runs"] == 3
