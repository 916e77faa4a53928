"""Write-path benchmark: what a ball costs over HTTP, beside the write service and the database.

    python -m bench.write_path [--scorers 1,8,32] [--balls 200] [--workers 1] [--servers web,asgi]
                               [--api-auth token,session]

In one run, on the benchmark database:

1. **raw**: a psycopg loop with the write service's own SQL (lock the match row, insert the entry,
   update the state, commit), one connection per scorer: what PostgreSQL itself allows.
2. **service**: ``match_record_action`` called directly (hooks included: domain events, delta).
3. **token web** / **token asgi**: ``POST /api/matches/<id>/actions`` on the web role as
   production runs it (Gunicorn, WSGI) and on Uvicorn's all-in-one ASGI application, side by side
   (``--workers`` processes each), each scorer a device with an API token (``Authorization:
   Bearer``), ``expected_seq`` and an idempotency key, on its own match; **session web** /
   **session asgi**: the same as a logged-in browser (session cookie and CSRF header).
4. **pad web**: the same balls through the scoring pad as pad.js posts them (the pad's form,
   ``X-Pad-Fetch: snapshot``: answered with the new seq and the pad's snapshot), on the web role.

First, **empty web** / **empty asgi**: ``GET /healthz`` (no query, no session) from one client,
the server's CPU per request before any work. Then each prints deliveries/s and p50/p95/p99 per
N concurrent scorers; the HTTP rows add the server's CPU (its processes' user+system time over
the run) per delivery and per action (every request: 200 deliveries come with 33 bowler
changes), the load generator's per delivery ("client": this process's; it shares the cores),
and the local PostgreSQL's and Redis's per action (every process of theirs on the machine:
run nothing else meanwhile). Last, one scorer plays a whole 50-over match (both innings, ~740
actions) over HTTP on the first server: p50 of its first and last 100 balls shows whether a
ball's cost grows with the match.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import threading
import time
import uuid

from bench.stats import percentile, quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# This process runs up to --scorers threads against the database at once (the raw and service
# rows); the server under test keeps the default pool (passed to it explicitly below).
SERVER_POOL = os.environ.get("DATABASE_POOL_MAX_SIZE", "20")
os.environ["DATABASE_POOL_MAX_SIZE"] = "100"


def _quantiles(latencies: list[float]) -> tuple[float, float, float]:
    q = quantiles(latencies)
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def _row(label: str, scorers: int, count: int, elapsed: float, latencies: list[float],
         cpu_s: float | None = None, client_s: float | None = None,
         actions: int | None = None, stores_s: tuple[float, float] | None = None) -> None:
    """One row: ``count`` deliveries (the rate and latencies are theirs); the server's CPU per
    delivery and per action (``actions``: every request it served, the bowler changes between
    overs too), the client's per delivery, and PostgreSQL's and Redis's per action."""
    p50, p95, p99 = _quantiles(latencies)
    per_action = actions or count
    cpu = (f"{cpu_s * 1000 / count:>9.2f} {cpu_s * 1000 / per_action:>9.2f}"
           if cpu_s is not None else f"{'':>9} {'':>9}")
    client = f"{client_s * 1000 / count:>9.2f}" if client_s is not None else f"{'':>9}"
    stores = (f" {stores_s[0] * 1000 / per_action:>9.2f} {stores_s[1] * 1000 / per_action:>9.2f}"
              if stores_s is not None else "")
    print(f"{label:<12} {scorers:>7} {count:>7} {count / elapsed:>8.0f} {p50:>7.1f} {p95:>7.1f} "
          f"{p99:>7.1f} {cpu} {client}{stores}", flush=True)


def _header() -> None:
    print(f"{'path':<12} {'scorers':>7} {'balls':>7} {'per s':>8} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'p99 ms':>7} {'CPU/ball':>9} {'CPU/act.':>9} {'client ms':>9} "
          f"{'PG/act.':>9} {'Redis/act.':>9}")


