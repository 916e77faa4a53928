"""Scorer console flows beyond one-tap balls: extras with runs, wickets with the new batter,
strike, retirements, corrections, targets, ends, match set-up, scorers, scorecard and CSRF."""

import json

import pytest
from django.test import Client

from games.models import LogEntry, Match, Player
from games.services import match_record_action
from tests.games.factories import accept_invitations, make_match, make_user, start_action

pytestmark = pytest.mark.django_db


def test_extras_with_runs(pad):
    pad.post(action="extras", extra="wide", runs="2")
    assert pad.inn["extras"]["wides"] == 3 and pad.inn["legal_balls"] == 0
    pad.post(action="extras", extra="noball", runs="4", noball_runs="bat", boundary="on")
    assert pad.inn["extras"]["noballs"] == 1 and pad.inn["runs"] == 8
    assert pad.match.state["free_hit"] is True
    pad.post(action="extras", extra="noball", runs="2", noball_runs="legbyes")
    assert (pad.inn["extras"]["noballs"], pad.inn["extras"]["legbyes"]) == (2, 2)
    pad.post(action="extras", extra="bye", runs="4", boundary="on")
    assert pad.inn["extras"]["byes"] == 4 and pad.inn["legal_balls"] == 1
    assert pad.inn["runs"] == 3 + 5 + 3 + 4


def test_bad_numbers_get_a_message_and_record_nothing(pad):
    seq = pad.match.seq
    response = pad.post(expect=400, action="extras", extra="wide", runs="two")
    assert "Runs must be a whole number" in response.content.decode()
    response = pad.post(expect=400, action="extras", extra="seven", runs="1")
    assert "Choose the extra" in response.content.decode()
    assert pad.match.seq == seq


def test_a_wicket_with_the_new_batter_in_one_form(pad):
    a = pad.match.a_ids
    pad.post(action="wicket", how="bowled", player_out=a[0], new_batter=a[2])
    assert pad.inn["wickets"] == 1 and pad.inn["striker"] == a[2]
    assert pad.match.state["needs"] == "delivery"
    kinds = list(LogEntry.objects.filter(match=pad.match).order_by("seq")
                 .values_list("kind", flat=True))
    assert kinds == ["start_innings", "delivery", "new_batter"]


def test_an_impossible_wicket_shows_the_engines_message(pad):
    a, b = pad.match.a_ids, pad.match.b_ids
    response = pad.post(expect=400, action="wicket", how="stumped", player_out=a[1],
                        fielder=b[1])
    assert "non-striker" in response.content.decode()
    assert pad.inn["wickets"] == 0


def test_swap_strike_retire_and_change_bowler(pad):
    a, b = pad.match.a_ids, pad.match.b_ids
    pad.post(action="swap_strike")
    assert (pad.inn["striker"], pad.inn["non_striker"]) == (a[1], a[0])
    pad.post(action="retire", player=a[1], how="retired_hurt")
    assert pad.match.state["needs"] == "new_batter" and pad.inn["wickets"] == 0
    pad.post(action="new_batter", player=a[2])
    pad.post(action="runs-1")
    pad.post(action="change_bowler", player=b[3])
    assert pad.inn["bowler"] == b[3]


def test_edit_a_past_ball(pad, client):
    pad.post(action="runs-1")
    pad.post(action="runs-2")
    entry = LogEntry.objects.get(match=pad.match, seq=2)
    listing = client.get(f"/score/{pad.match.pk}/balls/").content.decode()
    assert f"/balls/{entry.seq}/" in listing and "0.1" in listing
    page = client.get(f"/score/{pad.match.pk}/balls/{entry.seq}/")
    assert page.status_code == 200 and 'name="runs"' in page.content.decode()
    pad.match.refresh_from_db()
    response = client.post(f"/score/{pad.match.pk}/balls/{entry.seq}/", {
        "expected_seq": pad.match.seq, "idempotency_key": "fix-1", "runs": "4",
        "boundary": "on"})
    assert response.status_code == 302
    pad.match.refresh_from_db()
    # 4 then 2 (no crossing on either) instead of 1 then 2: the opener keeps the strike.
    assert pad.inn["runs"] == 6 and pad.inn["striker"] == pad.match.a_ids[0]
    last = LogEntry.objects.filter(match=pad.match).latest("seq")
    assert last.kind == "correct" and last.payload["before"]["runs"] == 1
    assert client.get(f"/score/{pad.match.pk}/balls/999/").status_code == 404


