"""The live scoreboard over WebsocketCommunicator on the real ASGI app and the real Redis layer."""

import asyncio

import pytest
from channels.db import database_sync_to_async as sync_to_async

from config.asgi import application
from games.services import match_record_action
from realtime.delta import apply_patch
from realtime.snapshots import snapshot_view
from tests.games.factories import make_match, start_action
from tests.websocket import WebsocketCommunicator

pytestmark = [pytest.mark.django_db(transaction=True)]
ORIGIN = [(b"origin", b"http://testserver")]


async def _connect(match_id, since=None, origin=ORIGIN):
    path = f"/ws/matches/{match_id}/" + (f"?since={since}" if since is not None else "")
    communicator = WebsocketCommunicator(application, path, headers=origin)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


@sync_to_async
def _record(match, action):
    return match_record_action(match=match, action=action)


@sync_to_async
def _view(match_id):
    from games.models import Match

    return snapshot_view(Match.objects.get(pk=match_id))


async def _nothing_more(communicator, wait=0.3):
    assert await communicator.receive_nothing(timeout=wait)


@pytest.fixture
def match():
    return make_match()


async def test_snapshot_on_connect_then_one_delta_per_action_in_order(match):
    await _record(match, start_action(match))
    fan = await _connect(match.pk)
    snapshot = await fan.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot" and snapshot["v"] == 1
    view = snapshot["state"]
    assert view["status"] == "live" and view["innings"]["1"]["runs"] == 0
    for runs in (1, 4, 0):
        await _record(match, {"kind": "delivery", "runs": runs, "boundary": runs == 4})
    for expected in (2, 3, 4):
        delta = await fan.receive_json_from(timeout=5)
        assert (delta["type"], delta["v"]) == ("delta", expected)
        assert delta["appended"][0]["seq"] == expected
        assert "action" not in delta["appended"][0]  # it is the entry's: sent once
        assert delta["action"]["runs"] == (1, 4, 0)[expected - 2]
        view = apply_patch(view, delta["patch"])
    assert view == await _view(match.pk)  # the deltas rebuild exactly the current state
    await _nothing_more(fan)
    await fan.disconnect()


async def test_deltas_are_small_and_say_only_what_changed(match):
    await _record(match, start_action(match))
    fan = await _connect(match.pk)
    await fan.receive_json_from(timeout=5)
    await _record(match, {"kind": "delivery", "runs": 1})
    delta = await fan.receive_json_from(timeout=5)
    patch = delta["patch"]["innings"]["1"]
    assert patch["runs"] == 1 and "batting_name" not in patch and "bowling" not in patch
    assert patch["batting_card"] == {match.a_ids[0]: {"runs": 1, "balls": 1}}  # who scored
    # They crossed: the strike is one id each, not a change to both card rows.
    assert (patch["striker"], patch["non_striker"]) == (match.a_ids[1], match.a_ids[0])
    await fan.disconnect()


async def test_resume_with_since_gets_exactly_the_missed_deltas(match):
    await _record(match, start_action(match))
    for runs in (1, 2, 3):
        await _record(match, {"kind": "delivery", "runs": runs})
    fan = await _connect(match.pk, since=2)
    versions = [(await fan.receive_json_from(timeout=5)) for _ in range(2)]
    assert [(m["type"], m["v"]) for m in versions] == [("delta", 3), ("delta", 4)]
    await _nothing_more(fan)
    await _record(match, {"kind": "delivery", "runs": 6, "boundary": True})
    assert (await fan.receive_json_from(timeout=5))["v"] == 5
    await fan.disconnect()


async def test_too_old_or_absent_since_gets_a_snapshot(match):
    await _record(match, start_action(match))
    fan = await _connect(match.pk, since=999)
    message = await fan.receive_json_from(timeout=5)
    assert message["type"] == "snapshot" and message["v"] == 1
    await fan.disconnect()


async def test_undo_and_correction_deltas(match):
    await _record(match, start_action(match))
    await _record(match, {"kind": "delivery", "runs": 2})
    fan = await _connect(match.pk, since=2)
    await _record(match, {"kind": "undo"})
    undo = await fan.receive_json_from(timeout=5)
    assert undo["v"] == 3 and undo["removed"] == [2] and "appended" not in undo
    assert undo["patch"]["innings"]["1"]["runs"] == 0
    await _record(match, {"kind": "delivery", "runs": 1})
    await fan.receive_json_from(timeout=5)
    await _record(match, {"kind": "correct", "target_seq": 4,
                          "action": {"kind": "delivery", "runs": 4, "boundary": True}})
    fix = await fan.receive_json_from(timeout=5)
    assert fix["removed"] == [4] and fix["appended"][0]["seq"] == 4
    assert fix["patch"]["innings"]["1"]["runs"] == 4
    await fan.disconnect()