def _parallel(scorers: int, work) -> tuple[float, list[float]]:
    """Run ``work(i)`` (returns its latencies) on ``scorers`` threads started together."""
    results: list[list[float]] = [[] for _ in range(scorers)]
    barrier = threading.Barrier(scorers + 1)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(scorers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, [x for r in results for x in r]


def _new_match(tag: str):
    from django.contrib.auth import get_user_model

    from games.services import match_record_action
    from tests.games.factories import make_match

    user = get_user_model().objects.create_user(f"bench-write-{tag}-{uuid.uuid4().hex[:8]}",
                                                password="bench")
    match = make_match(scorer=user, overs=50, prefix=f"{user.username} ")
    match_record_action(match=match, action={
        "kind": "start_innings", "striker": match.a_ids[0], "non_striker": match.a_ids[1],
        "bowler": match.b_ids[0]})
    return user, match


def _balls(balls: int, bowlers: list[str]):
    """The actions of ``balls`` deliveries with the bowler changes between overs."""
    for n in range(balls):
        if n and n % 6 == 0:
            yield False, {"kind": "next_bowler", "player": bowlers[(n // 6) % 2]}
        yield True, {"kind": "delivery", "runs": n % 3}


def bench_raw(scorers: int, balls: int) -> None:
    import psycopg
    from django.conf import settings
    from django.db import connection

    from games.services import _APPEND_SQL, _LOCK_SQL

    matches = [_new_match("raw")[1] for _ in range(scorers)]
    connection.close()
    db = settings.DATABASES["default"]
    state = json.dumps(matches[0].state)

    def work(i: int) -> list[float]:
        match, latencies = matches[i], []
        with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                             password=db["PASSWORD"], dbname=db["NAME"]) as conn:
            seq = match.seq
            for _ in range(balls):
                started = time.perf_counter()
                with conn.transaction():
                    conn.execute(_LOCK_SQL, [uuid.uuid4().hex, None, match.pk]).fetchone()
                    conn.execute(_APPEND_SQL, [
                        match.pk, seq + 1, "delivery", '{"kind": "delivery", "runs": 1}', None,
                        uuid.uuid4().hex, "[]", seq + 1, state, "live", "", match.pk]).fetchone()
                seq += 1
                latencies.append(time.perf_counter() - started)
        return latencies

    elapsed, latencies = _parallel(scorers, work)
    _row("raw SQL", scorers, len(latencies), elapsed, latencies)


def bench_service(scorers: int, balls: int) -> None:
    from django.db import connection

    from games.services import match_record_action

    jobs = [_new_match("svc") for _ in range(scorers)]
    connection.close()

    def work(i: int) -> list[float]:
        _, match = jobs[i]
        latencies = []
        for timed, action in _balls(balls, match.b_ids[:2]):
            started = time.perf_counter()
            match_record_action(match=match, action=action, expected_seq=match.seq,
                                idempotency_key=uuid.uuid4().hex)
            if timed:
                latencies.append(time.perf_counter() - started)
        connection.close()
        return latencies

    elapsed, latencies = _parallel(scorers, work)
    _row("service", scorers, len(latencies), elapsed, latencies)


class _Scorer:
    """A logged-in scorer's HTTP session (cookies, CSRF) posting JSON actions.

    It logs in with ``requests``, then posts on one keep-alive ``http.client`` connection with
    the session's cookies: the load generator shares the server's two cores, and ``requests``
    cost ~3 ms of CPU a post (as much as the server's work) where ``http.client`` costs a
    fraction of that — the rows measure the server, not the client library. Each post is still
    a full request: the session cookie, the CSRF header, ``expected_seq``, a fresh idempotency
    key, the JSON answer read and parsed."""

    content_type = "application/json"

    def __init__(self, base: str, user, match_id: int, seq: int):
        import http.client
        import urllib.parse

        self.base, self.match_id, self.seq = base, match_id, seq
        address = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        self.headers = {**self._credentials(user), "Content-Type": self.content_type}
        self.delta_bytes: list[int] = []

    def _credentials(self, user) -> dict:
        """Log in as a browser does: the session cookie and the CSRF header."""
        import requests

        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/")
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        done = session.post(f"{self.base}/accounts/login/", data={
            "username": user.username, "password": "bench", "csrfmiddlewaretoken": token})
        assert done.ok, done.status_code
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies),
                "X-CSRFToken": session.cookies["csrftoken"]}

    def _post(self, path: str, body: str):
        """POST on the kept connection: (the response, its body)."""
        self.connection.request("POST", path, body=body.encode(), headers=self.headers)
        response = self.connection.getresponse()
        return response, response.read()

    def post(self, action: dict) -> None:
        from realtime.publish import delta_text  # as fans receive it

        response, raw = self._post(
            f"/api/matches/{self.match_id}/actions",
            json.dumps({"action": action, "expected_seq": self.seq,
                        "idempotency_key": uuid.uuid4().hex}))
        assert response.status == 201, (response.status, raw[:300])
        body = json.loads(raw)
        self.seq = body["seq"]
        self.delta_bytes.append(len(delta_text(body["delta"])))


class _TokenScorer(_Scorer):
    """The same scorer as a scoring device: an API token (``Authorization: Bearer``) instead
    of a session; no cookie, no CSRF header."""

    def _credentials(self, user) -> dict:
        from accounts.tokens import api_token_create

        return {"Authorization": f"Bearer {api_token_create(user=user, name='bench')[1]}"}


class _PadScorer(_Scorer):
    """The same scorer on the scoring pad as pad.js posts it: the pad's form, urlencoded, with
    ``X-Pad-Fetch: snapshot``; the answer is the new seq, the next key and the pad's snapshot."""

    content_type = "application/x-www-form-urlencoded"

    def __init__(self, base: str, user, match_id: int, seq: int):
        super().__init__(base, user, match_id, seq)
        self.headers["X-Pad-Fetch"] = "snapshot"

    def post(self, action: dict) -> None:
        import urllib.parse

        form = ({"action": f"runs-{action['runs']}"} if action["kind"] == "delivery"
                else {"action": action["kind"], "player": action["player"]})
        response, raw = self._post(f"/score/{self.match_id}/", urllib.parse.urlencode(
            {**form, "expected_seq": self.seq, "idempotency_key": uuid.uuid4().hex}))
        assert response.getheader("X-Pad-Outcome") == "recorded", (response.status, raw[:300])
        self.seq = int(response.getheader("X-Pad-Seq"))


def _cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for p in [process, *process.children(recursive=True)]:
            times = p.cpu_times()
            total += times.user + times.system
    return total


def _stores_cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this machine's PostgreSQL and Redis server processes (the
    benchmark's database and Redis are local: embedded, or the system's on 127.0.0.1)."""
    import psutil

    postgres = redis = 0.0
    for process in psutil.process_iter(["name"]):
        name = process.info["name"] or ""
        try:
            if name.startswith("postgres"):
                times = process.cpu_times()
                postgres += times.user + times.system
            elif name.startswith("redis-server"):
                times = process.cpu_times()
                redis += times.user + times.system
        except psutil.Error:  # gone, or not ours to read
            continue
    return postgres, redis


_SERVERS = {"web": "the web role (Gunicorn)", "asgi": "Uvicorn (ASGI)"}
_AUTH_CLIENTS = {"token": _TokenScorer, "session": _Scorer}


def bench_http(base: str, server_pids: list[int], scorers: int, balls: int,
               label: str, client) -> None:
    from django.db import connection

    jobs = [_new_match("http") for _ in range(scorers)]
    connection.close()
    clients = [client(base, user, match.pk, match.seq) for user, match in jobs]

    def work(i: int) -> list[float]:
        latencies = []
        for timed, action in _balls(balls, jobs[i][1].b_ids[:2]):
            started = time.perf_counter()
            clients[i].post(action)
            if timed:
                latencies.append(time.perf_counter() - started)
        return latencies

    cpu_before, client_before = _cpu_seconds(server_pids), time.process_time()
    stores_before = _stores_cpu_seconds()
    elapsed, latencies = _parallel(scorers, work)
    cpu = _cpu_seconds(server_pids) - cpu_before
    stores = [now - before for now, before in zip(_stores_cpu_seconds(), stores_before,
                                                  strict=True)]
    actions = scorers * sum(1 for _ in _balls(balls, ["", ""]))
    _row(label, scorers, len(latencies), elapsed, latencies, cpu,
         time.process_time() - client_before, actions=actions, stores_s=tuple(stores))
    for _, match in jobs:  # every acknowledged ball recorded exactly once
        match.refresh_from_db()
        assert match.state["innings"][0]["legal_balls"] == balls, match.pk


def bench_empty_request(base: str, server_pids: list[int], label: str,
                        requests_: int = 1000) -> None:
    """What the server costs before any work: ``GET /healthz`` (no query, no session), one
    client, in a loop: the floor under every request's CPU."""
    import requests

    session = requests.Session()
    for _ in range(50):
        session.get(f"{base}/healthz")
    cpu_before, started = _cpu_seconds(server_pids), time.perf_counter()
    latencies = []
    for _ in range(requests_):
        begun = time.perf_counter()
        session.get(f"{base}/healthz")
        latencies.append(time.perf_counter() - begun)
    cpu = _cpu_seconds(server_pids) - cpu_before
    _row(label, 1, requests_, time.perf_counter() - started, latencies, cpu)


