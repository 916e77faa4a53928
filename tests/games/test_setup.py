"""Setting cricket up from the console: accounts, organisers who own their tournaments, squads,
match set-up from a format preset with XIs from squads, captains and keepers."""

import re

import pytest
from django.core import mail

from games.models import Match, MatchPlayer, Player, Team, Tournament
from leaderboards.scopes import tournament_scope
from leaderboards.selectors import board_summary
from tests.games.factories import accept_invitations, make_match, make_user

pytestmark = pytest.mark.django_db


def _xi(prefix: str, n: int = 11) -> list[str]:
    return [f"{prefix} {i}" for i in range(1, n + 1)]


def _setup(**overrides) -> dict:
    form = {"team_a": "Ruddington CC", "team_b": "Keyworth CC", "format": "club_t20",
            "players_per_side": "11", "players_a": _xi("Rudd"), "players_b": _xi("Key"),
            "toss_winner": "a", "toss_decision": "bat", "scorers": ""}
    form.update(overrides)
    return form


# --- Accounts ------------------------------------------------------------------------------------

def test_sign_up_logs_in_and_a_bad_form_keeps_what_was_typed(client):
    response = client.post("/accounts/sign-up/", {
        "username": "newscorer", "email": "not-an-email", "password1": "a-Long-pass-99",
        "password2": "a-Long-pass-99"})
    page = response.content.decode()
    assert response.status_code == 400 and "valid email" in page
    assert 'value="newscorer"' in page  # what was typed stays
    response = client.post("/accounts/sign-up/", {
        "username": "newscorer", "email": "me@club.example", "password1": "a-Long-pass-99",
        "password2": "a-Long-pass-99"})
    assert response.status_code == 302 and response["Location"] == "/score/"
    assert client.get("/score/").status_code == 200  # signed in


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = make_user("forgetful")
    user.email = "forgetful@club.example"
    user.save()
    response = client.post("/accounts/password-reset/", {"email": "forgetful@club.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@club.example"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "Another-pass-77", "new_password2": "Another-pass-77"})
    assert response.status_code == 302
    assert client.login(username="forgetful", password="Another-pass-77")


def test_every_page_has_the_site_navigation(client):
    page = client.get("/matches/").content.decode()
    for href, label in (("/matches/", "Matches"), ("/tournaments/", "Tournaments"),
                        ("/leaderboards/", "Leaderboards"), ("/score/", "Score")):
        assert f'href="{href}"' in page and label in page
    assert 'href="/matches/" aria-current="page"' in page
    client.force_login(make_user())
    assert 'aria-label="Site"' in client.get("/score/new/").content.decode()


# --- Organisers own their tournaments ------------------------------------------------------------

@pytest.fixture
def league():
    organiser = make_user("organiser")
    tournament = Tournament.objects.create(name="Notts League", season="2026")
    tournament.organisers.add(organiser)
    return tournament, organiser


def test_only_organisers_add_matches_to_their_tournament(client, league):
    tournament, organiser = league
    client.force_login(make_user("outsider"))
    form_page = client.get("/score/new/").content.decode()
    assert "Notts League" not in form_page  # not offered to an outsider
    response = client.post("/score/new/", _setup(tournament=str(tournament.pk)))
    assert response.status_code == 403 and "organisers of Notts League" in response.content.decode()
    assert not Match.objects.exists() and not Team.objects.exists()
    client.force_login(organiser)
    assert "Notts League" in client.get("/score/new/").content.decode()
    assert client.post("/score/new/", _setup(tournament=str(tournament.pk))).status_code == 302
    assert Match.objects.get().tournament == tournament


def test_only_organisers_appoint_a_tournament_matchs_scorers(client, league):
    tournament, organiser = league
    creator = make_user("creator")  # set it up before the organisers were this strict
    match = make_match(scorer=creator, tournament=tournament)
    make_user("friend")
    client.force_login(creator)
    response = client.post(f"/score/{match.pk}/scorers/", {"scorers": "friend"})
    assert response.status_code == 403
    assert list(match.scorers.all()) == [creator]
    client.force_login(organiser)
    assert client.post(f"/score/{match.pk}/scorers/", {"scorers": "friend"}).status_code == 302
    assert accept_invitations("friend") == 1
    assert [u.username for u in match.scorers.all()] == ["friend"]


def test_an_outsider_cannot_change_the_table(client, league):
    """The attack from issue 14: a fresh account sets up a match in the tournament and declares
    a result. Refused, nothing stored, and the table stays empty."""
    tournament, _ = league
    client.force_login(make_user("attacker"))
    assert client.post("/score/new/", _setup(tournament=str(tournament.pk))).status_code == 403
    # A friendly between the same sides never counts in the tournament's table.
    assert client.post("/score/new/", _setup()).status_code == 302
    friendly = Match.objects.get()
    assert friendly.tournament is None
    response = client.post(f"/score/{friendly.pk}/", {
        "action": "end_match", "result": "won", "winner": str(friendly.team_a_id),
        "unit": "runs", "margin": "10", "expected_seq": "0", "idempotency_key": "x",
        "confirm": "on"})
    assert response.status_code == 302
    assert board_summary(scope=tournament_scope(tournament.pk))["standings"] == []


