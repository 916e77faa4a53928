"""The match centre (issue 16) without a browser: every state a match can be in, the commentary
and charts of real matches, the fragment's ETag, and the page's full scorecard with no script."""

import json
import re
from pathlib import Path

import pytest

from centre.panels import match_story
from games.cricsheet_import import cricsheet_import
from games.services import match_record_action
from tests.games.factories import make_match, start_action

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3] / "shared"


def _import(path: Path):
    outcome = cricsheet_import(data=json.loads(path.read_text()), bulk=True)
    assert outcome.ok, outcome.reasons
    return outcome.match


def _page(client, match) -> str:
    response = client.get(f"/matches/{match.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_finished_t20_reads_as_a_result_with_its_story(client):
    match = _import(next(iter(sorted((SHARED / "cricsheet/ipl").glob("*.json")))))
    page = _page(client, match)
    assert 'class="badge badge-completed">Result<' in page
    assert "badge-live" not in page and "Need 0" not in page and "live-panel" not in page
    assert match.result_text in page
    assert "won the toss and chose to" in page
    # Full scorecards for both innings, as tabs over every innings' panel (visible with no script).
    assert page.count('role="tabpanel"') == 2 and 'role="tablist"' in page
    assert page.count("Fall of wickets") == 2
    assert page.count('<caption class="muted">Bowling') == 2
    # Commentary: the last 12 overs, newest first, each with its end-of-over summary.
    overs = re.findall(r"<h3[^>]*>End of over (\d+)", page)
    assert len(overs) == 12 and overs == sorted(overs, key=int, reverse=True)
    assert "All commentary" in page
    everything = client.get(f"/matches/{match.pk}/?commentary=all").content.decode()
    state = match.state["innings"]
    assert len(re.findall(r"<h3[^>]*>End of over", everything)) == sum(
        inn["overs_done"] + (1 if inn["over_balls"] else 0) for inn in state)
    # The charts: a worm line and a Manhattan bar per over per innings, and the run rate, each
    # line drawn over by over (a ball redraws its own over's part).
    assert page.count('<polyline data-k="worm-') == sum(
        inn["overs_done"] + (1 if inn["over_balls"] else 0) for inn in state)
    assert page.count('<polyline data-k="rr-') == sum(inn["overs_done"] for inn in state)
    assert page.count('class="bar series-') == sum(
        inn["overs_done"] + (1 if inn["over_balls"] else 0) for inn in state)
    assert page.count('class="wkt series-') >= 2 * sum(inn["wickets"] for inn in state)


def test_the_story_adds_up_to_the_scorecard():
    """Commentary and charts come from their own fold of the log: what they add up to is the
    engine's scorecard, for every innings of real matches of every kind."""
    for folder in ("cricsheet/ipl", "cricsheet-dev/odi", "cricsheet-dev/test"):
        path = sorted((SHARED / folder).glob("*.json"))[0]
        match = _import(path)
        story = match_story(match)
        for told, inn in zip(story["innings"], match.state["innings"], strict=True):
            # Penalty runs awarded between balls are in the total, not on any ball.
            assert told.worm[-1][0] == inn["legal_balls"], path
            assert 0 <= inn["runs"] - told.worm[-1][1] <= inn["extras"]["penalty"], path
            on_balls = sum(o["runs"] for o in told.overs)
            assert 0 <= told.worm[-1][1] - on_balls <= inn["extras"]["penalty"], path
            assert len(told.wickets) == inn["wickets"] - sum(
                1 for b in inn["batters"].values()
                if b["out"] and b["out"]["kind"] in ("retired_out", "timed_out")), path
        balls = sum(len(o.balls) for o in story["overs"])
        assert balls == match.log.filter(kind="delivery").count() - _undone(match), path


def _undone(match) -> int:
    from cricket import engine

    entries = list(match.log.order_by("seq").values_list("seq", "payload"))
    kept = [a for _, a in engine.effective_actions(entries) if a.get("kind") == "delivery"]
    return match.log.filter(kind="delivery").count() - len(kept)


def test_every_state_of_a_match_has_its_own_summary(client):
    match = make_match(overs=1, players=3)
    page = _page(client, match)
    assert ">Upcoming<" in page and "Not started yet." in page
    assert "Playing XIs" in page and page.count("<li>") == 6  # both XIs of three
    assert "Commentary" not in page  # nothing to tell yet
    match_record_action(match=match, action=start_action(match))
    for runs in (1, 4):
        match_record_action(match=match, action={"kind": "delivery", "runs": runs,
                                                 **({"boundary": True} if runs == 4 else {})})
    page = _page(client, match)
    assert ">Live<" in page and "live-panel" in page and "Projected" in page
    assert "Over 1 <small>" in page and "in progress" in page
    assert "FOUR" in page and 'class="ball ball-4"' in page
    for _ in range(4):
        match_record_action(match=match, action={"kind": "delivery", "runs": 0})
    page = _page(client, match)
    assert ">Innings break<" in page and "live-panel" not in page
    assert f"{match.team_b.name} need 6 to win from 1 over" in page
    assert "End of over 1" in page


def test_a_version_of_the_centre_has_an_immutable_url_of_its_own(client):
    """The polling fallback's reads: the version (cacheable for a second), then the centre at
    that version, which never changes (a cache in front keeps it for good); an older version
    sends to the current one, a version not reached yet is 404, and neither is cached."""
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    version = client.get(f"/matches/{match.pk}/version")
    assert version.json() == {"v": 1} and version["Cache-Control"] == "public, max-age=1"
    first = client.get(f"/matches/{match.pk}/centre/1")
    assert first.status_code == 200 and first["X-Seq"] == "1"
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    ahead = client.get(f"/matches/{match.pk}/centre/2")
    assert ahead.status_code == 404 and ahead["Cache-Control"] == "no-cache"
    match_record_action(match=match, action={"kind": "delivery", "runs": 6, "boundary": True})
    assert client.get(f"/matches/{match.pk}/version").json() == {"v": 2}
    old = client.get(f"/matches/{match.pk}/centre/1?commentary=all")
    assert old.status_code == 302 and old["Cache-Control"] == "no-cache"
    assert old["Location"] == f"/matches/{match.pk}/centre/2?commentary=all"
    second = client.get(f"/matches/{match.pk}/centre/2")
    assert second.status_code == 200 and second["X-Seq"] == "2"
    assert "SIX" in second.content.decode()
    assert client.get("/matches/999999/centre/1").status_code == 404
    assert client.get("/matches/999999/version").status_code == 404


def test_the_overlay_says_which_choices_it_takes(client):
    match = make_match()
    assert client.get(f"/matches/{match.pk}/overlay/").status_code == 200
    for query in ("mode=ticker", "theme=neon", "accent=red", "mode="):
        response = client.get(f"/matches/{match.pk}/overlay/?{query}")
        assert response.status_code == 400, query
        assert "Choose mode from bug, strip, card" in response.content.decode()
    fragment = client.get(f"/matches/{match.pk}/overlay/fragment/0?mode=card")
    assert fragment.status_code == 200 and 'class="ov-card"' in fragment.content.decode()
    assert fragment["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(f"/matches/{match.pk}/overlay/fragment/0?mode=ticker").status_code == 400
    assert client.get(f"/matches/{match.pk}/overlay/fragment/5?mode=card").status_code == 404
    assert client.get("/matches/999999/overlay/").status_code == 404


def test_a_match_shares_as_an_image_and_prints_as_a_scorecard(client):
    from xml.etree import ElementTree

    match = _import(sorted((SHARED / "cricsheet-dev/test").glob("*.json"))[0])
    page = _page(client, match)
    image_url = f"/matches/{match.pk}/card.svg"
    assert f'<meta property="og:image" content="http://testserver{image_url}">' in page
    assert f'content="{match.result_text}"' in page
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    svg = ElementTree.fromstring(image.content)  # well-formed, names escaped
    text = " ".join(svg.itertext())
    assert match.team_a.name in text and match.result_text in text
    assert text.count(" ov)") == len(match.state["innings"])  # every innings of the Test
    printable = client.get(f"/matches/{match.pk}/scorecard/").content.decode()
    assert printable.count('class="innings-card"') == len(match.state["innings"])
    assert "window.print()" in printable and 'role="tabpanel"' not in printable


def test_the_match_list_is_one_request_for_every_live_match(client):
    from games.models import Tournament

    cup = Tournament.objects.create(name="Cup", season="2026", slug="cup-2026")
    in_cup, friendly = make_match(), make_match()
    in_cup.tournament = cup
    in_cup.save()
    for match in (in_cup, friendly):
        match_record_action(match=match, action=start_action(match))
    page = client.get("/matches/")
    html = page.content.decode()
    assert html.count('class="badge badge-live"') == 2 and 'option value="cup-2026"' in html
    assert page["Cache-Control"] == "no-cache"  # the page names who is signed in
    fragment = client.get("/matches/?fragment=1")
    assert fragment.content.decode().startswith('<div id="match-lists">')
    # The same lists for every fan: a cache in front may answer its polls for a few seconds.
    assert fragment["Cache-Control"] == "public, max-age=5"
    assert client.get("/matches/?fragment=1",
                      HTTP_IF_NONE_MATCH=fragment["ETag"]).status_code == 304
    match_record_action(match=friendly, action={"kind": "delivery", "runs": 3})
    changed = client.get("/matches/?fragment=1", HTTP_IF_NONE_MATCH=fragment["ETag"])
    assert changed.status_code == 200 and "3/0" in changed.content.decode()
    only_cup = client.get("/matches/?tournament=cup-2026&fragment=1").content.decode()
    assert in_cup.team_a.name in only_cup and friendly.team_a.name not in only_cup


def test_team_colours_set_in_admin_colour_the_scoreboard_charts_and_overlay(client):
    match = make_match(overs=1, players=3)
    match.team_a.colour = "#123abc"
    match.team_a.save()
    match_record_action(match=match, action=start_action(match))
    for runs in (1, 2, 0, 0, 0, 4):
        match_record_action(match=match, action={"kind": "delivery", "runs": runs})
    page = _page(client, match)
    assert 'style="--team: #123abc"' in page
    assert 'style="stroke: #123abc"' in page and 'style="fill: #123abc"' in page
    overlay = client.get(f"/matches/{match.pk}/overlay/").content.decode()
    assert 'class="ov-team" style="background: #123abc"' in overlay


@pytest.mark.parametrize(("result", "badge"), [("abandoned", "Abandoned"),
                                                ("no_result", "No result")])
def test_a_match_without_a_result_says_so_and_is_not_live(client, result, badge):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 2})
    match_record_action(match=match, action={"kind": "end_match", "result": result})
    page = _page(client, match)
    assert f">{badge}<" in page and "live-panel" not in page and "badge-live" not in page
    match.refresh_from_db()
    assert f'<p class="result" data-k="head-result">{match.result_text}</p>' in page


def test_the_live_fragment_travels_compressed(client):
    match = _import(sorted((SHARED / "cricsheet/ipl").glob("*.json"))[0])
    plain = client.get(f"/matches/{match.pk}/centre/{match.seq}")
    packed = client.get(f"/matches/{match.pk}/centre/{match.seq}", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) * 4 < len(plain.content)
