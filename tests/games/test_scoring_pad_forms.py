"""The pad's forms never change a scorer's choice, take a wicket on any ball, and speak cricket:
after an error a form comes back exactly as it was sent with the message beside the field;
human labels, not code names; the end-of-over summary; edit-a-past-ball's choices and errors."""

import re

import pytest

from games.models import LogEntry, Match
from games.selectors import pad_snapshot
from tests.games.conftest import Pad

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> str | None:
    """The value of the selected option of the first select called ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else None


def _wicket_form(html: str) -> str:
    panel = r'<details class="panel" id="wicket"[^>]*>(.*?)</details>'
    return re.search(panel, html, re.S).group(0)


def test_a_catch_without_the_fielder_comes_back_as_a_catch_and_then_records_one(pad):
    """The issue's regression: the form came back with How reset to bowled, and the next tap
    recorded bowled without the fielder."""
    a, b = pad.match.a_ids, pad.match.b_ids
    seq = pad.match.seq
    response = pad.post(expect=400, action="wicket", how="caught", player_out=a[0], fielder="",
                        new_batter=a[2])
    form = _wicket_form(response.content.decode())
    assert " open" in form.split(">")[0]  # the panel is open where the scorer left it
    assert _selected(form, "how") == "caught" and _selected(form, "new_batter") == a[2]
    # The message sits right after the fielder's select.
    assert re.search(r'name="fielder">.*?</select></label>\s*<p class="error" role="alert">'
                     r'Say who took the catch\.</p>', form, re.S)
    assert 'value="key-1"' in form  # the same key: a resend is still the same ball
    assert pad.match.seq == seq
    pad.post(action="wicket", how="caught", player_out=a[0], fielder=b[3], new_batter=a[2])
    ball = LogEntry.objects.get(match=pad.match, seq=seq + 1).payload
    assert ball["wickets"] == [{"kind": "caught", "player_out": a[0], "fielders": [b[3]]}]
    assert pad.inn["striker"] == a[2]


def test_no_wicket_is_recorded_until_the_scorer_says_how(pad):
    a = pad.match.a_ids
    response = pad.post(expect=400, action="wicket", how="", player_out=a[0])
    assert "Choose how the batter was out." in response.content.decode()
    assert pad.inn["wickets"] == 0


def test_a_stumping_off_a_wide_and_a_run_out_off_a_no_ball(pad):
    a, b = pad.match.a_ids, pad.match.b_ids
    pad.post(action="wicket", extra="wide", how="stumped", player_out=a[0], fielder=b[10],
             new_batter=a[2])
    assert pad.inn["extras"]["wides"] == 1 and pad.inn["legal_balls"] == 0
    assert pad.inn["batters"][a[0]]["out"]["kind"] == "stumped"
    assert pad.inn["bowlers"][b[0]]["wickets"] == 1  # a stumping is the bowler's
    assert pad.inn["this_over"][-1] == "1wd+W"
    # Run out off a no-ball going for a second run after one off the bat: 1 + the no-ball.
    runs = pad.inn["runs"]
    pad.post(action="wicket", extra="noball", runs="1", noball_runs="bat", how="run_out",
             player_out=a[1], fielder=b[4], new_batter=a[3])
    assert pad.inn["runs"] == runs + 2 and pad.inn["legal_balls"] == 0
    assert pad.inn["batters"][a[1]]["out"] == {"kind": "run_out", "bowler": None,
                                               "fielders": [b[4]]}
    assert pad.inn["bowlers"][b[0]]["wickets"] == 1  # not the bowler's
    assert pad.match.state["free_hit"]


def test_a_run_out_off_byes_and_timed_out(pad):
    a, b = pad.match.a_ids, pad.match.b_ids
    pad.post(action="wicket", extra="bye", runs="1", how="run_out", player_out=a[1],
             fielder=b[2])
    assert pad.inn["extras"]["byes"] == 1 and pad.match.state["needs"] == "new_batter"
    pad.post(action="timed_out", player=a[2])
    assert pad.inn["batters"][a[2]]["out"]["kind"] == "timed_out"
    assert pad.inn["wickets"] == 2 and pad.match.state["needs"] == "new_batter"
    pad.post(action="new_batter", player=a[3])
    assert pad.match.state["needs"] == "delivery"


def test_human_labels_and_w_in_the_balls(pad, client):
    a = pad.match.a_ids
    html = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert ">caught and bowled<" in html and ">caught_and_bowled<" not in html
    assert ">retired hurt<" in html and ">retired_hurt<" not in html
    pad.post(action="wicket", how="bowled", player_out=a[0], new_batter=a[2])
    html = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert '<b class="ball">W</b>' in html and "0+W" not in html


def test_the_end_of_over_summary_before_the_next_bowler(pad, client):
    a = pad.match.a_ids
    for action in ("runs-1", "runs-4", "runs-0", "wide", "runs-6", "runs-0"):
        pad.post(action=action)
    pad.post(action="wicket", how="bowled", player_out=pad.inn["striker"], new_batter=a[2])
    assert pad.match.state["needs"] == "next_bowler"
    html = client.get(f"/score/{pad.match.pk}/").content.decode()
    summary = re.search(r'<div class="over-summary".*?</div>', html, re.S).group(0)
    assert "End of over 1" in html
    assert "12 runs" in summary and "1 wicket" in summary
    assert re.search(r"B1 \d+ 1(\.0)?-0-12-1", summary)  # the bowler's figures after the over


def test_the_next_bowler_starts_on_the_one_who_bowled_from_this_end(pad, client):
    """Spells alternate ends: at the end of an over the select offers, first, whoever bowled
    the over before it (a default only: the scorer picks)."""
    b = pad.match.b_ids
    while pad.match.state["needs"] != "next_bowler":
        pad.post(action="runs-0")
    first_over = pad.inn["last_over"]["bowler"]
    html = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert _selected(html[html.index('data-needs="next_bowler"'):], "player") != first_over
    other = next(p for p in b if p != first_over)
    pad.post(action="next_bowler", player=other)
    for _ in range(6):
        pad.post(action="runs-1")
    html = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert _selected(html[html.index('data-needs="next_bowler"'):], "player") == first_over
    snapshot = pad_snapshot(match=Match.objects.get(pk=pad.match.pk))
    assert snapshot["innings"]["last_over"]["before"] == [first_over]  # pad.js draws the same


@pytest.mark.parametrize(("fields", "kept"), [
    ({"action": "extras", "extra": "noball", "runs": "two", "noball_runs": "legbyes"},
     {"extra": "noball", "noball_runs": "legbyes"}),
    ({"action": "retire", "player": "nobody", "how": "retired_out"}, {"how": "retired_out"}),
    ({"action": "end_match", "result": "tie"}, {"result": "tie"}),
    ({"action": "end_innings", "how": "all_out"}, {"how": "all_out"}),
    ({"action": "penalty", "team": "nobody", "runs": "10"}, {}),
])
def test_every_form_comes_back_as_sent(pad, fields, kept):
    seq = pad.match.seq
    html = pad.post(expect=400, **fields).content.decode()
    form = re.search(rf'<form method="post"[^>]*>(?:(?!</form>).)*value="{fields["action"]}"'
                     r'(?:(?!</form>).)*</form>', html, re.S)
    assert form, "the form that was sent is on the page"
    section = form.group(0)
    for name, value in kept.items():
        assert _selected(section, name) == value, name
    assert 'role="alert"' in section  # its message is inside it
    assert pad.match.seq == seq


def test_start_innings_keeps_its_choices(client):
    from tests.games.factories import make_match, make_user

    match = make_match()
    client.force_login(make_user(staff=True))
    other = Pad(client, match)
    html = other.post(expect=400, action="start_innings", striker=match.a_ids[3],
                      non_striker=match.a_ids[3], bowler=match.b_ids[5]).content.decode()
    assert _selected(html, "striker") == match.a_ids[3]
    assert _selected(html, "bowler") == match.b_ids[5]


def test_edit_a_past_ball_offers_who_was_there_and_says_what_an_edit_would_break(pad, client):
    a = pad.match.a_ids
    pad.post(action="runs-1")  # seq 2: a1 faces, crosses
    pad.post(action="wicket", how="bowled", player_out=a[1], new_batter=a[2])  # seq 3, 4
    page = client.get(f"/score/{pad.match.pk}/balls/2/").content.decode()
    batters = re.search(r'<select name="player_out"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert set(re.findall(r'<option value="(\w+)"', batters)) == {a[0], a[1]}
    # Making ball 2 a wicket of a1 leaves nobody to face seq 3's ball as recorded.
    pad.match.refresh_from_db()
    response = client.post(f"/score/{pad.match.pk}/balls/2/", {
        "expected_seq": pad.match.seq, "idempotency_key": "fix-x", "runs": "0", "how": "bowled",
        "player_out": a[0]})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"later entry illegal: entry 3 \(innings 1, over 0\.2, the ball with a "
                     r"wicket\): .+", html)
    assert _selected(html, "how") == "bowled" and _selected(html, "player_out") == a[0]
    assert 'value="fix-x"' in html
