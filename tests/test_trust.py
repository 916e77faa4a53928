"""Issue 29's attacks, as regression tests, with an account that owns nothing: names made of
symbols that took a public page down, numbers that wrapped in their columns, control characters
that reached a query. Each is refused with a clear 4xx (or accepted as harmless) and never a 5xx;
what is refused stores nothing."""

import json

import pytest

from games.models import Match, Tournament
from tests.games.factories import make_user

pytestmark = pytest.mark.django_db


def _setup(**overrides) -> dict:
    form = {"team_a": "Trust A", "team_b": "Trust B", "format": "custom",
            "players_per_side": "11", "overs": "20",
            "players_a": [f"TA {i}" for i in range(1, 12)],
            "players_b": [f"TB {i}" for i in range(1, 12)],
            "toss_winner": "a", "toss_decision": "bat", "scorers": ""}
    form.update(overrides)
    return form


@pytest.mark.parametrize("names", [
    ["!!!"], ["🏏🏏"], ["Audit! League", "Audit League", "audit league!"], ["---", "…"]])
def test_any_tournament_name_gets_its_own_slug_and_the_pages_stay_up(client, names):
    client.force_login(make_user("stranger"))
    for name in names:
        response = client.post("/score/tournaments/new/", {
            "name": name, "season": "2026", "points_win": "2", "points_tie": "1",
            "points_no_result": "1", "organisers": ""})
        assert response.status_code == 302, response.content[:300]
    slugs = list(Tournament.objects.filter(name__in=names).values_list("slug", flat=True))
    assert len(slugs) == len(names) and all(slugs) and len(set(slugs)) == len(slugs)
    client.logout()
    assert client.get("/tournaments/").status_code == 200
    for slug in slugs:
        assert client.get(f"/tournaments/{slug}/").status_code == 200
        assert client.get(f"/matches/?tournament={slug}").status_code == 200


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bowler_max_overs", "65537", "less than or equal to 200"),
    ("bowler_max_overs", str(2**31), "less than or equal to 200"),
    ("bowler_max_overs", "40000", "less than or equal to 200"),
    ("bowler_max_overs", "21", "A bowler cannot bowl more than the innings"),
    ("bowler_max_overs", "0", "greater than or equal to 1"),
    ("follow_on_lead", "1001", "less than or equal to 1000"),
    ("follow_on_lead", "65537", "less than or equal to 1000"),
    ("follow_on_lead", "-1", "greater than or equal to 0"),
])
def test_numbers_out_of_cricket_are_refused_not_wrapped(client, field, value, message):
    client.force_login(make_user("stranger"))
    before = Match.objects.count()
    response = client.post("/score/new/", _setup(**{field: value}))
    assert response.status_code == 400  # the form again, with the error by the field
    assert message in response.content.decode()
    assert Match.objects.count() == before


def test_numbers_in_range_are_kept_exactly(client):
    client.force_login(make_user("organiser"))
    assert client.post("/score/new/", _setup(bowler_max_overs="20",
                                             follow_on_lead="1000")).status_code == 302
    match = Match.objects.get(team_a__name="Trust A")
    assert (match.bowler_max_overs, match.follow_on_lead) == (20, 1000)
    assert match.engine_config().bowler_max_overs == 20  # the engine's copy agrees


@pytest.mark.parametrize("value", ["%00", "%0d%0aSet-Cookie:x=1", "%0a", "a%1fb", "%7f"])
@pytest.mark.parametrize("path", ["/matches/", "/matches/?fragment=1&", "/api/leaderboards"])
def test_control_characters_in_a_query_are_a_clear_400(client, path, value):
    joiner = "" if path.endswith("&") else "?"
    response = client.get(f"{path}{joiner}tournament={value}")
    assert response.status_code == 400
    body = response.content.decode()
    if path.startswith("/api/"):
        assert "control character" in json.loads(body)["error"]
    else:
        assert "control character" in body


def test_an_ordinary_query_is_untouched(client):
    assert client.get("/matches/?tournament=no-such-cup").status_code == 200
    assert client.get("/matches/?tournament=caf%C3%A9").status_code == 200


