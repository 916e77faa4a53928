"""API tokens: a device scores through the JSON API with a bearer token instead of a session
(no cookie, no CSRF token); a bad, revoked or deactivated token changes nothing; the page where
a user makes and revokes them."""

import hashlib
import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import MAX_TOKENS_PER_USER, api_token_create
from games.models import LogEntry
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def started():
    match = make_match(overs=20)
    match_record_action(match=match, action=start_action(match))
    return match


def _post(match, token: str | None, body: dict | None = None, client: Client | None = None,
          **headers):
    client = client or Client(enforce_csrf_checks=True)  # as a browser's would be checked
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post(f"/api/matches/{match.pk}/actions",
                       json.dumps(body or {"action": {"kind": "delivery", "runs": 1}}),
                       content_type="application/json", **headers)


@pytest.mark.django_db(transaction=True)  # the delta is built once the action commits
def test_a_scorer_s_token_records_a_ball_without_a_session_or_csrf(started):
    scorer = make_user()
    started.scorers.add(scorer)
    _, raw = api_token_create(user=scorer, name="tablet")
    response = _post(started, raw, {"action": {"kind": "delivery", "runs": 4},
                                    "expected_seq": 1, "idempotency_key": "k1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seq"] == 2 and body["entry"]["recorded_by"] == scorer.username
    assert body["delta"]["v"] == 2
    assert LogEntry.objects.get(match=started, seq=2).recorded_by == scorer
    retry = _post(started, raw, {"action": {"kind": "delivery", "runs": 4},
                                 "expected_seq": 1, "idempotency_key": "k1"})
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    assert LogEntry.objects.filter(match=started).count() == 2


@pytest.mark.parametrize("header", [
    "Bearer sk_not-a-real-token", "Bearer ", "Basic dXNlcjpwdw==", "sk_no-scheme",
    "Bearer " + "sk_" + "x" * 200,
])
def test_a_bad_token_is_401_and_records_nothing(started, header):
    response = Client().post(f"/api/matches/{started.pk}/actions",
                             json.dumps({"action": {"kind": "delivery", "runs": 1}}),
                             content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "API token is not valid" in response.json()["error"]
    assert LogEntry.objects.filter(match=started).count() == 1


def test_a_token_wins_over_a_session_the_request_also_carries(started):
    """A bad token is refused even with a scorer's session cookie beside it: the request said
    who it is, and it is not."""
    scorer = make_user()
    started.scorers.add(scorer)
    client = Client()
    client.force_login(scorer)
    assert _post(started, "sk_wrong", client=client).status_code == 401
    assert LogEntry.objects.filter(match=started).count() == 1


def test_revoked_and_deactivated_tokens_stop_working_at_once(started):
    scorer = make_user()
    started.scorers.add(scorer)
    token, raw = api_token_create(user=scorer, name="old phone")
    assert _post(started, raw).status_code == 201
    token.delete()
    assert _post(started, raw).status_code == 401
    _, raw = api_token_create(user=scorer, name="new phone")
    assert _post(started, raw, {"action": {"kind": "delivery"}}).status_code == 201
    scorer.is_active = False
    scorer.save(update_fields=["is_active"])
    assert _post(started, raw).status_code == 401
    assert LogEntry.objects.filter(match=started).count() == 3


def test_a_token_may_do_only_what_its_user_may(started):
    _, raw = api_token_create(user=make_user(), name="not a scorer here")
    response = _post(started, raw)
    assert response.status_code == 403 and "scorers" in response.json()["error"]
    _, staff = api_token_create(user=make_user(staff=True), name="staff")
    assert _post(started, staff).status_code == 201


def test_without_a_token_the_session_still_needs_its_csrf_token(started):
    scorer = make_user()
    started.scorers.add(scorer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(scorer)
    refused = _post(started, None, client=client)
    assert refused.status_code == 403 and "X-CSRFToken" in refused.json()["error"]
    client.get("/accounts/login/")  # sets the csrftoken cookie
    accepted = _post(started, None, client=client,
                     HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert accepted.status_code == 201, accepted.content
    assert LogEntry.objects.filter(match=started).count() == 2


def test_only_the_token_s_hash_is_stored():
    token, raw = api_token_create(user=make_user(), name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix) and len(raw) > 40


def _mark(client) -> str:
    """The one-time mark of the form the page shows now."""
    return client.get("/accounts/api-tokens/").context["form"].initial["once"]


def test_the_page_makes_a_token_once_lists_it_and_revokes_it(client):
    user = make_user()
    assert client.get("/accounts/api-tokens/").status_code == 302  # log in first
    client.force_login(user)
    form = {"name": "Scoring tablet", "once": _mark(client)}
    shown = client.post("/accounts/api-tokens/", form)
    assert shown.status_code == 201  # shown once, in the answer to the form
    raw = shown.context["created"]
    assert raw.startswith("sk_") and raw in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert raw not in str(dict(client.session))  # stored nowhere but the answer
    again = client.post("/accounts/api-tokens/", form)  # a reload of that answer resends it
    assert again.status_code == 400 and "already sent" in again.content.decode()
    listed = client.get("/accounts/api-tokens/").content.decode()
    assert "Scoring tablet" in listed and raw not in listed
    assert ApiToken.objects.filter(user=user).count() == 1
    assert raw[:9] in listed  # its first characters tell it apart
    token = ApiToken.objects.get(user=user)
    other = Client()
    other.force_login(make_user())
    other.post("/accounts/api-tokens/", {"revoke": token.pk})  # not theirs: nothing happens
    assert ApiToken.objects.filter(pk=token.pk).exists()
    revoked = client.post("/accounts/api-tokens/", {"revoke": token.pk}, follow=True)
    assert "Token revoked" in revoked.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    again = client.post("/accounts/api-tokens/", {"revoke": "x"}, follow=True)
    assert "already revoked" in again.content.decode()


def test_the_page_says_what_is_wrong_with_a_name_or_too_many_tokens(client):
    user = make_user()
    client.force_login(user)
    blank = client.post("/accounts/api-tokens/", {"name": "  ", "once": _mark(client)})
    assert blank.status_code == 400 and "This field is required" in blank.content.decode()
    assert client.post("/accounts/api-tokens/", {"name": "no mark"}).status_code == 400
    for n in range(MAX_TOKENS_PER_USER):
        api_token_create(user=user, name=f"t{n}")
    full = client.post("/accounts/api-tokens/", {"name": "one more", "once": _mark(client)})
    assert full.status_code == 400 and "revoke one you no longer use" in full.content.decode()
    assert ApiToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER


def test_the_page_s_forms_need_their_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    assert client.post("/accounts/api-tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()
