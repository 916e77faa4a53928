"""A catalogue of bad inputs across the API, the forms, events and the WebSocket: every one gets a
4xx with a message and stores nothing. A 5xx is always a defect."""

import json

import pytest
from django.contrib.auth import get_user_model

from config.asgi import application
from cricket.engine.schema import FIELDS
from events.models import Event
from games.models import LogEntry, Match, Player, Team, Tournament
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action
from tests.websocket import WebsocketCommunicator

pytestmark = pytest.mark.django_db

JUNK = ["x" * 1000, -1, 10**30, 1.5, [], {}, "a\u0000b", {"$gt": ""}, [[[[1]]]]]
NESTED = "[" * 5000 + "]" * 5000


def _action_bodies() -> list[object]:
    bodies: list[object] = [
        None, [], "delivery", 7, {"action": None}, {"action": []}, {"action": "delivery"},
        {"action": {}}, {"action": {"kind": None}}, {"action": {"kind": "teleport"}},
        {"action": {"kind": "delivery"}, "expected_seq": -1},
        {"action": {"kind": "delivery"}, "expected_seq": "3"},
        {"action": {"kind": "delivery"}, "idempotency_key": "k" * 65},
        {"action": {"kind": "delivery"}, "idempotency_key": 12},
        {"action": {"kind": "delivery", "extras": {"wides": 1, "noballs": 1}}},
        {"action": {"kind": "delivery", "wickets": [{"kind": "bowled"}] * 3}},
        {"action": {"kind": "delivery", "wickets": [{"kind": "levitated",
                                                     "player_out": "1"}]}},
        {"action": {"kind": "correct", "target_seq": 1, "action": {"kind": "undo"}}},
        {"action": {"kind": "correct", "target_seq": 10**12,
                    "action": {"kind": "delivery"}}},
    ]
    valid_empties = {("delivery", "extras"): {}, ("delivery", "wickets"): []}
    for kind, fields in FIELDS.items():
        for name in fields:
            bodies += [{"action": {"kind": kind, name: value}} for value in JUNK
                       if valid_empties.get((kind, name), object()) != value]
    return bodies


ACTION_BODIES = _action_bodies()
RAW_ACTION_BODIES = ["{not json", NESTED, '{"action": {"kind": "delivery", "runs": NaN}}',
                     '{"action": {"kind": "delivery", "runs": Infinity}}', "\xff\xfe", ""]

EVENT_BODIES = [
    None, 7, "event", {}, [], [{}] * 101, [7], [{"event_type": ""}],
    {"event_type": "x" * 500, "occurred_at": "2026-11-22T14:05:00Z"},
    {"event_type": "page.view", "occurred_at": "2026-02-30T14:05:00Z"},
    {"event_type": "page.view", "occurred_at": "99999-01-01T00:00:00Z"},
    {"event_type": "page.view", "occurred_at": "yesterday"},
    {"event_type": "page.view", "occurred_at": 1700000000},
    {"event_type": "page.view", "occurred_at": "2026-11-22T14:05:00Z", "match": 10**30},
    {"event_type": "page.view", "occurred_at": "2026-11-22T14:05:00Z", "match": "7"},
    {"event_type": "page.view", "occurred_at": "2026-11-22T14:05:00Z", "payload": "x"},
    {"event_type": "page.view", "occurred_at": "2026-11-22T14:05:00Z", "payload": NESTED},
    {"event_type": "a\u0000b", "occurred_at": "2026-11-22T14:05:00Z"},
    {"event_type": "page.view", "occurred_at": "2026-11-22T14:05:00Z", "unknown": 1},
]
RAW_EVENT_BODIES = ["[", NESTED, '{"event_type": "x", "occurred_at": NaN}']

