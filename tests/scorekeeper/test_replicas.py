"""Read replicas on a real streaming replica: a second embedded PostgreSQL started as a hot
standby of a throwaway primary (``pg_basebackup -R``), and a real web process given both.

Which server answered is seen from what it answers: with the standby's replay paused, a fan reads
the match from before the ball (the replica) while the scorer who recorded it reads it after
(the primary); once the replica has been behind for longer than allowed, or is stopped, fans read
the primary too, and ``/readyz`` and ``/metrics`` say so.
"""

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from core import replicas
from devtools.embedded import EmbeddedPostgres, EmbeddedStandby, _free_port
from tests.conftest import ROOT, run_python, wait_until
from tests.servers import Browser, child_env, start_server, stop_server

pytestmark = pytest.mark.slow

MAX_LAG = 3.0

SETUP = """
import json, django
django.setup()
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action
scorer = make_user("replica-scorer")
match = make_match(scorer=scorer)
match_record_action(match=match, action=start_action(match))
print(json.dumps({"match": match.pk, "scorer": scorer.username}))
"""


def _sql(url: str, sql: str):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchone()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A primary, its hot standby, the schema and one started match, and a web process that
    reads fans' pages from the standby."""
    root = tmp_path_factory.mktemp("replica")
    primary = EmbeddedPostgres(root / "primary")
    primary_url = primary.start()
    standby = EmbeddedStandby(root / "standby", primary_port=primary.running_port())
    standby_url = standby.start()
    env = {**child_env(), "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": standby_url,
           "TEST_REDIS_PREFIX": f"replica-{time.time_ns()}",
           "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG), "REPLICA_CHECK_SECONDS": "0.2",
           "REPLICA_STICKY_SECONDS": "30"}
    server = None
    try:
        migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                                 env=env, capture_output=True, text=True, timeout=300)
        assert migrate.returncode == 0, migrate.stderr[-2000:]
        made = run_python(SETUP, env)
        assert made.returncode == 0, made.stderr[-2000:]
        port = _free_port()
        server = start_server(port, env)
        yield {"base": f"http://127.0.0.1:{port}", "primary": primary_url,
               "standby": standby, "standby_url": standby_url, **json.loads(made.stdout)}
    finally:
        if server is not None:
            stop_server(server)
        standby.stop()
        primary.stop()


def _get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _fan_seq(cluster) -> int:
    status, body = _get(cluster["base"], f"/api/matches/{cluster['match']}")
    assert status == 200, body
    return json.loads(body)["seq"]


def _list_etag(cluster, open_url) -> str:
    """The match list's version as this client is served it (anonymous fan or scorer)."""
    with open_url(f"{cluster['base']}/matches/?fragment=1", timeout=10) as response:
        return response.headers["ETag"]


def _replica_state(cluster) -> dict:
    _, body = _get(cluster["base"], "/readyz")  # from 127.0.0.1: the operator's report
    report = json.loads(body)
    # (No Celery worker runs here, so the process is "down" for that; a replica behind or gone
    # is never a reason.)
    assert report["down"] == ["celery"], report
    return report["replica"]


def _replay(cluster, on: bool) -> None:
    _sql(cluster["standby_url"], f"SELECT pg_wal_replay_{'resume' if on else 'pause'}()")


def _primary_seq(cluster) -> int:
    return _sql(cluster["primary"], f"SELECT seq FROM games_match WHERE id = {cluster['match']}")[0]


def _ball(scorer: Browser, cluster, key: str) -> int:
    status, _, body = scorer.post_json(f"/api/matches/{cluster['match']}/actions", {
        "action": {"kind": "delivery", "runs": 1}, "idempotency_key": key})
    assert status == 201, body
    return body["seq"]


