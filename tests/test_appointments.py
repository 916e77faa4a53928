"""Issue 29: appointments wait for the appointee. Naming someone a co-scorer, co-organiser or
co-manager invites them; they hold the role only once they accept, and only they can answer."""

import pytest

from games.models import Appointment, Team, Tournament
from games.permissions import can_manage_team, can_organise, can_score
from games.setup import match_setup
from tests.games.factories import make_user

pytestmark = pytest.mark.django_db

XI = [f"P {i}" for i in range(1, 12)]


def _friendly(by, scorers=()):
    return match_setup(team_a_name=f"{by.username} A", team_b_name=f"{by.username} B",
                       names_a=XI, names_b=[f"Q {i}" for i in range(1, 12)], toss_winner="a",
                       toss_decision="bat", created_by=by, scorers=scorers)


def test_a_co_scorer_scores_only_after_accepting(client):
    owner, victim = make_user("owner"), make_user("victim")
    match = _friendly(owner, scorers=[victim])
    assert not can_score(victim, match)  # named, not yet a scorer
    client.force_login(victim)
    page = client.get("/score/").content.decode()
    assert "1 invitation" in page
    invitation = Appointment.objects.get(user=victim)
    assert f"scorer of {match}" in client.get("/score/appointments/").content.decode()
    response = client.post("/score/appointments/", {"appointment": invitation.pk,
                                                    "decision": "accept"})
    assert response.status_code == 302
    assert can_score(victim, match) and not Appointment.objects.exists()


def test_a_declined_invitation_gives_nothing(client):
    owner, victim = make_user("owner"), make_user("victim")
    team = Team.objects.create(name="Owners")
    client.force_login(owner)
    team.managers.add(owner)
    response = client.post(f"/score/teams/{team.pk}/", {"name": "Owners", "short_name": "",
                                                        "squad": "\n".join(XI),
                                                        "managers": "victim"}, follow=True)
    assert response.status_code == 200 and "Invited victim" in response.content.decode()
    assert not can_manage_team(victim, team)
    client.force_login(victim)
    invitation = Appointment.objects.get(user=victim, team=team)
    client.post("/score/appointments/", {"appointment": invitation.pk, "decision": "decline"})
    assert not can_manage_team(victim, team) and not Appointment.objects.exists()


def test_only_the_appointee_answers(client):
    owner, victim, mallory = make_user("owner"), make_user("victim"), make_user("mallory")
    client.force_login(owner)
    client.post("/score/tournaments/new/", {"name": "Consent Cup", "season": "2026",
                                            "points_win": "2", "points_tie": "1",
                                            "points_no_result": "1", "organisers": "victim"})
    tournament = Tournament.objects.get(name="Consent Cup")
    assert can_organise(owner, tournament) and not can_organise(victim, tournament)
    invitation = Appointment.objects.get(user=victim)
    for user in (mallory, owner):  # neither a stranger nor the one who invited can accept
        client.force_login(user)
        response = client.post("/score/appointments/", {"appointment": invitation.pk,
                                                        "decision": "accept"})
        assert response.status_code == 400
    assert not can_organise(victim, tournament) and not can_organise(mallory, tournament)


def test_leaving_an_invitee_out_withdraws_the_invitation(client):
    owner, victim = make_user("owner"), make_user("victim")
    match = _friendly(owner, scorers=[victim])
    client.force_login(owner)
    form = client.get(f"/score/{match.pk}/scorers/").content.decode()
    assert "victim" in form  # kept in the form, so saving it again does not withdraw it
    client.post(f"/score/{match.pk}/scorers/", {"scorers": "owner victim"})
    assert Appointment.objects.filter(user=victim).count() == 1
    client.post(f"/score/{match.pk}/scorers/", {"scorers": "owner"})
    assert not Appointment.objects.exists() and can_score(owner, match)


@pytest.mark.parametrize("post", [{"appointment": "x", "decision": "accept"},
                                  {"appointment": "9" * 40, "decision": "accept"},
                                  {"appointment": "\u202e1", "decision": "accept"},
                                  {"appointment": "1", "decision": "yes\x00"}, {}])
def test_bad_answers_are_a_clear_400(client, post):
    victim = make_user("victim")
    _friendly(make_user("owner"), scorers=[victim])
    client.force_login(victim)
    response = client.post("/score/appointments/", post)
    assert response.status_code == 400 and b"accept or decline" in response.content
    assert Appointment.objects.count() == 1


def test_the_page_needs_a_login_and_csrf(client):
    from django.test import Client
    assert client.get("/score/appointments/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    victim = make_user("victim")
    _friendly(make_user("owner"), scorers=[victim])
    strict.force_login(victim)
    invitation = Appointment.objects.get()
    assert strict.post("/score/appointments/", {"appointment": invitation.pk,
                                                "decision": "accept"}).status_code == 403
    assert Appointment.objects.exists()
