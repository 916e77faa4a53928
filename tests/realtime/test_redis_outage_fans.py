"""Redis SIGKILLed mid-match, on real processes: a scorer posting 4 balls a second loses none,
every fan (5 on WebSockets, 1 on the event stream) is told its updates are delayed, and when
Redis is back every fan reaches the latest version within 5 seconds with no further ball (the
relay publishes what the commits could not) and is told it is current again.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
import websockets

from devtools.embedded import EmbeddedRedis, _free_port
from games.models import LogEntry, Match
from games.services import match_record_action
from tests.conftest import ROOT
from tests.games.factories import make_match, make_user, start_action
from tests.servers import Browser, child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
FANS = 5


class Versions:
    """The highest version each fan has seen, and the last status it was told."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.delayed: dict[str, bool] = {}
        self.lock = threading.Lock()

    def saw(self, fan: str, version: int) -> None:
        with self.lock:
            self.seen[fan] = max(self.seen.get(fan, 0), version)

    def told(self, fan: str, message: dict) -> None:
        with self.lock:
            self.delayed[fan] = message["delayed"]

    def all_told(self, delayed: bool) -> bool:
        with self.lock:
            return len(self.delayed) == FANS + 1 and all(
                d is delayed for d in self.delayed.values())


async def _websocket_fan(name, uri, origin, versions, stop):
    async with websockets.connect(uri, origin=origin, open_timeout=10) as ws:
        while not stop.is_set():
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
            except TimeoutError:
                continue
            if message.get("type") in ("snapshot", "delta"):
                versions.saw(name, message["v"])
            elif message.get("type") == "status":
                versions.told(name, message)


def _sse_fan(url, versions, stop):
    """As EventSource does: read events; when the stream ends, reconnect with Last-Event-ID."""
    while not stop.is_set():
        headers = {"Last-Event-ID": str(versions.seen["sse"])} if "sse" in versions.seen else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                        timeout=60) as stream:
                event = None
                while not stop.is_set() and (line := stream.readline().decode()):
                    if line.startswith("id: "):
                        versions.saw("sse", int(line[4:]))
                    elif line.startswith("event: "):
                        event = line[7:].strip()
                    elif line.startswith("data: ") and event == "status":
                        versions.told("sse", json.loads(line[6:]))
        except OSError:
            pass
        time.sleep(1)  # EventSource's retry delay is a few seconds; be no faster than one


def test_fans_catch_up_after_redis_comes_back_with_no_further_ball(tmp_path):
    redis = EmbeddedRedis(tmp_path / "r")
    redis_url = redis.start()
    env = {**child_env(), "REDIS_URL": redis_url}
    scorer = make_user()
    match = make_match(scorer=scorer)
    match_record_action(match=match, action=start_action(match))
    port = _free_port()
    web = start_server(port, env)
    relay = subprocess.Popen([sys.executable, "manage.py", "relay_deltas", "--interval", "0.5"],
                             cwd=ROOT, env=env)
    versions, stop = Versions(), threading.Event()
    base = f"http://127.0.0.1:{port}"
    failures: list[BaseException] = []

    async def all_fans():
        return await asyncio.gather(*(
            _websocket_fan(f"ws{n}", f"ws://127.0.0.1:{port}/ws/matches/{match.pk}/", base,
                           versions, stop) for n in range(FANS)), return_exceptions=True)

    def run_fans():
        failures.extend(r for r in asyncio.run(all_fans()) if isinstance(r, BaseException))

    fans = threading.Thread(target=run_fans)
    sse = threading.Thread(target=_sse_fan,
                           args=(f"{base}/matches/{match.pk}/stream", versions, stop))
    try:
        fans.start()
        sse.start()
        scorer_browser = Browser(base)
        scorer_browser.login(scorer.username, f"pw-{scorer.username}")

        def ball(n):
            if n == 6:  # the over is done: the next bowler first
                status, _, body = scorer_browser.post_json(
                    f"/api/matches/{match.pk}/actions",
                    {"action": {"kind": "next_bowler", "player": match.b_ids[1]},
                     "idempotency_key": "over-2"})
                assert status == 201, body
            status, _, body = scorer_browser.post_json(f"/api/matches/{match.pk}/actions", {
                "action": {"kind": "delivery", "runs": 0}, "idempotency_key": f"b{n}"})
            assert status == 201, body
            time.sleep(0.25)  # 4 balls a second

        for n in range(4):
            ball(n)
        deadline = time.monotonic() + 10
        while len(versions.seen) < FANS + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(versions.seen) == FANS + 1, (versions.seen, failures)

        os.kill(redis._pid(), signal.SIGKILL)
        for n in range(4, 12):  # scoring goes on: every post succeeds and commits
            ball(n)
        final = Match.objects.get(pk=match.pk).seq
        assert LogEntry.objects.filter(match=match, kind="delivery").count() == 12
        deadline = time.monotonic() + 5  # the hub pings Redis every second
        while not versions.all_told(delayed=True) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert versions.all_told(delayed=True), versions.delayed  # each page says it is behind

        redis.start()  # back on its port; no further ball is scored
        back = time.monotonic()
        while time.monotonic() - back < 5 and not all(
                v == final for v in versions.seen.values()):
            time.sleep(0.1)
        assert all(v == final for v in versions.seen.values()), (final, versions.seen)
        deadline = time.monotonic() + 5
        while not versions.all_told(delayed=False) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert versions.all_told(delayed=False), versions.delayed
    finally:
        stop.set()
        fans.join(timeout=10)
        sse.join(timeout=5)
        relay.terminate()
        relay.wait(timeout=10)
        stop_server(web)
        redis.stop()