def test_revised_target_and_a_refused_declaration(pad):
    seq = pad.match.seq
    response = pad.post(expect=400, action="end_innings", how="declared")
    assert "Tick “Yes, end the innings” first" in response.content.decode()
    assert pad.match.seq == seq  # no confirmation, nothing recorded
    response = pad.post(expect=400, action="end_innings", how="declared", confirm="on")
    assert "Declarations are not allowed" in response.content.decode()
    assert pad.match.seq == seq
    pad.post(action="runs-4")
    pad.post(action="end_innings", how="interrupted", confirm="on")
    b = pad.match.b_ids
    pad.post(action="start_innings", striker=b[0], non_striker=b[1], bowler=pad.match.a_ids[0])
    pad.post(action="revise_target", runs="30", overs="5", method="DLS")
    assert pad.inn["target"] == 30 and pad.inn["max_overs"] == 5


def test_end_match_no_result(pad, client):
    pad.post(action="end_match", result="no_result", confirm="on")
    assert pad.match.status == Match.Status.COMPLETED
    page = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert "No result" in page and 'value="runs-1"' not in page


def test_the_scorer_scorecard(pad, client):
    pad.post(action="runs-4")
    pad.post(action="wide")
    page = client.get(f"/score/{pad.match.pk}/scorecard/").content.decode()
    names = dict(pad.match.engine_config().names)
    assert names[pad.match.a_ids[0]] in page and names[pad.match.b_ids[0]] in page
    assert "w 1" in page and "Total" in page and "Yet to bat" in page


def test_non_scorers_cannot_see_or_edit_balls(client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 1})
    client.force_login(make_user())
    for url in (f"/score/{match.pk}/balls/", f"/score/{match.pk}/balls/2/",
                f"/score/{match.pk}/scorecard/"):
        assert client.get(url).status_code == 403
    response = client.post(f"/score/{match.pk}/balls/2/", {
        "expected_seq": 2, "idempotency_key": "x", "runs": "6"})
    assert response.status_code == 403 and LogEntry.objects.filter(match=match).count() == 2


def _setup_form(**overrides):
    form = {"team_a": "Ruddington CC", "team_b": "Keyworth CC", "format": "custom", "overs": "20",
            "balls_per_over": "6", "innings_per_side": "1", "players_per_side": "11",
            "players_a": "\n".join(f"Rudd {i}" for i in range(1, 12)),
            "players_b": "\n".join(f"Key {i}" for i in range(1, 12)),
            "toss_winner": "b", "toss_decision": "field", "scorers": ""}
    form.update(overrides)
    return form


def test_create_a_match_and_score_it(client):
    creator, helper = make_user(), make_user("helper")
    client.force_login(creator)
    assert client.get("/score/new/").status_code == 200
    response = client.post("/score/new/", _setup_form(scorers="helper"))
    assert response.status_code == 302
    match = Match.objects.get(team_a__name="Ruddington CC")
    assert set(match.scorers.all()) == {creator}  # the helper is invited, not yet a scorer
    assert accept_invitations(helper) == 1
    assert set(match.scorers.all()) == {creator, helper}
    config = match.engine_config()
    assert config.batting_first == str(match.team_a_id)  # Keyworth won the toss and fielded
    assert [config.name(p) for p in config.teams[0].players][:2] == ["Rudd 1", "Rudd 2"]
    assert client.get(response["Location"]).status_code == 200
    # The next match between the clubs finds the same players (careers carry on).
    client.post("/score/new/", _setup_form())
    assert Player.objects.filter(name="Rudd 1").count() == 1


