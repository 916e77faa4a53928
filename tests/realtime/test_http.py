"""Fan pages, the SSE fallback with Last-Event-ID, and the metrics endpoints."""

import json

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async

from config.asgi import application
from games.services import match_record_action
from tests.games.factories import make_match, start_action


@pytest.mark.django_db
def test_fan_pages_render_the_current_score_without_javascript(client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match_record_action(match=match, action={"kind": "delivery", "runs": 4, "boundary": True})
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert "4/0" in page and "(0.1/20 ov)" in page and 'data-seq="2"' in page
    assert "conn-offline" in page  # until the script has connected
    listing = client.get("/matches/").content.decode()
    assert match.team_a.name in listing and "4/0" in listing
    assert client.get("/matches/999999/").status_code == 404


async def _stream(match_id, headers=()):
    scope = {"type": "http", "method": "GET", "path": f"/matches/{match_id}/stream",
             "query_string": b"", "headers": [(b"host", b"testserver"), *headers],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80), "scheme": "http",
             "http_version": "1.1", "asgi": {"version": "3.0"}}
    stream = ApplicationCommunicator(application, scope)
    await stream.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await stream.receive_output(timeout=5)
    return stream, start


async def _next_event(stream) -> dict:
    while True:
        chunk = await stream.receive_output(timeout=5)
        body = chunk.get("body", b"").decode()
        if body.startswith("id:"):
            lines = dict(line.split(": ", 1) for line in body.strip().split("\n"))
            return {"id": int(lines["id"]), "event": lines["event"],
                    "data": json.loads(lines["data"])}


@database_sync_to_async
def _record(match, action):
    return match_record_action(match=match, action=action)


@pytest.mark.django_db(transaction=True)
async def test_sse_sends_a_snapshot_then_deltas_and_resumes_from_last_event_id():
    match = await database_sync_to_async(make_match)()
    await _record(match, start_action(match))
    stream, start = await _stream(match.pk)
    try:
        assert start["status"] == 200
        headers = {name.lower(): value for name, value in start["headers"]}
        assert headers[b"content-type"] == b"text/event-stream"
        first = await _next_event(stream)
        assert (first["event"], first["id"]) == ("snapshot", 1)
        await _record(match, {"kind": "delivery", "runs": 1})
        second = await _next_event(stream)
        assert (second["event"], second["id"], second["data"]["v"]) == ("delta", 2, 2)
    finally:
        await stream.send_input({"type": "http.disconnect"})
    await _record(match, {"kind": "delivery", "runs": 2})
    await _record(match, {"kind": "delivery", "runs": 3})
    resumed, _ = await _stream(match.pk, [(b"last-event-id", b"2")])
    try:
        assert [(await _next_event(resumed))["id"] for _ in range(2)] == [3, 4]
    finally:
        await resumed.send_input({"type": "http.disconnect"})


@pytest.mark.django_db(transaction=True)
async def test_sse_unknown_match_is_404():
    _, start = await _stream(424242)
    assert start["status"] == 404


@pytest.mark.django_db(transaction=True)
async def test_ws_metrics_count_snapshots_and_deltas():
    from realtime.metrics import ws_metrics
    from tests.websocket import WebsocketCommunicator

    match = await database_sync_to_async(make_match)()
    await _record(match, start_action(match))
    before = ws_metrics.report()["messages_sent"]
    fan = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/",
                                headers=[(b"origin", b"http://testserver")])
    await fan.connect()
    await fan.receive_json_from(timeout=5)
    await _record(match, {"kind": "delivery", "runs": 1})
    await fan.receive_json_from(timeout=5)
    report = ws_metrics.report()
    assert report["messages_sent"]["snapshot"] == before["snapshot"] + 1
    assert report["messages_sent"]["delta"] == before["delta"] + 1
    assert report["open_connections"] >= 1 and report["payload_bytes"]["max"] > 0
    assert report["payload_bytes"]["count"] >= 1  # deltas are sampled; snapshots always
    await fan.disconnect()


def test_metrics_endpoints(client):
    body = client.get("/api/health/ws-metrics").json()
    assert {"open_connections", "messages_sent", "delta_ratio", "payload_bytes",
            "publish_to_send_ms"} <= set(body)
    prometheus = client.get("/metrics")
    assert prometheus.status_code == 200
    assert b"scorekeeper_ws_connections" in prometheus.content