def test_organisers_create_and_edit_their_tournaments(client):
    owner, other = make_user("owner"), make_user("other")
    client.force_login(owner)
    response = client.post("/score/tournaments/new/", {
        "name": "Sunday Cup", "season": "2026", "points_win": "4", "points_tie": "2",
        "points_no_result": "2", "organisers": ""})
    assert response.status_code == 302
    cup = Tournament.objects.get(name="Sunday Cup")
    assert list(cup.organisers.all()) == [owner]
    client.force_login(other)
    assert client.get(f"/score/tournaments/{cup.slug}/").status_code == 403
    assert client.post(f"/score/tournaments/{cup.slug}/", {
        "name": "Hijacked", "season": "2026", "points_win": "2", "points_tie": "1",
        "points_no_result": "1"}).status_code == 403
    cup.refresh_from_db()
    assert cup.name == "Sunday Cup"


# --- Squads --------------------------------------------------------------------------------------

def test_a_team_keeps_a_squad_and_its_players_keep_their_identity(client):
    manager = make_user("manager")
    client.force_login(manager)
    response = client.post("/score/teams/new/", {
        "name": "Ruddington CC", "short_name": "RUD", "squad": "\n".join(_xi("Rudd", 14)),
        "managers": ""})
    assert response.status_code == 302
    team = Team.objects.get(name="Ruddington CC")
    assert team.squad.count() == 14 and list(team.managers.all()) == [manager]
    rudd_1 = Player.objects.get(name="Rudd 1")
    # Saving again keeps the same people; a dropped name leaves the squad, not the records.
    client.post(f"/score/teams/{team.pk}/", {
        "name": "Ruddington CC", "short_name": "RUD", "squad": "\n".join(_xi("Rudd", 13)),
        "managers": ""})
    assert team.squad.count() == 13 and team.squad.filter(pk=rudd_1.pk).exists()
    assert Player.objects.filter(name="Rudd 14").exists()
    client.force_login(make_user("stranger"))
    assert client.post(f"/score/teams/{team.pk}/", {
        "name": "Mine now", "squad": "X"}).status_code == 403


def test_set_up_from_a_preset_picks_xis_from_squads_with_captain_and_keeper(client):
    manager = make_user("manager")
    client.force_login(manager)
    client.post("/score/teams/new/", {"name": "Ruddington CC", "squad": "\n".join(_xi("Rudd", 13))})
    squad_ids = set(Team.objects.get(name="Ruddington CC").squad.values_list("pk", flat=True))
    # Step two offers the squad for type-ahead and names the toss by team.
    page = client.get("/score/new/", {"team_a": "Ruddington CC", "team_b": "Keyworth CC",
                                      "format": "club_t20", "players_per_side": "11"})
    html = page.content.decode()
    assert '<datalist id="squad-a">' in html and '<option value="Rudd 13">' in html
    assert "Ruddington CC</label>" in html.replace("\n", "") or ">Ruddington CC<" in html
    players_a = [*_xi("Rudd", 10), "Newcomer"]  # a newcomer added in place
    response = client.post("/score/new/", _setup(players_a=players_a, captain_a="2",
                                                 keeper_a="10", captain_b="0"))
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.overs, match.bowler_max_overs, match.innings_per_side) == (20, 4, 1)
    assert match.playing_conditions is not None
    xi = list(MatchPlayer.objects.filter(match=match, team=match.team_a).order_by("order"))
    assert {mp.player_id for mp in xi[:10]} <= squad_ids  # the squad's own players
    assert xi[2].captain and xi[10].keeper and xi[10].player.name == "Newcomer"
    assert match.team_a.squad.filter(name="Newcomer").exists()  # joins the squad
    # The next set-up starts from this XI, in its batting order.
    page = client.get("/score/new/", {"team_a": "Ruddington CC", "team_b": "Keyworth CC",
                                      "format": "club_t20", "players_per_side": "11"})
    html = page.content.decode()
    assert html.index('name="players_a" value="Rudd 1"') < html.index(
        'name="players_a" value="Newcomer"')


def test_presets_fill_the_conditions_and_the_scorer_may_change_them(client):
    client.force_login(make_user())
    client.post("/score/new/", _setup(format="test", team_a="A XI", team_b="B XI"))
    test = Match.objects.get(team_a__name="A XI")
    assert (test.overs, test.innings_per_side, test.follow_on_lead, test.bowler_max_overs) == (
        None, 2, 200, None)
    client.post("/score/new/", _setup(format="odi", team_a="C XI", team_b="D XI",
                                      overs="45", bowler_max_overs="9"))
    odi = Match.objects.get(team_a__name="C XI")
    assert (odi.overs, odi.bowler_max_overs) == (45, 9)
    client.post("/score/new/", _setup(format="custom", team_a="E XI", team_b="F XI"))
    assert Match.objects.get(team_a__name="E XI").overs is None  # custom, empty: unlimited


def test_a_players_page_lists_every_match_they_played(client):
    client.force_login(make_user())
    client.post("/score/new/", _setup(captain_a="0"))
    client.post("/score/new/", _setup(team_b="Plumtree CC", players_b=_xi("Plum")))
    rudd_1 = Player.objects.get(name="Rudd 1")
    page = client.get(f"/players/{rudd_1.pk}/").content.decode()
    assert "Ruddington CC v Keyworth CC" in page and "Ruddington CC v Plumtree CC" in page
    assert "for Ruddington CC (captain)" in page
    for match in Match.objects.all():
        assert f'href="/matches/{match.pk}/"' in page
