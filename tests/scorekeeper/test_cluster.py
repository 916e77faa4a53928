"""``make cluster`` under load, with processes killed: HAProxy in front of two web and two
realtime processes, a primary and its hot standby, two Redis servers (the feed sharded over
them), worker, beat and relay — the real topology (devtools/cluster.py), started as an
operator starts it.

A scorer records balls through the balancer without pause while WebSocket fans watch through it;
one realtime process, then one web process, then the worker, beat, relay and the replica are
SIGKILLed. The fans of the dead realtime
process reconnect through the balancer to the other and resume from their last version with
nothing missed (every delta in order, no gap); the scorer's client retries what got no answer
with the same idempotency key, and the log holds every acknowledged ball exactly once.
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

from bench.write_path import _balls
from devtools.cluster import child_env as cluster_env
from devtools.cluster import servers_up
from devtools.embedded import _free_port
from tests.conftest import ROOT, run_python, wait_until
from tests.servers import Browser

pytestmark = pytest.mark.slow

FANS = 16

SETUP = """
import json, django
django.setup()
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action
scorer = make_user("cluster-scorer")
match = make_match(scorer=scorer, overs=50)
match_record_action(match=match, action=start_action(match))
print(json.dumps({"match": match.pk, "scorer": scorer.username, "bowlers": match.b_ids[:2]}))
"""

LOG = """
import json, django
django.setup()
from games.models import LogEntry
keys = list(LogEntry.objects.filter(match_id={match}).values_list("idempotency_key", flat=True))
seq = max(LogEntry.objects.filter(match_id={match}).values_list("seq", flat=True))
print(json.dumps({{"keys": keys, "seq": seq}}))
"""


def _env(**extra) -> dict:
    return cluster_env(DJANGO_SETTINGS_MODULE="config.settings.test", DEMO="0", **extra)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    var = tmp_path_factory.mktemp("cluster")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.cluster", "--web", "2", "--realtime", "2",
         "--port", str(port), "--var-dir", str(var)], cwd=ROOT, env=_env(),
        start_new_session=True)
    try:
        state = wait_until(lambda: (var / "cluster.json").exists()
                          and json.loads((var / "cluster.json").read_text()), 120, "the cluster")
        wait_until(lambda: list(servers_up(state["stats"]).values()) == ["UP"] * 4, 60,
                  "every server UP in HAProxy")
        db_env = _env(DATABASE_URL=state["database"], REDIS_URL=state["redis"],
                      REALTIME_REDIS_URLS=f"{state['redis']},{state['realtime_redis']}")
        made = run_python(SETUP, db_env)
        assert made.returncode == 0, made.stderr[-2000:]
        yield {**state, "var": var, "db_env": db_env, **json.loads(made.stdout)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the cluster stops its processes and servers
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class Fan:
    """A WebSocket fan through the balancer that resumes with ``since`` after any drop."""

    def __init__(self, url: str, origin: str):
        self.url, self.origin = url, origin
        self.version, self.reconnects, self.gaps = -1, 0, []

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            url = self.url if self.version < 0 else f"{self.url}?since={self.version}"
            try:
                async with websockets.connect(url, origin=self.origin, open_timeout=5) as ws:
                    while not stop.is_set():
                        try:
                            message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                        except TimeoutError:
                            continue
                        if message["type"] == "snapshot":
                            if message["v"] < self.version:
                                self.gaps.append(("older snapshot", self.version, message["v"]))
                            self.version = max(self.version, message["v"])
                        elif message["type"] == "delta":
                            if message["v"] != self.version + 1:
                                self.gaps.append(("gap", self.version, message["v"]))
                            self.version = message["v"]
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            if not stop.is_set():
                self.reconnects += 1
                await asyncio.sleep(0.2)


def _score(cluster, stop: threading.Event, acknowledged: list[str]) -> None:
    """Balls through the balancer until told to stop; what got no answer is sent again with the
    same key (a 502 when the process died under it, a refused connection, a timeout)."""
    scorer = Browser(cluster["url"].rstrip("/"))
    scorer.login(cluster["scorer"], f"pw-{cluster['scorer']}")
    for n, (_, action) in enumerate(_balls(10_000, cluster["bowlers"])):
        if stop.is_set():
            return
        key = f"cluster-{n}"
        for _attempt in range(100):
            try:
                status, _, body = scorer.post_json(
                    f"/api/matches/{cluster['match']}/actions",
                    {"action": action, "idempotency_key": key})
            except OSError:
                time.sleep(0.1)
                continue
            if status in (502, 503, 504):
                time.sleep(0.1)
                continue
            assert status in (200, 201), (status, body)
            acknowledged.append(key)
            break
        else:
            raise AssertionError(f"{key} never answered")
        time.sleep(0.02)


def test_killing_any_process_loses_no_ball_and_leaves_every_fan_current(cluster):
    base = cluster["url"].rstrip("/")
    ws_url = base.replace("http://", "ws://") + f"/ws/matches/{cluster['match']}/"
    fans = [Fan(ws_url, base) for _ in range(FANS)]
    acknowledged: list[str] = []
    stop_scoring = threading.Event()
    scorer = threading.Thread(target=_score, args=(cluster, stop_scoring, acknowledged))
    state = cluster

    async def scenario():
        stop = asyncio.Event()
        watching = [asyncio.create_task(fan.run(stop)) for fan in fans]
        await _until(lambda: all(fan.version >= 1 for fan in fans), 20, "every fan's snapshot")
        scorer.start()
        await _until(lambda: len(acknowledged) >= 20, 30, "20 balls")
        os.kill(state["pids"]["realtime-1"], signal.SIGKILL)
        await _until(lambda: len(acknowledged) >= 60, 60, "40 more balls")
        os.kill(state["pids"]["web-1"], signal.SIGKILL)
        await _until(lambda: len(acknowledged) >= 100, 60, "40 more balls")
        # The rest, one after another: the worker, beat, the relay and the replica (its
        # postmaster; fans' reads fall back to the primary, the cluster starts it again).
        for name in ("worker", "beat", "relay"):
            os.kill(state["pids"][name], signal.SIGKILL)
        replica_pid = int((cluster["var"] / "replica" / "postgres" / "postmaster.pid")
                          .read_text().split()[0])
        os.kill(replica_pid, signal.SIGKILL)
        await _until(lambda: len(acknowledged) >= 140, 60, "40 more balls")
        stop_scoring.set()
        await asyncio.to_thread(scorer.join, 60)
        final = _log(cluster)["seq"]
        await _until(lambda: all(fan.version == final for fan in fans), 30,
                     "every fan at the last version")
        stop.set()
        await asyncio.gather(*watching)
        return final

    final = asyncio.run(scenario())
    log = _log(cluster)
    keys = [key for key in log["keys"] if key and key.startswith("cluster-")]
    # Every acknowledged ball is in the log, once; nothing else was recorded.
    assert sorted(keys) == sorted(acknowledged) and len(set(keys)) == len(keys)
    assert log["seq"] == final
    assert all(not fan.gaps for fan in fans), [fan.gaps for fan in fans if fan.gaps]
    # The SSE fallback goes through the balancer to the realtime tier too, at the last version.
    with urllib.request.urlopen(f"{base}/matches/{cluster['match']}/stream", timeout=10) as sse:
        assert sse.headers["Content-Type"] == "text/event-stream"
        assert sse.readline().decode().strip() == f"id: {final}"
    # The dead realtime process's fans (leastconn: about half) came back through the balancer.
    reconnects = sum(fan.reconnects for fan in fans)
    assert reconnects >= FANS // 4


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _log(cluster) -> dict:
    result = run_python(LOG.format(match=cluster["match"]), cluster["db_env"])
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)
