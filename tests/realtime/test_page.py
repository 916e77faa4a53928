"""The centre page's feed (realtime/page.py, realtime/page_feed.py): each version's keyed
operations, applied to the page a fan holds, give the page rendered for that version — on real
matches and across innings breaks, undos and corrections — and fans receive them over the
WebSocket and SSE on the real ASGI app, resuming from the buffer or with the page whole."""

import asyncio
import gc
import json
import random

import pytest
import websockets
from channels.db import database_sync_to_async
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.scoring import fifty_over_log_for
from config.asgi import application
from games.selectors import match_get
from games.services import match_record_action
from realtime import page, page_feed
from realtime.buffer import buffer_key, buffer_since
from realtime.shards import client_for_match
from tests.games.factories import make_match, start_action
from tests.websocket import WebsocketCommunicator

ORIGIN = [(b"origin", b"http://testserver")]


# ---- the diff, on its own -------------------------------------------------------------------

def _doc(rows: list[tuple[str, str]], title: str = "T", cls: str = "x") -> str:
    body = "".join(f'<tr data-k="r-{k}"><td>{v}</td></tr>' for k, v in rows)
    return (f'<div data-k="root" class="{cls}"><h1 data-k="title">{title}</h1><table>'
            f'<tbody data-k="rows">{body}</tbody></table><p>static</p></div>')


def _check(before: str, after: str) -> list:
    ops = page.page_ops(page.parse(before), page.parse(after), "root")
    assert page.same_page(page.apply_ops(before, ops), after), ops
    return ops


def test_an_unchanged_page_sends_nothing_and_a_changed_row_only_itself():
    rows = [("a", 1), ("b", 2)]
    assert _check(_doc(rows), _doc(rows)) == []
    assert _check(_doc(rows), _doc([("a", 1), ("b", 3)])) == [
        ["r", '<tr data-k="r-b"><td>3</td></tr>']]


def test_rows_are_inserted_where_they_stand_and_removed():
    ops = _check(_doc([("a", 1), ("b", 2)]), _doc([("z", 0), ("a", 1), ("c", 5), ("b", 2)]))
    assert ops == [["i", "rows", '<tr data-k="r-z"><td>0</td></tr>', None],
                   ["i", "rows", '<tr data-k="r-c"><td>5</td></tr>', "r-a"]]
    assert _check(_doc([("a", 1), ("b", 2)]), _doc([("b", 2)])) == [["d", "r-a"]]
    # Into no rows at all, and every row gone.
    assert _check(_doc([]), _doc([("a", 1)])) == [
        ["i", "rows", '<tr data-k="r-a"><td>1</td></tr>', None]]
    assert _check(_doc([("a", 1)]), _doc([])) == [["d", "r-a"]]


def test_a_container_whose_attributes_change_is_not_sent_again():
    ops = _check(_doc([("a", 1)], cls="x"), _doc([("a", 2)], cls="y"))
    assert ops == [["a", "root", '<div data-k="root" class="y">'],
                   ["r", '<tr data-k="r-a"><td>2</td></tr>']]


def test_what_cannot_be_told_row_by_row_is_replaced_whole():
    before = _doc([("a", 1), ("b", 2)])
    swapped = _doc([("b", 2), ("a", 1)])  # reordered
    assert _check(before, swapped) == [["r", page.parse(swapped).outer("rows")]]
    other = before.replace("<p>static</p>", "<p>changed</p>")
    assert _check(before, other) == [["r", other]]


def test_a_key_used_twice_is_refused():
    with pytest.raises(ValueError, match="used twice"):
        page.parse('<div data-k="root"><p data-k="x"></p><p data-k="x"></p></div>')


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 3)), max_size=8,
                unique_by=lambda r: r[0]),
       st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 3)), max_size=8,
                unique_by=lambda r: r[0]),
       st.sampled_from(["T", "U"]), st.sampled_from(["x", "y"]))
def test_any_two_pages_the_operations_turn_one_into_the_other(before, after, title, cls):
    _check(_doc(before), _doc(after, title=title, cls=cls))


# ---- on the centre, version by version --------------------------------------------------------

def _watch(match_id: int) -> None:
    client = client_for_match(match_id)
    client.delete(buffer_key(match_id, "page"), page_feed.latest_key(match_id))
    client.set(page_feed.watch_key(match_id), 1, ex=60)


@pytest.mark.django_db(transaction=True)
def test_each_version_s_operations_give_the_page_rendered_for_it():
    overs = 3
    match = make_match(overs=overs, bowler_max_overs=1)
    actions = fifty_over_log_for(match, overs=overs, bowler_max_overs=1)
    _watch(match.pk)
    shown = page_feed.render(match_get(match_id=match.pk))
    versions = 0
    second_innings = corrected = False
    rng = random.Random(7)

    def record(action):
        nonlocal shown, versions
        recorded = match_record_action(match=match, action=action)
        seq = recorded.match.seq
        message = json.loads(buffer_since(match.pk, seq - 1, seq, "page")[0])
        assert message["v"] == seq
        shown = message["html"] if "html" in message else page.apply_ops(shown, message["ops"])
        assert page.same_page(shown, page_feed.render(match_get(match_id=match.pk))), action
        versions += 1
        return recorded

    for action in actions:
        record(action)
        if action["kind"] == "start_innings" and match.seq > 2:
            second_innings = True
            record({"kind": "undo"})  # back over the innings break and forward again
            record(action)
        elif action["kind"] == "delivery" and rng.random() < 0.1:
            record({"kind": "undo"})
            record(action)
        if second_innings and action["kind"] == "delivery" and not corrected:
            first = match.log.filter(kind="delivery").order_by("seq").first()
            record({"kind": "correct", "target_seq": first.seq,
                    "action": {**first.payload, "runs": 3}})
            corrected = True
    assert corrected and versions > len(actions)
    # Every message built from the one before, none whole (the previous page was always known).
    messages = [json.loads(t) for t in buffer_since(match.pk, 1, match.seq, "page")]
    assert all("ops" in m for m in messages)