def test_a_bad_set_up_says_what_to_fix_and_creates_nothing(client):
    client.force_login(make_user())
    response = client.post("/score/new/", _setup_form(
        players_a="Only One\nOnly Two", team_b="Ruddington CC", scorers="nobody-here"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter 11 players" in page and "No account is called nobody-here" in page
    assert "must be different" in page
    assert not Match.objects.exists()


def test_only_the_creator_or_staff_choose_scorers(client):
    creator = make_user()
    match = make_match(scorer=creator)
    make_user("second")
    client.force_login(make_user())
    assert client.post(f"/score/{match.pk}/scorers/", {"scorers": "x"}).status_code == 403
    client.force_login(creator)
    response = client.post(f"/score/{match.pk}/scorers/", {"scorers": "second"})
    assert response.status_code == 302
    assert not match.scorers.exists()  # the creator stepped down; "second" is invited
    assert accept_invitations("second") == 1
    assert [u.username for u in match.scorers.all()] == ["second"]


def test_every_pad_form_needs_its_csrf_token(pad):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(staff=True))
    seq = pad.match.seq
    response = strict.post(f"/score/{pad.match.pk}/", {
        "action": "runs-1", "expected_seq": seq, "idempotency_key": "csrf"})
    assert response.status_code == 403
    page = strict.get(f"/score/{pad.match.pk}/").content.decode()
    assert page.count("csrfmiddlewaretoken") >= page.count("<form method=\"post\"") > 5
    pad.match.refresh_from_db()
    assert pad.match.seq == seq


def test_pad_js_posts_get_the_new_pad_in_one_response(pad, client):
    pad.match.refresh_from_db()
    seq = pad.match.seq
    fields = {"action": "runs-4", "expected_seq": seq, "idempotency_key": "fetch-1"}
    response = client.post(f"/score/{pad.match.pk}/", fields, HTTP_X_PAD_FETCH="1")
    assert response.status_code == 200
    assert f'name="expected_seq" value="{seq + 1}"' in response.content.decode()
    assert (response["X-Pad-Outcome"], response["X-Pad-Seq"]) == ("recorded", str(seq + 1))
    again = client.post(f"/score/{pad.match.pk}/", fields, HTTP_X_PAD_FETCH="1")  # a retry
    assert again.status_code == 200
    assert (again["X-Pad-Outcome"], again["X-Pad-Seq"]) == ("replayed", str(seq + 1))
    pad.match.refresh_from_db()
    assert pad.match.seq == seq + 1 and pad.inn["runs"] == 4


def test_pad_js_gets_the_snapshot_it_draws_while_the_pad_keeps_its_shape(pad, client):
    """pad.js (X-Pad-Fetch: snapshot) gets the new seq, a fresh key and the snapshot it draws the
    pad from — exactly the one the page would embed — and the whole page when the pad changes
    shape: a warning to show, the innings over."""
    from games.selectors import pad_snapshot

    pad.match.refresh_from_db()
    seq, url = pad.match.seq, f"/score/{pad.match.pk}/"
    fields = {"action": "runs-4", "expected_seq": seq, "idempotency_key": "snap-1"}
    response = client.post(url, fields, HTTP_X_PAD_FETCH="snapshot")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert (response["X-Pad-Outcome"], response["X-Pad-Seq"]) == ("recorded", str(seq + 1))
    body = response.json()
    pad.match.refresh_from_db()
    assert body["seq"] == seq + 1 and len(body["key"]) == 32
    assert body["snapshot"] == pad_snapshot(match=pad.match)
    assert body["snapshot"]["innings"]["runs"] == pad.inn["runs"]
    page = client.get(url).content.decode()
    assert json.dumps(body["snapshot"])[:40] in page  # the page embeds the same snapshot

    again = client.post(url, fields, HTTP_X_PAD_FETCH="snapshot")  # a retry: one ball
    assert again["X-Pad-Outcome"] == "replayed" and again.json()["seq"] == seq + 1
    assert again.json()["key"] != body["key"]

    for _ in range(5 - pad.inn["over_balls"]):  # to the end of the over
        pad.post(action="runs-0")
    pad.match.refresh_from_db()
    over_end = client.post(url, {"action": "runs-1", "expected_seq": pad.match.seq,
                                 "idempotency_key": "snap-over"}, HTTP_X_PAD_FETCH="snapshot")
    snapshot, at = over_end.json()["snapshot"], over_end.json()["seq"]
    assert snapshot["needs"] == "next_bowler"
    assert snapshot["innings"]["last_over"]["number"] == 1
    assert snapshot["innings"]["last_over"]["balls"][-1] == "1"

    # The last over's bowler again: recorded with the umpires' warning, which the pad must show.
    warned = client.post(url, {"action": "next_bowler", "player": pad.match.b_ids[0],
                               "expected_seq": at, "idempotency_key": "snap-warn"},
                         HTTP_X_PAD_FETCH="snapshot")
    assert warned["X-Pad-Outcome"] == "recorded" and warned["Content-Type"].startswith("text/html")
    assert "Recorded as the umpires allowed it" in warned.content.decode()
    ended = client.post(url, {"action": "end_innings", "how": "interrupted", "confirm": "on",
                              "expected_seq": at + 1, "idempotency_key": "snap-end"},
                        HTTP_X_PAD_FETCH="snapshot")
    assert ended["X-Pad-Outcome"] == "recorded" and ended["Content-Type"].startswith("text/html")
    assert "Start the innings" in ended.content.decode()  # the pad changed shape
    b = pad.match.b_ids
    start = client.post(url, {"action": "start_innings", "striker": b[0], "non_striker": b[1],
                              "bowler": pad.match.a_ids[0], "expected_seq": at + 2,
                              "idempotency_key": "snap-start"}, HTTP_X_PAD_FETCH="snapshot")
    # Drawable again: pad.js itself fetches the whole pad when its page lacks the panels.
    assert start.json()["snapshot"]["innings"]["batting_xi"][0] == b[0]


def test_the_pad_tells_the_offline_queue_what_became_of_each_post(pad, client):
    """The queue (static/js/pad_queue.js) goes on after "recorded" or "replayed", and stops for
    the scorer after "stale" (nothing recorded, no flash message: the pad shows both versions)
    or "refused" (the engine's message in the pad it gets back)."""
    pad.match.refresh_from_db()
    seq, url = pad.match.seq, f"/score/{pad.match.pk}/"
    stale = client.post(url, {"action": "runs-1", "expected_seq": seq - 1,
                              "idempotency_key": "queue-stale"}, HTTP_X_PAD_FETCH="1")
    assert (stale.status_code, stale["X-Pad-Outcome"], stale["X-Pad-Seq"]) == (
        200, "stale", str(seq))
    assert "Someone else scored" not in stale.content.decode()
    refused = client.post(url, {"action": "next_bowler", "player": pad.match.b_ids[1],
                                "expected_seq": seq, "idempotency_key": "queue-refused"},
                          HTTP_X_PAD_FETCH="1")
    assert (refused.status_code, refused["X-Pad-Outcome"], refused["X-Pad-Seq"]) == (
        400, "refused", str(seq))
    wicket = client.post(url, {"action": "wicket", "how": "bowled", "extra": "", "runs": "0",
                               "player_out": pad.inn["striker"], "new_batter": pad.match.a_ids[2],
                               "expected_seq": seq, "idempotency_key": "queue-wicket"},
                         HTTP_X_PAD_FETCH="1")
    assert (wicket["X-Pad-Outcome"], wicket["X-Pad-Seq"]) == ("recorded", str(seq + 2))
    plain = client.get(url)
    assert "X-Pad-Outcome" not in plain
    pad.match.refresh_from_db()
    assert pad.match.seq == seq + 2


def test_the_umpires_decisions_stand_on_the_pad(pad, client):
    """A 5-ball over, a 7-ball over, the last over's bowler again: recorded, with the warning
    shown on the pad and kept on the log entry."""
    a, b = pad.match.a_ids, pad.match.b_ids
    for _ in range(5):
        pad.post(action="runs-0")
    pad.post(action="end_over")
    assert pad.inn["overs_done"] == 1 and pad.match.state["needs"] == "next_bowler"
    page = client.get(f"/score/{pad.match.pk}/").content.decode()
    assert "called after 5 balls" in page and "one more ball" in page
    assert "called after 5 balls" in LogEntry.objects.get(match=pad.match, kind="end_over"
                                                          ).warnings[0]
    pad.post(action="next_bowler", player=pad.match.state["innings"][-1]["last_over_bowlers"][0])
    assert "previous over" in pad.match.state["warnings"][0]
    for _ in range(6):
        pad.post(action="runs-1")
    pad.post(action="continue_over")
    pad.post(action="runs-0")
    assert pad.inn["overs_done"] == 2 and pad.inn["legal_balls"] == 12
    assert pad.inn["bowlers"][b[0]]["balls"] == 12
    pad.post(action="next_bowler", player=b[1])
    pad.post(action="wicket", how="bowled", player_out=pad.inn["striker"], runs=0, new_batter="")
    pad.post(action="absent_hurt", player=a[2])
    assert pad.inn["absent"] == [a[2]]