PAD_FORMS = [
    {}, {"action": "teleport"}, {"action": "runs-9"}, {"action": "extras"},
    {"action": "extras", "extra": "wide", "runs": "abc"},
    {"action": "extras", "extra": "wide", "runs": "1e9"},
    {"action": "extras", "extra": "wide", "runs": "-3"},
    {"action": "extras", "extra": "levitation", "runs": "1"},
    {"action": "wicket", "how": "bowled", "player_out": "99999999999999999999"},
    {"action": "wicket", "how": "a\u0000b", "player_out": "1"},
    {"action": "wicket", "how": "run_out", "runs": "two"},
    {"action": "next_bowler", "player": "x" * 500},
    {"action": "new_batter", "player": ""},
    {"action": "retire", "player": "1", "how": "bored"},
    {"action": "revise_target", "runs": "lots", "overs": "5"},
    {"action": "revise_overs", "overs": "-5"},
    {"action": "end_innings", "how": "tea"},
    {"action": "end_innings", "how": "tea", "confirm": "on"},
    {"action": "end_innings", "how": "declared", "confirm": "yes"},
    {"action": "end_match", "result": "won", "winner": "1", "margin": "x", "unit": "runs"},
    {"action": "end_match", "result": "won", "winner": "1", "margin": "x", "unit": "runs",
     "confirm": "on"},
    {"action": "wicket", "how": "stumped", "extra": "noball", "player_out": "1"},
    {"action": "wicket", "how": "", "extra": "wide"},
    {"action": "wicket", "how": "run_out", "extra": "bouncer"},
    {"action": "timed_out", "player": "a\u0000b"},
    {"action": "penalty", "team": "1", "runs": "7"},
    {"action": "correct", "target_seq": "abc"},
    {"action": "runs-1", "expected_seq": "abc"},
    {"action": "runs-1", "idempotency_key": "k" * 200},
]

SETUP_FORMS = [
    {}, {"team_a": "x" * 500, "team_b": "B"},
    {"team_a": "A", "team_b": "B", "format": "t20i", "players_per_side": "2",
     "players_a": ["a\u0000", "b"], "players_b": ["c", "d"], "toss_winner": "a",
     "toss_decision": "bat"},
    {"team_a": "A", "team_b": "B", "format": "the-hundred", "players_per_side": "2",
     "players_a": ["a", "b"], "players_b": ["c", "d"], "toss_winner": "a",
     "toss_decision": "bat", "captain_a": "99", "keeper_b": "x"},
    {"team_a": "A", "team_b": "B", "format": "custom", "players_per_side": "2",
     "players_a": ["a", "A"], "players_b": ["c", "d"], "toss_winner": "a",
     "toss_decision": "bat", "tournament": "abc"},
    {"team_a": "A", "team_b": "A", "players_a": "a\nb", "players_b": "c\nd"},
    {"team_a": "A\u0000", "team_b": "B", "players_a": "a\nb", "players_b": "c\nd"},
    {"team_a": "A", "team_b": "B", "players_a": "p" * 200 + "\nb", "players_b": "c\nd",
     "overs": "20", "balls_per_over": "6", "innings_per_side": "1", "players_per_side": "2",
     "toss_winner": "a", "toss_decision": "bat"},
    {"team_a": "A", "team_b": "B", "players_a": "a\nb", "players_b": "c\nd",
     "start_date": "2026-02-30", "overs": "20", "balls_per_over": "6",
     "innings_per_side": "1", "players_per_side": "2", "toss_winner": "a",
     "toss_decision": "bat"},
    {"team_a": "A", "team_b": "B", "players_a": "a\nb", "players_b": "c\nd", "overs": "-1",
     "balls_per_over": "6", "innings_per_side": "1", "players_per_side": "2",
     "toss_winner": "a", "toss_decision": "bat"},
    {"team_a": "A", "team_b": "B", "players_a": "a\nb", "players_b": "c\nd",
     "overs": str(10**30), "balls_per_over": "99", "innings_per_side": "7",
     "players_per_side": "99", "toss_winner": "c", "toss_decision": "sleep"},
]

GETS = [
    "/api/matches/999999999999999999999", "/api/matches/{m}/log?since=abc",
    "/api/matches/{m}/log?since=-1", "/api/matches/{m}/log?since=" + "9" * 40,
    "/api/leaderboards/batting?page=0", "/api/leaderboards/batting?page=" + "9" * 40,
    "/api/leaderboards/batting?format=" + "x" * 300, "/api/leaderboards/batting?sort=%00",
    "/api/players/99999999999999999999", "/matches/99999999999999999999/",
    "/score/new/?team_a=A%00&team_b=B&players_per_side=99999999999999999999",
    "/score/new/?team_a=A&team_b=B&format=%00&tournament=999999999999999999999",
    "/api/tournaments/%00", "/api/matches/{m}/log?since=1.5",
]

