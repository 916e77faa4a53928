"""Issue 29's authorization matrix: every write (and every page that leads to one) tried by an
anonymous visitor, by an account that owns nothing, and with a stranger's API token. Each is
refused with a clear status and changes nothing; the owners' own requests are the control."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from games.models import Appointment, LogEntry, Match, Player, Team, Tournament
from games.services import match_record_action
from games.setup import match_setup, team_save, tournament_save
from tests.games.factories import make_user

pytestmark = pytest.mark.django_db

XI = [f"Own {i}" for i in range(1, 12)]


@pytest.fixture
def world():
    """An owner with a match (started), a tournament, a team with a guest XI of it waiting, an
    invitation to someone else, and an API token; a stranger who owns nothing."""
    owner, invitee, stranger = make_user("owner"), make_user("invitee"), make_user("stranger")
    tournament = tournament_save(tournament=Tournament(name="Owned Cup", season="2026"),
                                 by=owner)
    team = team_save(team=Team(name="Owned XI"), names=XI, by=owner)
    match = match_setup(team_a_name="Owned XI", team_b_name="Other XI", names_a=XI,
                        names_b=[f"Oth {i}" for i in range(1, 12)], toss_winner="a",
                        toss_decision="bat", created_by=owner, scorers=[invitee],
                        tournament=tournament)
    ids = [str(mp.player_id) for mp in match.players.order_by("team_id", "order")]
    match_record_action(match=match, action={"kind": "start_innings", "striker": ids[0],
                                             "non_striker": ids[1], "bowler": ids[11]})
    match_record_action(match=match, action={"kind": "delivery", "runs": 1})
    guest = match_setup(team_a_name="owned xi", team_b_name="Visitors", names_a=XI,
                        names_b=[f"Vis {i}" for i in range(1, 12)], toss_winner="a",
                        toss_decision="bat", created_by=make_user("visitor")).team_a
    _, token = api_token_create(user=stranger, name="stranger's")
    return {"owner": owner, "stranger": stranger, "match": Match.objects.get(pk=match.pk),
            "tournament": tournament, "team": team, "guest": guest, "token": token,
            "invitation": Appointment.objects.get(user=invitee),
            "owner_token": ApiToken.objects.create(user=owner, name="owner's", prefix="sk_x",
                                                   key_hash="0" * 64)}


def _fingerprint(world) -> tuple:
    match = Match.objects.get(pk=world["match"].pk)
    team = Team.objects.get(pk=world["team"].pk)
    tournament = Tournament.objects.get(pk=world["tournament"].pk)
    return (LogEntry.objects.count(), match.seq, tuple(match.scorers.values_list("pk")),
            tuple(team.squad.values_list("pk")), tuple(team.managers.values_list("pk")),
            team.name, tournament.name, tuple(tournament.organisers.values_list("pk")),
            Team.objects.filter(pk=world["guest"].pk).values_list("link_status").first(),
            Appointment.objects.count(), ApiToken.objects.count(), Player.objects.count(),
            Match.objects.filter(tournament=tournament).count())


def _requests(world) -> list[tuple[str, str, dict]]:
    m, t, team = world["match"].pk, world["tournament"].slug, world["team"].pk
    xi = {"team_a": "Owned XI", "team_b": "Stranger XI", "format": "club_t20",
          "players_per_side": "11", "players_a": XI, "players_b": [f"S {i}" for i in range(11)],
          "toss_winner": "a", "toss_decision": "bat", "scorers": "",
          "tournament": str(world["tournament"].pk)}
    return [
        ("get", f"/score/{m}/", {}),
        ("post", f"/score/{m}/", {"action": "runs-4", "expected_seq": "3",
                                  "idempotency_key": "k1"}),
        ("get", f"/score/{m}/balls/", {}),
        ("post", f"/score/{m}/balls/3/", {"runs": "6", "expected_seq": "3"}),
        ("get", f"/score/{m}/scorecard/", {}),
        ("post", f"/score/{m}/scorers/", {"scorers": "stranger"}),
        ("post", "/score/new/", xi),
        ("post", f"/score/tournaments/{t}/", {"name": "Stolen Cup", "season": "2026",
                                              "points_win": "9", "points_tie": "1",
                                              "points_no_result": "1", "organisers": ""}),
        ("post", f"/score/teams/{team}/", {"name": "Stolen XI", "squad": "Intruder",
                                           "managers": "stranger"}),
        ("post", f"/score/teams/{team}/merge/", {"keep": "1", "duplicate": "2"}),
        ("post", "/score/teams/links/", {"guest": world["guest"].pk, "decision": "accept"}),
        ("post", "/score/appointments/", {"appointment": world["invitation"].pk,
                                          "decision": "accept"}),
        ("post", "/accounts/api-tokens/", {"revoke": world["owner_token"].pk}),
        ("json", f"/api/matches/{m}/actions", {"action": {"kind": "delivery", "runs": 4},
                                               "expected_seq": 3, "idempotency_key": "k2"}),
    ]


def _send(client, method, path, data, **extra):
    if method == "json":
        return client.post(path, data, content_type="application/json", **extra)
    return getattr(client, method)(path, data, **extra)


@pytest.mark.parametrize("index", range(14))
def test_an_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, world, index):
    method, path, data = _requests(world)[index]
    before = _fingerprint(world)
    response = _send(client, method, path, data)
    assert response.status_code in (302, 401, 403), (path, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert _fingerprint(world) == before


@pytest.mark.parametrize("index", range(14))
def test_an_account_that_owns_nothing_is_refused_and_changes_nothing(client, world, index):
    method, path, data = _requests(world)[index]
    client.force_login(world["stranger"])
    before = _fingerprint(world)
    response = _send(client, method, path, data)
    assert response.status_code in (302, 400, 403, 404), (path, response.status_code)
    if response.status_code == 302:  # only where the form answers "done" for what is yours
        assert path == "/accounts/api-tokens/"
        follow = client.get(response["Location"]).content.decode()
        assert "already revoked (or is not yours)" in follow
    assert _fingerprint(world) == before


@pytest.mark.parametrize("header", [{"HTTP_AUTHORIZATION": "Bearer {token}"},
                                    {"HTTP_AUTHORIZATION": "Bearer {token}",
                                     "HTTP_X_FORWARDED_FOR": "127.0.0.1",
                                     "HTTP_X_FORWARDED_USER": "owner",
                                     "HTTP_REMOTE_USER": "owner"}])
def test_a_strangers_token_and_spoofed_headers_score_nothing(world, header):
    client = Client()
    extra = {k: v.format(token=world["token"]) for k, v in header.items()}
    before = _fingerprint(world)
    response = client.post(f"/api/matches/{world['match'].pk}/actions",
                           {"action": {"kind": "delivery", "runs": 6}, "idempotency_key": "t"},
                           content_type="application/json", **extra)
    assert response.status_code == 403 and "scorers" in response.json()["error"]
    assert _fingerprint(world) == before


def test_the_owners_requests_go_through(world):
    """The control: the same kind of request from the owner is not refused."""
    client = Client()
    client.force_login(world["owner"])
    m = world["match"].pk
    assert client.get(f"/score/{m}/").status_code == 200
    response = client.post(f"/api/matches/{m}/actions", {
        "action": {"kind": "delivery", "runs": 4}, "expected_seq": world["match"].seq,
        "idempotency_key": "own"}, content_type="application/json")
    assert response.status_code == 201
    assert client.post(f"/score/tournaments/{world['tournament'].slug}/", {
        "name": "Owned Cup", "season": "2026", "points_win": "3", "points_tie": "1",
        "points_no_result": "1", "organisers": ""}).status_code == 302
    assert client.post("/score/teams/links/", {"guest": world["guest"].pk,
                                               "decision": "reject"}).status_code == 302
    assert Tournament.objects.get(pk=world["tournament"].pk).points_win == 3
