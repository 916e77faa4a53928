"""Staff screens: every model listed, the log and events read-only, actions through the services."""

import pytest

from games.models import LogEntry
from games.services import match_record_action
from ops.schedules import ensure_schedules
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = make_user(staff=True)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_every_screen_renders(staff_client):
    ensure_schedules()  # what migrate and beat's start do
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    for url in ["/admin/games/tournament/", "/admin/games/team/", "/admin/games/player/",
                "/admin/games/match/?status=live", f"/admin/games/match/{match.pk}/change/",
                "/admin/games/logentry/?kind=start_innings", "/admin/events/eventrecord/",
                "/admin/events/eventrecord/partitions/",
                "/admin/django_celery_beat/periodictask/", "/admin/games/playingconditions/",
                "/admin/games/playingconditions/?competition=ipl",
                f"/admin/games/player/{match.a_ids[0]}/change/",
                "/admin/leaderboards/setasidematch/"]:
        assert staff_client.get(url).status_code == 200, url
    page = staff_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "Rotate event partitions" in page  # the schedule staff can see and edit
    conditions = staff_client.get("/admin/games/playingconditions/").content.decode()
    assert "ICC T20I (free hits after every no-ball)" in conditions  # the seeded presets


def test_log_and_events_are_read_only(staff_client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    entry = LogEntry.objects.get(match=match)
    assert staff_client.get("/admin/games/logentry/add/").status_code == 403
    response = staff_client.post(f"/admin/games/logentry/{entry.pk}/change/", {"kind": "x"})
    assert response.status_code == 403
    assert staff_client.get("/admin/events/eventrecord/add/").status_code == 403


def test_admin_undo_goes_through_the_service(staff_client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 4})
    response = staff_client.post("/admin/games/match/", {
        "action": "undo_last", "_selected_action": [match.pk]}, follow=True)
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.seq == 3 and match.state["innings"][0]["runs"] == 0
    assert match.log.get(seq=3).payload["undone"] == {"kind": "delivery", "runs": 4}


def test_the_log_says_what_happened_in_words(staff_client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 0, "wickets": [
        {"kind": "caught_and_bowled", "player_out": match.a_ids[0]}]})
    page = staff_client.get("/admin/games/logentry/?kind=delivery").content.decode()
    assert "0 off the bat, caught and bowled" in page and ">caught_and_bowled<" not in page
    team = staff_client.get(f"/admin/games/team/{match.team_a_id}/change/").content.decode()
    assert 'name="squad"' in team and 'name="managers"' in team
    tournament_page = staff_client.get("/admin/games/tournament/add/").content.decode()
    assert 'name="organisers"' in tournament_page
