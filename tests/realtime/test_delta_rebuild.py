"""A delta is built from the innings an action touched only; applied in order, the deltas must
still rebuild exactly the view a fan would get as a snapshot, whichever innings changed."""

import pytest

from bench.scoring import fifty_over_log_for
from games.models import Match
from games.services import match_record_action
from realtime.delta import apply_patch
from realtime.snapshots import snapshot_view
from tests.games.factories import make_match

pytestmark = [pytest.mark.django_db(transaction=True)]


def _match_and_actions(overs: int):
    bowler_max_overs = max(1, overs // 5)
    match = make_match(overs=overs, bowler_max_overs=bowler_max_overs)
    return match, fifty_over_log_for(match, overs=overs, bowler_max_overs=bowler_max_overs)


def _without_nulls(value):
    """A merge patch deletes a key to say null: clients read a missing key as null."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_deltas_rebuild_the_snapshot_across_innings_undos_and_corrections():
    match, actions = _match_and_actions(overs=3)
    view = snapshot_view(Match.objects.get(pk=match.pk))
    first_innings_ball = None
    second_innings_started = corrected = False
    recorded_actions = 0

    def record(action):
        nonlocal view, recorded_actions
        recorded = match_record_action(match=match, action=action)
        delta = recorded.delta()
        assert delta["v"] == recorded.match.seq
        view = apply_patch(view, delta["patch"])
        assert _without_nulls(view) == _without_nulls(
            snapshot_view(Match.objects.get(pk=match.pk))), action
        recorded_actions += 1
        return recorded

    for action in actions:
        recorded = record(action)
        if action["kind"] == "delivery" and first_innings_ball is None:
            first_innings_ball = recorded.entry.seq
        if action["kind"] == "start_innings" and recorded.match.seq > 2:
            second_innings_started = True
            # Back over the innings break and forward again.
            record({"kind": "undo"})
            record(action)
        if second_innings_started and action["kind"] == "delivery":
            # A correction to the first innings while the second is on: an earlier innings
            # changes, and its card must reach the fans.
            record({"kind": "correct", "target_seq": first_innings_ball,
                    "action": {"kind": "delivery", "runs": 0, "extras": {"byes": 1}}})
            second_innings_started = False
            corrected = True
    assert corrected and recorded_actions == len(actions) + 3  # the undo, its redo, the correction
