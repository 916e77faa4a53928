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
    assert "NUL" in response.json()["error"]
    assert Event.objects.count() == before