def test_a_nul_in_an_events_payload_is_a_400_and_stores_nothing(client):
    from events.models import Event

    before = Event.objects.count()
    response = client.post("/api/events", json.dumps({
        "event_type": "page.view", "occurred_at": "2026-12-07T18:00:00Z",
        "payload": {"path": "/a\u0000b"}}), content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in json.dumps(response.json())
    assert Event.objects.count() == before


@pytest.mark.parametrize("event_type", ["players_merged", "match_completed",
                                        "delivery_corrected"])
def test_clients_cannot_post_domain_events(client, event_type):
    from events.models import Event

    before = Event.objects.count()
    response = client.post("/api/events", json.dumps({
        "event_type": event_type, "occurred_at": "2026-12-07T18:00:00Z", "payload": {}}),
        content_type="application/json")
    assert response.status_code == 400
    assert "domain event" in json.dumps(response.json())
    assert Event.objects.count() == before


def test_only_domain_events_are_claimed_whatever_a_client_row_says():
    """Even a client row that names a domain type (stored before the list was one, or by any
    other path) is never claimed by the leaderboards worker."""
    from django.utils import timezone

    from events.models import Event
    from leaderboards.services import leaderboards_process_events

    Event.objects.create(event_type="players_merged", source=Event.Source.CLIENT,
                         actor="anonymous", payload={"keep": 1}, occurred_at=timezone.now())
    assert leaderboards_process_events() == 0
    assert Event.objects.get(source="client").processed_at is None


def test_the_events_endpoint_reads_no_session(client):
    """It is exempt from CSRF because it reads no cookie: a signed-in browser's post is not
    attributed to its user."""
    from events.models import Event

    client.force_login(make_user("fan"))
    response = client.post("/api/events", json.dumps({
        "event_type": "page.view", "occurred_at": "2026-12-07T18:00:00Z", "payload": {}}),
        content_type="application/json")
    assert response.status_code == 202
    assert Event.objects.get(source="client").actor == "anonymous"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(("path", "json_body"), [("/api/matches/{id}", True),
                                                 ("/matches/{id}/", False)])
def test_a_database_outage_is_a_503_with_retry_after_whatever_debug_is(
        client, settings, monkeypatch, debug, path, json_body):
    """make run (DEBUG) degrades as production does: not Django's debug page."""
    from django.db import OperationalError

    from tests.games.factories import make_match

    match = make_match()
    settings.DEBUG = debug

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("games.api.match_get_for_fans", down)
    monkeypatch.setattr("centre.views.match_get_for_fans", down)
    client.raise_request_exception = False
    response = client.get(path.format(id=match.pk))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    if json_body:
        assert "unavailable" in response.json()["error"]
    else:
        assert "unavailable" in response.content.decode()


@pytest.fixture(autouse=True)
def _no_sign_up_limit(settings):
    settings.LOGIN_RATE_LIMIT_PER_MINUTE = 1_000_000  # these tests sign up many times


def _sign_up(client, username, email="new@club.example", password="Sunday-Cricket-2026"):
    return client.post("/accounts/sign-up/", {"username": username, "email": email,
                                              "password1": password, "password2": password})


@pytest.mark.parametrize(("password", "message"), [
    ("1", "too short"), ("password", "too short"), ("12345678901", "entirely numeric"),
    ("qwertyuiop", "too common"), ("alice-club-1", "too similar")])
def test_weak_passwords_are_refused(client, password, message):
    from django.contrib.auth import get_user_model

    response = _sign_up(client, "alice-club", password=password)
    assert response.status_code == 400 and message in response.content.decode()
    assert not get_user_model().objects.filter(username="alice-club").exists()


@pytest.mark.parametrize("lookalike", ["ALICE", "Alice", "\u0430lice", "\uff41lice",
                                       "\u0391LICE"])
def test_a_name_that_looks_like_anothers_is_refused(client, lookalike):
    from django.contrib.auth import get_user_model

    make_user("alice")
    response = _sign_up(client, lookalike)
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1
    assert _sign_up(client, "alicia").status_code == 302  # a different name is fine


def test_one_account_per_email_whatever_its_case(client):
    assert _sign_up(client, "first", email="Me@Club.example").status_code == 302
    client.logout()
    response = _sign_up(client, "second", email="me@club.EXAMPLE")
    assert response.status_code == 400 and "already uses this e-mail" in response.content.decode()


def test_guessing_api_tokens_is_limited_and_logged_once_per_burst(client, settings, caplog):
    import logging

    from tests.games.factories import make_match

    settings.TOKEN_FAILURES_PER_MINUTE = 3
    match = make_match()
    address = "203.0.113.77"  # a guesser of its own: no other test's failures count here
    caplog.set_level(logging.INFO)
    statuses = []
    for n in range(6):
        response = client.post(f"/api/matches/{match.pk}/actions",
                               json.dumps({"action": {"kind": "delivery", "runs": 0}}),
                               content_type="application/json", REMOTE_ADDR=address,
                               HTTP_AUTHORIZATION=f"Bearer sk_guess{n}")
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response["Retry-After"]) >= 1
            assert "Too many bad API tokens" in response.json()["error"]
    assert statuses == [401, 401, 401, 429, 429, 429]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "Too many bad API tokens from 203.0.113.77" in lines[0].getMessage()
    assert Match.objects.get(pk=match.pk).seq == match.seq  # nothing recorded


