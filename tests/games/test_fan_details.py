"""Issue 33's small things a Cricinfo reader expects: each score in the match list says whose it
is, a finished innings lists who did not bat (not "yet to bat"), and the site has an icon."""

import pytest

from games.models import Team
from tests.games.factories import make_match
from tests.leaderboards.play import play_match

pytestmark = pytest.mark.django_db


def test_each_score_in_the_list_names_its_side(client):
    match = play_match(make_match(overs=1, players=3), [1, 4, 0, 6])
    page = client.get("/matches/").content.decode()
    for team in (match.team_a, match.team_b):
        assert f'<abbr title="{team.name}">{team.abbreviation}</abbr>' in page


@pytest.mark.parametrize(("name", "short", "shown"), [
    ("Kings XI Punjab", "", "KXP"), ("Sussex", "", "SUS"), ("Rising Pune Supergiant", "RPS", "RPS"),
    ("Royal Challengers Bangalore Women", "", "RCBW"),
])
def test_a_sides_abbreviation(name, short, shown):
    assert Team(name=name, short_name=short).abbreviation == shown


def test_a_finished_innings_lists_who_did_not_bat(client):
    match = make_match(overs=1, players=5)
    play_match(match, [1, 1, 1])  # one over each: nobody is out, three did not bat
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert "Did not bat:" in page and "Yet to bat:" not in page


def test_the_site_has_an_icon(client):
    page = client.get("/matches/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_a_rate_of_nought_is_shown(client):
    match = play_match(make_match(overs=1, players=3), [0])
    page = client.get(f"/matches/{match.pk}/").content.decode()
    # Six dots: a strike rate and an economy of 0.0, not the dash that means "no balls yet".
    assert "<td>0.0</td>" in page


def test_a_free_hit_is_marked_in_the_commentary(client):
    from games.services import match_record_action
    from tests.games.factories import start_action

    match = make_match(overs=2, players=3)
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "extras": {"noballs": 1}})
    match_record_action(match=match, action={"kind": "delivery", "runs": 4, "boundary": True})
    match_record_action(match=match, action={"kind": "delivery", "runs": 1})
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert page.count('class="free-hit">FREE HIT</b>') == 1  # the ball after the no-ball only
    line = page[page.index('class="free-hit"'):][:300]
    assert "FOUR" in line


def test_the_worm_draws_the_chase_target(client):
    match = play_match(make_match(overs=1, players=3), [1, 4, 0, 6])
    target = match.state["innings"][1]["target"]
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert f"Target {target}</text>" in page and 'class="target-line"' in page
    first = make_match(overs=1, players=3)
    play_match(first, [1])
    first.refresh_from_db()
    first.state["innings"] = first.state["innings"][:1]  # no chase yet: no line
    from centre.panels import centre_context

    assert centre_context(first)["worm"]["target"] is None