WS_FRAMES = [b"\x00\xff", "null", "[]", "7", '{"type": 7}', '{"type": "resync", "since": "x"}',
             '{"type": "resync", "since": -5}', '{"type": "teleport"}', NESTED,
             '{"type": "resync", "since": 1e999}']


def _counts():
    return (LogEntry.objects.count(), Event.objects.count(), Match.objects.count(),
            Player.objects.count(), Team.objects.count())


@pytest.fixture
def scoring(client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 1})
    client.force_login(make_user(staff=True))
    return client, match


def _ok(response, before):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert _counts() == before


@pytest.mark.parametrize("body", ACTION_BODIES + RAW_ACTION_BODIES)
def test_bad_actions(scoring, body):
    client, match = scoring
    before = _counts()
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(f"/api/matches/{match.pk}/actions", data,
                           content_type="application/json")
    _ok(response, before)
    assert response.json()["error"]


@pytest.mark.parametrize("body", EVENT_BODIES + RAW_EVENT_BODIES)
def test_bad_event_batches(client, body):
    before = _counts()
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/events", data, content_type="application/json")
    _ok(response, before)
    assert response.json()["error"]


@pytest.mark.parametrize("form", PAD_FORMS)
def test_bad_pad_forms(scoring, form):
    client, match = scoring
    before = _counts()
    fields = {"expected_seq": match.seq, "idempotency_key": "bad-form", **form}
    _ok(client.post(f"/score/{match.pk}/", fields), before)


@pytest.mark.parametrize("form", SETUP_FORMS)
def test_bad_match_set_ups(scoring, form):
    client, _match = scoring
    before = _counts()
    _ok(client.post("/score/new/", form), before)


ACCOUNT_FORMS = [
    ("/accounts/sign-up/", {}),
    ("/accounts/sign-up/", {"username": "a\u0000", "email": "x@y.z", "password1": "Long-pass-99",
                            "password2": "Long-pass-99"}),
    ("/accounts/sign-up/", {"username": "ok", "email": "x@y.z", "password1": "Long-pass-99",
                            "password2": "other"}),
    ("/score/teams/new/", {"name": "", "squad": "a"}),
    ("/score/teams/new/", {"name": "T", "squad": "a\na"}),
    ("/score/teams/new/", {"name": "T", "squad": "a\u0000"}),
    ("/score/teams/new/", {"name": "T", "squad": "a", "managers": "nobody-at-all"}),
    ("/score/tournaments/new/", {"name": "", "points_win": "x"}),
    ("/score/tournaments/new/", {"name": "C", "season": "2026", "points_win": "-1"}),
]


@pytest.mark.parametrize(("path", "form"), ACCOUNT_FORMS)
def test_bad_account_and_organiser_forms(scoring, path, form):
    client, _match = scoring
    before = (*_counts(), Tournament.objects.count(), get_user_model().objects.count())
    response = client.post(path, form)
    assert response.status_code == 400, response.content[:300]
    assert (*_counts(), Tournament.objects.count(),
            get_user_model().objects.count()) == before


@pytest.mark.parametrize("path", GETS)
def test_bad_queries(scoring, path):
    client, match = scoring
    before = _counts()
    _ok(client.get(path.format(m=match.pk)), before)


@pytest.mark.parametrize("frame", WS_FRAMES)
@pytest.mark.django_db(transaction=True)
async def test_bad_websocket_frames_get_an_error_and_the_connection_stays(frame):
    from asgiref.sync import sync_to_async

    match = await sync_to_async(make_match)()
    communicator = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/",
                                         headers=[(b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=5)  # the snapshot
    if isinstance(frame, bytes):
        await communicator.send_to(bytes_data=frame)
    else:
        await communicator.send_to(text_data=frame)
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["message"]
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


def test_the_catalogue_is_big_enough():
    total = (len(ACTION_BODIES) + len(RAW_ACTION_BODIES) + len(EVENT_BODIES)
             + len(RAW_EVENT_BODIES) + len(PAD_FORMS) + len(SETUP_FORMS) + len(GETS)
             + len(WS_FRAMES))
    assert total >= 150, total