def bench_whole_match(base: str) -> None:
    """One scorer, a whole 50-over match over HTTP: does a ball cost more late than early?"""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.scoring import fifty_over_log_for
    from tests.games.factories import make_match

    user = get_user_model().objects.create_user(f"bench-write-full-{uuid.uuid4().hex[:8]}",
                                                password="bench")
    match = make_match(scorer=user, overs=50, prefix=f"{user.username} ")
    actions = fifty_over_log_for(match)
    connection.close()
    scorer = _TokenScorer(base, user, match.pk, 0)
    latencies = []
    for action in actions:
        started = time.perf_counter()
        scorer.post(action)
        if action["kind"] == "delivery":
            latencies.append(time.perf_counter() - started)
    first = statistics.median(latencies[:100]) * 1000
    last = statistics.median(latencies[-100:]) * 1000
    print(f"\nA whole 50-over match over HTTP, one scorer ({len(actions)} actions, "
          f"{len(latencies)} balls): p50 of the first 100 balls {first:.1f} ms, "
          f"of the last 100 {last:.1f} ms; the delta fans get for an action: median "
          f"{statistics.median(scorer.delta_bytes):.0f} bytes, p95 "
          f"{percentile(scorer.delta_bytes, 0.95):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scorers", default="1,8,32")
    parser.add_argument("--balls", type=int, default=200, help="deliveries per scorer")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--servers", default="web,asgi",
                        help="web: the web role (Gunicorn, WSGI); asgi: Uvicorn's all-in-one "
                             "application (what make run and the tests serve)")
    parser.add_argument("--api-auth", default="token,session",
                        help="how the JSON API's scorers sign their requests: token (a device's "
                             "API token), session (a browser's session and CSRF token)")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database
    from bench.server import bench_server

    prepare_database()
    roles = args.servers.split(",")
    with contextlib.ExitStack() as stack:
        servers = {}
        for role in roles:
            pids: list[int] = []
            port = stack.enter_context(bench_server(
                workers=args.workers, role=role, LOGIN_RATE_LIMIT_PER_MINUTE="100000",
                DATABASE_POOL_MAX_SIZE=SERVER_POOL, pids=pids))
            servers[role] = (f"http://127.0.0.1:{port}", pids)
        print(f"{args.balls} deliveries per scorer, each scorer on its own match; HTTP: "
              f"{', '.join(_SERVERS[r] for r in roles)}, {args.workers} worker process(es) each")
        _header()
        for role, (base, pids) in servers.items():
            bench_empty_request(base, pids, f"empty {role}")
        for scorers in (int(n) for n in args.scorers.split(",")):
            bench_raw(scorers, args.balls)
            bench_service(scorers, args.balls)
            for role, (base, pids) in servers.items():
                for auth in args.api_auth.split(","):
                    bench_http(base, pids, scorers, args.balls, label=f"{auth} {role}",
                               client=_AUTH_CLIENTS[auth])
            if "web" in servers:  # the pad as pad.js posts it, on the web role
                bench_http(*servers["web"], scorers, args.balls, label="pad web",
                           client=_PadScorer)
        bench_whole_match(servers[roles[0]][0])


if __name__ == "__main__":
    main()