async def test_fans_of_other_matches_receive_nothing(match):
    other = await sync_to_async(make_match)()
    await _record(match, start_action(match))
    fan = await _connect(other.pk)
    assert (await fan.receive_json_from(timeout=5))["type"] == "snapshot"
    await _record(match, {"kind": "delivery", "runs": 1})
    await _nothing_more(fan)
    await fan.disconnect()


async def test_unknown_match_closes_with_4404():
    communicator = WebsocketCommunicator(application, "/ws/matches/987654/", headers=ORIGIN)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4404}


async def test_malformed_messages_get_an_error_and_the_connection_stays(match):
    fan = await _connect(match.pk)
    await fan.receive_json_from(timeout=5)
    bad_messages = ("not json", '{"no": "type"}', '{"type": "dance"}',
                    '{"type": "resync", "since": "x"}')
    for bad in bad_messages:
        await fan.send_to(text_data=bad)
        reply = await fan.receive_json_from(timeout=5)
        assert reply["type"] == "error" and reply["message"]
    await fan.send_json_to({"type": "ping"})
    assert (await fan.receive_json_from(timeout=5))["type"] == "pong"
    await fan.send_json_to({"type": "resync", "since": None})
    assert (await fan.receive_json_from(timeout=5))["type"] == "snapshot"
    await fan.disconnect()


async def test_a_disallowed_origin_is_rejected(match):
    communicator = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/",
                                         headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect(timeout=5)
    assert not connected


async def test_a_fan_that_cannot_keep_up_is_dropped_not_buffered_forever(match, monkeypatch):
    import realtime.consumers as consumers
    from realtime.hub import get_hub
    from realtime.metrics import ws_metrics

    monkeypatch.setattr(consumers, "SEND_BUFFER", 2)
    monkeypatch.setattr(consumers, "CLOSE_TIMEOUT", 0.5)
    await _record(match, start_action(match))
    fan = await _connect(match.pk)
    await fan.receive_json_from(timeout=5)
    hub = get_hub()
    (consumer,) = hub.fans[(match.pk, "delta")]
    slow_before = ws_metrics.slow_disconnects

    async def stuck(*args, **kwargs):  # the client stopped reading: sends never complete
        await asyncio.sleep(3600)

    consumer.base_send = stuck
    for version in range(2, 50):
        consumer.offer(version, '{"type":"delta"}')
    await asyncio.sleep(1)
    assert not consumer.pending  # nothing keeps piling up for it
    assert (match.pk, "delta") not in hub.fans  # no longer fed
    assert ws_metrics.slow_disconnects == slow_before + 1


async def test_resyncs_are_limited_per_fan(match):
    from realtime.consumers import RESYNC_LIMIT

    await _record(match, start_action(match))
    fan = await _connect(match.pk)
    await fan.receive_json_from(timeout=5)
    for _ in range(RESYNC_LIMIT):
        await fan.send_json_to({"type": "resync", "since": 0})
        assert (await fan.receive_json_from(timeout=5))["type"] in ("snapshot", "delta")
    await fan.send_json_to({"type": "resync", "since": 0})
    refused = await fan.receive_json_from(timeout=5)
    assert refused["type"] == "error" and "resyncs" in refused["message"]
    await fan.send_json_to({"type": "ping"})
    assert (await fan.receive_json_from(timeout=5))["type"] == "pong"
    await fan.disconnect()


@pytest.mark.parametrize("swallowed_as", ["timeout", "answer"])
async def test_the_hub_stops_when_cancelled_even_if_the_client_swallows_the_cancel(
        monkeypatch, swallowed_as):
    """Python 3.11 can turn a cancel that lands as a socket timeout expires into TimeoutError,
    and a client can swallow one mid-command; the hub's Redis watch must still end, or the
    server hangs on shutdown (this hung CI once)."""
    import redis.asyncio

    from realtime import hub as hub_module

    monkeypatch.setattr(hub_module, "WATCH_INTERVAL", 0.01)
    pinging = asyncio.Event()

    async def ping_that_times_out_as_it_is_cancelled(self):
        pinging.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            if swallowed_as == "timeout":
                raise TimeoutError("Timeout reading from socket") from None
            return True

    monkeypatch.setattr(redis.asyncio.Redis, "ping", ping_that_times_out_as_it_is_cancelled)
    watch = asyncio.create_task(hub_module.MatchHub()._watch_redis())
    await asyncio.wait_for(pinging.wait(), 5)
    watch.cancel()
    done, _ = await asyncio.wait([watch], timeout=5)
    assert done and watch.cancelled()