def test_fans_read_the_replica_the_scorer_reads_their_own_write_and_a_lagging_replica_is_skipped(
        cluster):
    scorer = Browser(cluster["base"])
    scorer.login(cluster["scorer"], f"pw-{cluster['scorer']}")
    _ball(scorer, cluster, "warm-up")
    wait_until(lambda: _replica_state(cluster)["status"] == "ok"
              and _replica_state(cluster)["lag_seconds"] == 0)
    before = _fan_seq(cluster)
    assert before == _primary_seq(cluster)
    lists_before = _list_etag(cluster, urllib.request.urlopen)

    _replay(cluster, on=False)  # the replica stops applying what the primary sends
    try:
        seq = _ball(scorer, cluster, "paused-1")
        assert seq == before + 1 == _primary_seq(cluster)
        # A fan's match list is read from the replica: as it was before the ball.
        assert _list_etag(cluster, urllib.request.urlopen) == lists_before
        # The scorer who recorded it reads the primary (read-your-writes cookie).
        assert _list_etag(cluster, scorer.opener.open) != lists_before
        assert any(c.name == replicas.STICKY_COOKIE for c in scorer.jar)
        # A match's own pages are never older than the version a fan may already have from
        # the live feed: the replica does not have this one yet, so they come from the primary.
        assert _fan_seq(cluster) == seq
        with urllib.request.urlopen(f"{cluster['base']}/matches/{cluster['match']}/version",
                                    timeout=10) as response:
            assert json.loads(response.read())["v"] == seq
        with urllib.request.urlopen(f"{cluster['base']}/matches/{cluster['match']}/centre/{seq}",
                                    timeout=10) as response:
            assert response.headers["X-Seq"] == str(seq)

        # Behind for longer than allowed: skipped, and said so.
        state = wait_until(lambda: (s := _replica_state(cluster))["status"] == "lagging" and s)
        assert state["lag_seconds"] > MAX_LAG and state["bytes_behind"] > 0
        assert _fan_seq(cluster) == seq  # fans now read the primary
        _, metrics = _get(cluster["base"], "/metrics")
        assert re.search(r"^scorekeeper_replica_in_use\{[^}]*\} 0\.0$", metrics, re.M), metrics
        assert re.search(r"^scorekeeper_replica_lag_seconds\{[^}]*\} [1-9]", metrics, re.M)
    finally:
        _replay(cluster, on=True)

    # Caught up: back in use. Proven by pausing again — a fan sees the older version once more.
    wait_until(lambda: _replica_state(cluster)["status"] == "ok")
    assert _list_etag(cluster, urllib.request.urlopen) != lists_before  # the replica has the ball
    lists_before = _list_etag(cluster, urllib.request.urlopen)
    _replay(cluster, on=False)
    try:
        _ball(scorer, cluster, "paused-2")
        assert _list_etag(cluster, urllib.request.urlopen) == lists_before
    finally:
        _replay(cluster, on=True)
    wait_until(lambda: _list_etag(cluster, urllib.request.urlopen) != lists_before)


def test_a_replica_that_goes_down_is_skipped_with_no_error_and_used_again_when_back(cluster):
    scorer = Browser(cluster["base"])
    scorer.login(cluster["scorer"], f"pw-{cluster['scorer']}")
    wait_until(lambda: _replica_state(cluster)["status"] == "ok")
    cluster["standby"].stop()
    try:
        seq = _ball(scorer, cluster, "standby-down")
        # Every fan read answers, from the primary: the match API, the centre, the boards.
        for path in (f"/api/matches/{cluster['match']}", f"/matches/{cluster['match']}/",
                     f"/matches/{cluster['match']}/centre/{seq}",
                     f"/matches/{cluster['match']}/version", "/matches/", "/leaderboards/"):
            status, body = _get(cluster["base"], path)
            assert status == 200, (path, status, body[:300])
        assert _fan_seq(cluster) == seq
        state = wait_until(lambda: (s := _replica_state(cluster))["status"] == "down" and s)
        assert state["error"]
    finally:
        cluster["standby"].start()
    wait_until(lambda: _replica_state(cluster)["status"] == "ok", timeout=30)
    assert _fan_seq(cluster) == seq


def test_a_read_that_fails_on_the_replica_is_done_again_on_the_primary(monkeypatch):
    """The replica dies between the probe and the read: the read answers from the primary and
    the replica is skipped until the next probe finds it well."""
    from django.db import OperationalError

    monkeypatch.setattr(replicas, "configured", lambda: True)
    monkeypatch.setattr(replicas.health, "usable", lambda: True)
    discarded = []
    monkeypatch.setattr(replicas, "_discard_replica_connection", lambda: discarded.append(1))
    router = replicas.ReplicaRouter()
    from django.contrib.sessions.models import Session

    from games.models import Match

    @replicas.replica_reads
    def read():
        if router.db_for_read(Match) == replicas.REPLICA:
            # Who is signed in is never read from the copy, even here.
            assert router.db_for_read(Session) == "default"
            raise OperationalError("server closed the connection unexpectedly")
        return "from the primary"

    before = replicas.health.fallbacks
    assert read() == "from the primary"
    assert replicas.health.fallbacks == before + 1 and discarded == [1]
    assert replicas.health.state["status"] == "down"
    assert router.db_for_read(Match) is None  # outside replica_reads: the primary


def test_a_client_that_wrote_keeps_reading_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "configured", lambda: True)
    monkeypatch.setattr(replicas.health, "usable", lambda: True)
    seen = []

    @replicas.replica_reads
    def read():
        seen.append(replicas._reading_replica.get())

    read()
    token = replicas._primary_only.set(True)  # what the middleware sets from the cookie
    try:
        read()
    finally:
        replicas._primary_only.reset(token)
    assert seen == [True, False]


def test_a_probe_that_never_comes_back_counts_as_down_and_no_request_waits_for_it(monkeypatch):
    """A replica whose packets vanish: the probe (in its own thread) hangs; requests go on at
    once by the last answer, and after PROBE_PATIENCE_SECONDS the replica counts as down."""
    import threading

    health = replicas.ReplicaHealth()
    health.state = {"status": "ok", "lag_seconds": 0.0, "bytes_behind": 0}
    release = threading.Event()
    monkeypatch.setattr(health, "probe", lambda: release.wait(10))
    monkeypatch.setattr(replicas, "PROBE_PATIENCE_SECONDS", 0.2)
    try:
        started = time.monotonic()
        assert health.usable() is True  # the last answer; the probe runs elsewhere
        assert time.monotonic() - started < 0.1
        time.sleep(0.3)
        assert health.usable() is False
        assert "no answer" in health.state["error"]
    finally:
        release.set()
