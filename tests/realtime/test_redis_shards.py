"""Two realtime Redis servers (the suite's and a second, real one): a web process given both
puts each match's group channel, its buffered deltas and its publishes on one of them — the one
channels-redis hashes the group to — and fans of matches on either server get every ball live
and resume from the buffer."""

import asyncio
import json

import pytest
import redis
import websockets
from channels_redis.utils import _consistent_hash
from django.conf import settings
from django.test import Client

from devtools.embedded import EmbeddedRedis, _free_port
from games.models import match_group_name
from realtime.buffer import buffer_key
from tests.games.factories import make_match, make_user, start_action
from tests.realtime.test_two_processes import _post_action
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _group_channel(match_id: int) -> str:
    return f"{settings.TEST_REDIS_PREFIX}__group__{match_group_name(match_id)}"


@pytest.fixture
def second_redis(tmp_path):
    server = EmbeddedRedis(tmp_path)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def test_each_match_lives_on_one_realtime_server_and_fans_on_both_get_every_ball(second_redis):
    urls = [settings.REDIS_URL, second_redis]
    # Matches until each server has two (the layer's own hash decides, as in the server).
    matches, on = [], {0: 0, 1: 0}
    while min(on.values()) < 2:
        match = make_match()
        shard = _consistent_hash(_group_channel(match.pk), 2)
        if on[shard] < 2:
            matches.append((match, shard))
            on[shard] += 1
    staff = make_user(staff=True)
    browser = Client()
    browser.force_login(staff)
    session = browser.cookies["sessionid"].value
    port = _free_port()
    server = start_server(port, {**child_env(), "REALTIME_REDIS_URLS": ",".join(urls)})
    clients = [redis.Redis.from_url(f"{url}/1") for url in urls]
    try:
        for match, _ in matches:
            assert _post_action(port, match.pk, session,
                                {"action": start_action(match), "expected_seq": 0}) == 201

        async def watch():
            fans = []
            for match, _ in matches:
                ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws/matches/{match.pk}/",
                                              origin=f"http://127.0.0.1:{port}")
                assert json.loads(await asyncio.wait_for(ws.recv(), 10))["v"] == 1
                fans.append(ws)
            # Each match's group is subscribed on its own server only.
            for (match, shard), _ in zip(matches, fans, strict=True):
                subscribed = [dict(c.pubsub_numsub(_group_channel(match.pk)))
                              .get(_group_channel(match.pk).encode(), 0) for c in clients]
                assert subscribed[shard] >= 1 and subscribed[1 - shard] == 0, subscribed
            for n in range(3):
                for match, _ in matches:
                    status = await asyncio.to_thread(
                        _post_action, port, match.pk, session,
                        {"action": {"kind": "delivery", "runs": 1},
                         "idempotency_key": f"shard-{match.pk}-{n}"})
                    assert status == 201
            for ws in fans:
                versions = [json.loads(await asyncio.wait_for(ws.recv(), 10))["v"]
                            for _ in range(3)]
                assert versions == [2, 3, 4]
                await ws.close()
            # A fan resuming from version 1 reads the deltas from its match's server's buffer.
            for match, _ in matches:
                uri = f"ws://127.0.0.1:{port}/ws/matches/{match.pk}/?since=1"
                async with websockets.connect(uri, origin=f"http://127.0.0.1:{port}") as ws:
                    resumed = [json.loads(await asyncio.wait_for(ws.recv(), 10))
                               for _ in range(3)]
                assert [(m["type"], m["v"]) for m in resumed] == [("delta", v) for v in (2, 3, 4)]

        asyncio.run(watch())
        # The buffered deltas are on the match's server and nowhere else.
        for match, shard in matches:
            held = [c.zcard(buffer_key(match.pk)) for c in clients]
            assert held[shard] == 4 and held[1 - shard] == 0, held
    finally:
        stop_server(server)
        for match, shard in matches:
            clients[shard].delete(buffer_key(match.pk))