@pytest.mark.django_db(transaction=True)
def test_a_match_nobody_watches_as_a_page_is_not_rendered():
    match = make_match()
    client = client_for_match(match.pk)
    client.delete(page_feed.watch_key(match.pk), buffer_key(match.pk, "page"))
    match_record_action(match=match, action=start_action(match))
    assert buffer_since(match.pk, 0, 1, "page") is None
    assert page_feed.read_latest(match.pk) is None


# ---- to fans, on the real ASGI app -------------------------------------------------------------

@database_sync_to_async
def _record(match, action):
    return match_record_action(match=match, action=action)


async def _fan(match_id, query=""):
    fan = WebsocketCommunicator(application, f"/ws/matches/{match_id}/?stream=page{query}",
                                headers=ORIGIN)
    connected, _ = await fan.connect(timeout=5)
    assert connected
    return fan


@pytest.mark.django_db(transaction=True)
async def test_a_page_fan_gets_the_page_then_each_ball_as_operations_and_resumes():
    match = await database_sync_to_async(make_match)()
    await database_sync_to_async(_watch)(match.pk)
    await _record(match, start_action(match))
    fan = await _fan(match.pk)
    first = await fan.receive_json_from(timeout=10)
    assert first["type"] == "page" and first["v"] == 1 and 'data-k="centre"' in first["html"]
    shown = first["html"]
    for runs in (1, 4, 0):
        await _record(match, {"kind": "delivery", "runs": runs, "boundary": runs == 4})
    for version in (2, 3, 4):
        message = await fan.receive_json_from(timeout=10)
        assert message["v"] == version and "ops" in message
        shown = page.apply_ops(shown, message["ops"])
    rendered = await database_sync_to_async(lambda: page_feed.render(match_get(
        match_id=match.pk)))()
    assert page.same_page(shown, rendered) and "FOUR" in shown
    await fan.disconnect()

    # Back after two balls: exactly what it missed, from the buffer.
    for runs in (2, 6):
        await _record(match, {"kind": "delivery", "runs": runs, "boundary": runs == 6})
    again = await _fan(match.pk, "&since=4")
    assert [(await again.receive_json_from(timeout=10))["v"] for _ in range(2)] == [5, 6]
    # A resync with no version gets the page whole.
    await again.send_json_to({"type": "resync"})
    whole = await again.receive_json_from(timeout=10)
    assert whole["v"] == 6 and "html" in whole and "SIX" in whole["html"]
    await again.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_unknown_stream_is_closed_with_a_code_that_says_so():
    match = await database_sync_to_async(make_match)()
    fan = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/?stream=%00html",
                                headers=ORIGIN)
    connected, _ = await fan.connect(timeout=5)
    assert connected
    assert (await fan.receive_output(timeout=5))["code"] == 4400
    await fan.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_one_address_cannot_hold_more_sockets_than_its_cap(settings):
    settings.WS_MAX_PER_ADDRESS = 3
    gc.collect()  # sockets of earlier tests' applications, cancelled without a disconnect
    match = await database_sync_to_async(make_match)()
    fans = [await _fan(match.pk) for _ in range(3)]
    for fan in fans:
        await fan.receive_json_from(timeout=10)
    over = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/", headers=ORIGIN)
    connected, _ = await over.connect(timeout=5)
    assert connected  # accepted so that it can be told why it is closed
    assert (await over.receive_output(timeout=5))["code"] == 4429
    await fans[0].disconnect()
    await asyncio.sleep(0.1)
    replacement = await _fan(match.pk)  # a socket closed frees its place
    assert (await replacement.receive_json_from(timeout=10))["type"] == "page"
    for fan in (*fans[1:], replacement):
        await fan.disconnect()


@pytest.mark.django_db(transaction=True)
def test_a_real_server_closes_oversized_frames_and_answers_bad_ones():
    """On the real Uvicorn: a frame bigger than a fan ever sends is closed with 1009 before it
    is parsed; a malformed one gets an error frame; other fans are not disturbed."""
    import websockets.sync.client as ws_client

    from devtools.embedded import _free_port
    from tests.servers import child_env, start_server, stop_server

    match = make_match()
    match_record_action(match=match, action=start_action(match))
    port = _free_port()
    server = start_server(port, child_env())
    url = f"ws://127.0.0.1:{port}/ws/matches/{match.pk}/?stream=page"
    try:
        with ws_client.connect(url, origin="http://127.0.0.1") as calm, \
                ws_client.connect(url, origin="http://127.0.0.1") as rude:
            calm.recv(timeout=10)
            rude.recv(timeout=10)
            rude.send("{not json")
            assert json.loads(rude.recv(timeout=5))["type"] == "error"
            rude.send(b"\x00\xff")
            assert json.loads(rude.recv(timeout=5))["type"] == "error"
            rude.send("x" * 10_000)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                rude.recv(timeout=5)
            assert closed.value.rcvd.code == 1009
            calm.send(json.dumps({"type": "ping"}))
            assert json.loads(calm.recv(timeout=5))["type"] == "pong"
    finally:
        stop_server(server)
