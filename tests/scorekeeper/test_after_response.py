"""The pad answers the scorer first and publishes the ball's delta once its answer is sent
(core/after_response.py), on the real view, PostgreSQL and Redis."""

import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.tokens import api_token_create
from core.after_response import after_response, answer_first
from games.models import Match
from games.services import match_record_action
from realtime.buffer import buffer_key, buffer_since
from realtime.shards import client_for_match
from scoring.views import scoring_pad
from tests.games.factories import make_match, make_user, start_action


def test_work_waits_for_the_answer_to_be_closed_and_runs_in_order():
    done = []

    @answer_first
    def view(request):
        after_response(lambda: done.append("first"))
        after_response(lambda: done.append("second"))
        return HttpResponse("answer")

    response = view(RequestFactory().get("/"))
    assert done == []  # the answer is not sent yet
    response.close()  # what the server does once the last byte is written
    assert done == ["first", "second"]
    after_response(lambda: done.append("outside a view: now"))
    assert done[-1] == "outside a view: now"


def test_a_failing_piece_is_logged_and_the_rest_still_runs(caplog):
    done = []

    @answer_first
    def view(request):
        after_response(lambda: 1 / 0)
        after_response(lambda: done.append("after the failure"))
        return HttpResponse("answer")

    with caplog.at_level(logging.ERROR, logger="core.after_response"):
        view(RequestFactory().get("/")).close()
    assert done == ["after the failure"]
    assert "ZeroDivisionError" in caplog.text


def test_a_view_that_fails_after_queueing_still_runs_the_work():
    done = []

    @answer_first
    def view(request):
        after_response(lambda: done.append("committed, so published"))
        raise RuntimeError("the view failed after its commit")

    with pytest.raises(RuntimeError):
        view(RequestFactory().get("/"))
    assert done == ["committed, so published"]


@pytest.mark.django_db(transaction=True)  # commits for real: on_commit runs
def test_the_pad_publishes_a_balls_delta_after_its_answer():
    scorer = make_user("answer-first")
    match = make_match(scorer=scorer)
    match_record_action(match=match, action=start_action(match))
    client_for_match(match.pk).delete(buffer_key(match.pk))  # an earlier run's match of this id
    request = RequestFactory().post(f"/score/{match.pk}/", {
        "action": "runs-4", "expected_seq": 1, "idempotency_key": "answer-first-4"},
        HTTP_X_PAD_FETCH="snapshot")
    request.user = scorer
    response = scoring_pad(request, match_id=match.pk)
    assert response.status_code == 200 and response["X-Pad-Seq"] == "2"
    assert Match.objects.get(pk=match.pk).seq == 2  # durable before the answer
    assert buffer_since(match.pk, 1, 2) is None  # fans get nothing before the scorer's answer
    response.close()
    published = buffer_since(match.pk, 1, 2)
    assert published is not None and '"v":2' in published[0]


@pytest.mark.django_db(transaction=True)
def test_the_json_api_answers_with_the_delta_and_publishes_it_after_the_answer():
    import json

    from games.api import match_actions

    scorer = make_user("answer-first-api")
    match = make_match(scorer=scorer)
    match_record_action(match=match, action=start_action(match))
    client_for_match(match.pk).delete(buffer_key(match.pk))
    request = RequestFactory().post(
        f"/api/matches/{match.pk}/actions", json.dumps({
            "action": {"kind": "delivery", "runs": 6}, "expected_seq": 1,
            "idempotency_key": "answer-first-api-6"}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=scorer, name='device')[1]}")
    response = match_actions(request, match_id=match.pk)
    answer = json.loads(response.content)
    assert response.status_code == 201 and answer["delta"]["v"] == 2  # the answer carries it
    assert buffer_since(match.pk, 1, 2) is None  # published after the answer, not before
    response.close()
    published = json.loads(buffer_since(match.pk, 1, 2)[0])
    assert {k: v for k, v in published.items() if k != "t"} == answer["delta"]  # the same delta


@pytest.mark.django_db(transaction=True)
def test_a_delta_that_cannot_be_built_leaves_the_balls_answer_standing(monkeypatch, caplog):
    """The ball is committed before its delta is built: the scorer gets their 201 (without the
    delta) and the failure is logged, never a 500."""
    import json

    from games.api import match_actions
    from realtime import publish

    def broken(**kwargs):
        raise RuntimeError("a bug in the delta")

    monkeypatch.setattr(publish, "delta_message", broken)
    scorer = make_user("answer-first-broken")
    match = make_match(scorer=scorer)
    match_record_action(match=match, action=start_action(match))
    request = RequestFactory().post(
        f"/api/matches/{match.pk}/actions", json.dumps({
            "action": {"kind": "delivery", "runs": 1}, "expected_seq": 1}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=scorer, name='device')[1]}")
    with caplog.at_level(logging.ERROR):
        response = match_actions(request, match_id=match.pk)
        response.close()
    assert response.status_code == 201 and json.loads(response.content)["delta"] is None
    assert Match.objects.get(pk=match.pk).seq == 2
    assert "a bug in the delta" in caplog.text
