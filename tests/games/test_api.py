"""The match JSON API: state shape, ETag polling, the log, and recording with clear errors."""

import json

import pytest

from games.models import LogEntry
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


def _post(client, match, body, content_type="application/json"):
    data = json.dumps(body) if not isinstance(body, str) else body
    return client.post(f"/api/matches/{match.pk}/actions", data, content_type=content_type)


@pytest.fixture
def scored_match():
    match = make_match(overs=20)
    for action in (start_action(match), {"kind": "delivery", "runs": 4, "boundary": True},
                   {"kind": "delivery", "extras": {"wides": 1}}):
        match_record_action(match=match, action=action)
    match.refresh_from_db()
    return match


def test_match_state_shape(client, scored_match):
    response = client.get(f"/api/matches/{scored_match.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["seq"] == 3 and body["status"] == "live"
    inn = body["innings"][0]
    assert inn["runs"] == 5 and inn["wickets"] == 0 and inn["legal_balls"] == 1
    assert inn["overs"] == "0.1" and inn["extras"]["wides"] == 1
    assert inn["batting_name"] == scored_match.team_a.name and inn["super_over"] is False
    assert inn["target"] is None and body["result"] is None
    assert inn["batting_card"][0]["runs"] == 4 and inn["bowling_card"][0]["wides"] == 1


def test_etag_gives_304_until_the_next_ball(client, scored_match, django_assert_num_queries):
    first = client.get(f"/api/matches/{scored_match.pk}")
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):  # the seq alone: no match row, no state, no scorecard
        again = client.get(f"/api/matches/{scored_match.pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["Cache-Control"] == "no-cache"
    assert again["ETag"] == etag
    match_record_action(match=scored_match, action={"kind": "delivery", "runs": 1})
    changed = client.get(f"/api/matches/{scored_match.pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_log_since(client, scored_match):
    body = client.get(f"/api/matches/{scored_match.pk}/log?since=1").json()
    assert [e["seq"] for e in body["entries"]] == [2, 3]
    assert body["entries"][0]["action"] == {"kind": "delivery", "runs": 4, "boundary": True}
    assert client.get(f"/api/matches/{scored_match.pk}/log?since=x").status_code == 400


def test_unknown_match_is_404_with_a_message(client):
    response = client.get("/api/matches/999999")
    assert response.status_code == 404 and "no match 999999" in response.json()["error"]


def test_scoring_a_match_that_does_not_exist_is_404(client):
    client.force_login(make_user(staff=True))
    for action in ({"kind": "delivery", "runs": 1}, {"kind": "delivery", "runs": 99}):
        response = client.post("/api/matches/999999/actions", json.dumps({"action": action}),
                               content_type="application/json")
        assert response.status_code == 404 and "no match 999999" in response.json()["error"]


def test_anonymous_and_non_scorers_cannot_score(client, scored_match):
    response = _post(client, scored_match, {"action": {"kind": "delivery", "runs": 1}})
    assert response.status_code == 401
    client.force_login(make_user())
    response = _post(client, scored_match, {"action": {"kind": "delivery", "runs": 1}})
    assert response.status_code == 403 and "scorers" in response.json()["error"]
    assert LogEntry.objects.filter(match=scored_match).count() == 3


@pytest.mark.django_db(transaction=True)  # the delta is built once the action commits
def test_assigned_scorer_and_staff_can_score(client, scored_match):
    scorer = make_user()
    scored_match.scorers.add(scorer)
    client.force_login(scorer)
    response = _post(client, scored_match, {"action": {"kind": "delivery", "runs": 2},
                                            "expected_seq": 3, "idempotency_key": "abc"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seq"] == 4 and body["needs"] == "delivery" and "state" not in body
    assert body["delta"]["v"] == 4 and body["delta"]["patch"]["innings"]["1"]["runs"] == 7
    retry = _post(client, scored_match, {"action": {"kind": "delivery", "runs": 2},
                                         "expected_seq": 3, "idempotency_key": "abc"})
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    client.force_login(make_user(staff=True))
    assert _post(client, scored_match, {"action": {"kind": "delivery"}}).status_code == 201


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{not json", "application/json", 400, "not valid JSON"),
        ({"action": {"kind": "delivery"}}, "text/plain", 415, "as JSON"),
        ({"nothing": 1}, "application/json", 400, "'action' object"),
        ({"action": {"kind": "delivery"}, "expected_seq": "x"}, "application/json", 400,
         "expected_seq"),
        ({"action": {"kind": "delivery", "runs": 99}}, "application/json", 400, "whole number"),
        ({"action": {"kind": "next_bowler", "player": "1"}}, "application/json", 400, "not"),
        ({"action": {"kind": "delivery"}, "expected_seq": 1}, "application/json", 409,
         "Someone else scored"),
        # The schema: unknown fields, wrong types and bounds, each named.
        ({"action": {"kind": "delivery", "junk": "x" * 1000}}, "application/json", 400,
         "Unknown field junk"),
        ({"action": {"kind": "delivery", "extras": {"wides": "1"}}}, "application/json", 400,
         "extras.wides must be a whole number"),
        ({"action": {"kind": "delivery", "extras": {"runs": 1}}}, "application/json", 400,
         "Unknown field extras.runs"),
        ({"action": {"kind": "delivery", "wickets": "bowled"}}, "application/json", 400,
         "wickets must be a list"),
        ({"action": {"kind": "delivery", "wickets": [{"kind": "bowled", "player_out": 7}]}},
         "application/json", 400, "wickets[0].player_out must be text"),
        ({"action": {"kind": "delivery", "wickets": [{"kind": "run_out", "how": 1}]}},
         "application/json", 400, "Unknown field wickets[0].how"),
        ({"action": {"kind": "delivery", "boundary": "yes"}}, "application/json", 400,
         "boundary must be true or false"),
        ({"action": {"kind": "new_batter", "player": "a\u0000b"}}, "application/json", 400,
         "control characters"),
        ({"action": {"kind": "end_match", "result": "won", "winner": "1", "margin": 3,
                     "unit": "runs", "par": {"runs": -5, "overs": 10}}}, "application/json",
         400, "par.runs must be a whole number from 0"),
        ({"action": {"kind": "correct", "target_seq": 2, "action": {"kind": "delivery",
                                                                     "runs": 1, "x": 1}}},
         "application/json", 400, "Unknown field action.x"),
        ({"action": {"kind": "teleport"}}, "application/json", 400, "kind must be one of"),
        # Half a character: JSON can escape it, no database can store it.
        ({"action": {"kind": "end_innings", "how": "declared \ud800"}}, "application/json",
         400, "lone surrogate"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, scored_match, body,
                                                           content_type, status, message):
    client.force_login(make_user(staff=True))
    response = _post(client, scored_match, body, content_type)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert LogEntry.objects.filter(match=scored_match).count() == 3


def test_errors_raised_before_the_view_are_json_on_the_api(scored_match):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(staff=True))
    response = _post(strict, scored_match, {"action": {"kind": "delivery", "runs": 1}})
    assert response.status_code == 403 and "X-CSRFToken" in response.json()["error"]
    missing = strict.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"].startswith("Nothing at")
    assert LogEntry.objects.filter(match=scored_match).count() == 3