# ---- random Unicode into every form and JSON field: never a 5xx, nothing stored on refusal ----

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NASTY = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ufffe", "\uffff",
         "\ufdd0", "\U0001f3cf", "\u0301", "\r\n", "\t", "'", '"', "<script>", "%00", "&amp;",
         "\u0430", "\uff41", "\U000e0041"]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)),
                      min_size=1, max_size=6).map("".join)
PROPERTY = hypothesis_settings(max_examples=25, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture])


def _user(username: str):
    """One account for all of a property test's examples (they share the test's database)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first() or make_user(username)


def _counts():
    from django.contrib.auth import get_user_model

    from games.models import Player, Team

    return (Match.objects.count(), Team.objects.count(), Player.objects.count(),
            Tournament.objects.count(), get_user_model().objects.count())


@PROPERTY
@given(team=nasty_text, venue=nasty_text, player=nasty_text, stage=nasty_text)
def test_any_text_in_the_setup_form(client, team, venue, player, stage):
    client.force_login(_user("fuzz-setup"))
    before = _counts()
    response = client.post("/score/new/", _setup(
        team_a=team, venue=venue, stage=stage,
        players_a=[player] + [f"TA {i}" for i in range(2, 12)]))
    assert response.status_code < 500
    if response.status_code != 302:
        assert _counts() == before


@PROPERTY
@given(name=nasty_text, squad=st.lists(nasty_text, max_size=4), season=nasty_text)
def test_any_text_in_the_team_and_tournament_forms(client, name, squad, season):
    client.force_login(_user("fuzz-owner"))
    before = _counts()
    response = client.post("/score/teams/new/", {"name": name, "short_name": name[:10],
                                                 "squad": "\n".join(squad), "managers": ""})
    assert response.status_code < 500
    if response.status_code != 302:
        assert _counts() == before
    before = _counts()
    response = client.post("/score/tournaments/new/", {
        "name": name, "season": season[:20], "points_win": "2", "points_tie": "1",
        "points_no_result": "1", "organisers": ""})
    assert response.status_code < 500
    if response.status_code != 302:
        assert _counts() == before
    assert client.get("/tournaments/").status_code == 200


@PROPERTY
@given(username=nasty_text, email=nasty_text)
def test_any_text_in_the_sign_up_form(client, username, email):
    before = _counts()
    response = client.post("/accounts/sign-up/", {
        "username": username, "email": email, "password1": "Sunday-Cricket-2026",
        "password2": "Sunday-Cricket-2026"})
    assert response.status_code < 500
    if response.status_code != 302:
        assert _counts() == before
    client.logout()


@PROPERTY
@given(value=nasty_text, key=nasty_text, surrogate=st.booleans())
def test_any_text_in_json_bodies(client, value, key, surrogate):
    from events.models import Event
    from tests.games.factories import make_match

    text = json.dumps({"event_type": "page.view", "occurred_at": "2026-12-07T18:00:00Z",
                       "payload": {key: value}})
    if surrogate:  # a lone surrogate escape, as a broken client sends it
        text = text.replace('"page.view"', '"page.view", "x": "\\ud800"')
    before = Event.objects.count()
    response = client.post("/api/events", text, content_type="application/json")
    assert response.status_code < 500 and response["Content-Type"] == "application/json"
    if response.status_code != 202:
        assert Event.objects.count() == before
    match = Match.objects.first() or make_match()
    response = client.post(f"/api/matches/{match.pk}/actions",
                           json.dumps({"action": {"kind": value, key: value},
                                       "idempotency_key": value}),
                           content_type="application/json", HTTP_AUTHORIZATION="Bearer " + (
                               "sk_" + "x" * 10))
    assert response.status_code in (401, 429)  # a stranger's token: refused, never a 5xx
