"""Live scoreboard benchmark: N WebSocket fans on M live matches while scorers record balls.

    python -m bench.fans --fans 1000,5000 --matches 10 --balls 20 --interval 3 --stagger \
        --streams page,delta

Starts one Uvicorn process serving the realtime role (bench database), connects the fans from
a separate client process, records balls through the write service (each commit publishes its
messages), and prints, per stream and number of fans: messages delivered per second,
commit->receipt latency (p50/p95/p99), bytes per fan per ball, the server's CPU per fan per ball
and memory per connection. The fans speak the page's protocol (static/js/scoreboard.js): the
``page`` stream (the centre's keyed HTML operations) resuming with ``since`` and asking to
``resync`` after a missed version; ``delta`` is the JSON delta stream of API clients, for
comparison. Then a bare ``websockets`` server broadcasts the same number of messages of the
same size to the same fans, and our throughput and CPU are printed as a share of it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


async def _fans(urls: list[str], expect: int, timeout: float) -> dict:
    import websockets

    counts, latencies, sizes, gaps = [0] * len(urls), [], {"snapshot": [], "delta": []}, 0
    received = 0  # bytes of every message after the first
    last = [None] * len(urls)
    sockets = []
    for start in range(0, len(urls), 200):
        sockets += await asyncio.gather(*[
            websockets.connect(url, compression=None, max_queue=None, open_timeout=120,
                               origin="http://127.0.0.1") for url in urls[start:start + 200]])
    # Every fan has its snapshot before the first ball, so each must then get every delta.
    snapshots = await asyncio.gather(*(ws.recv() for ws in sockets))
    versions = [json.loads(text).get("v") for text in snapshots]
    sizes["snapshot"] = []
    for text in snapshots:
        sizes["snapshot"].append(len(text))
    print("connected", flush=True)
    first: list[float] = []

    resumes: list[float] = []  # when each reconnect succeeded
    refused: dict[str, int] = {}  # failed reconnects by reason

    async def reconnect(i: int, version):
        """As the page does: wait a random time up to a ceiling that doubles, then resume."""
        failures = 0
        while True:
            await asyncio.sleep(random.uniform(0, min(30.0, 2.0 * 2 ** (failures + 1))))
            try:
                ws = await websockets.connect(f"{urls[i]}&since={version}", compression=None,
                                              max_queue=None, open_timeout=30,
                                              origin="http://127.0.0.1")
                resumes.append(time.time())
                return ws
            except Exception as error:
                reason = getattr(getattr(error, "response", None), "status_code", None)
                reason = str(reason or type(error).__name__)
                refused[reason] = refused.get(reason, 0) + 1
                failures += 1

    async def read(i: int, ws) -> None:
        nonlocal gaps, received
        version = versions[i]
        while counts[i] < expect:
            try:
                text = await ws.recv()
            except websockets.ConnectionClosed:
                ws = sockets[i] = await reconnect(i, version)
                continue
            now = time.time()
            received += len(text.encode())
            message = json.loads(text)
            kind = message.get("type", "delta")
            if kind == "snapshot" or "html" in message:  # a whole state: nothing before it
                sizes["snapshot"].append(len(text))
                version = message["v"]
                continue
            sizes["delta"].append(len(text))
            if not first:
                first.append(now)
            if version is not None and message.get("v", version + 1) != version + 1:
                gaps += 1  # as the page does: ask for what it missed
                await ws.send(json.dumps({"type": "resync", "since": version}))
                continue
            version = message.get("v")
            last[i] = version
            counts[i] += 1
            latencies.append(now - message["t"])

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(read(i, ws) for i, ws in enumerate(sockets))),
                               timeout)
    finished = time.time()
    for ws in sockets:
        with contextlib.suppress(Exception):
            await ws.close()
    incomplete = [(urls[i].rsplit("/", 2)[-2], last[i], counts[i])
                  for i in range(len(urls)) if counts[i] < expect]
    return {"delivered": sum(counts), "incomplete": incomplete[:20],
            "seconds": finished - (first[0] if first else finished),
            "latencies": latencies, "gaps": gaps, "bytes": received,
            "resumes": sorted(resumes), "refused": refused,
            "snapshot_bytes": statistics.median(sizes["snapshot"]) if sizes["snapshot"] else 0,
            "delta_bytes": statistics.median(sizes["delta"]) if sizes["delta"] else 0}


def _client_main(args) -> None:
    urls = json.loads(Path(args.urls).read_text())
    result = asyncio.run(_fans(urls, args.balls, args.timeout))
    print(json.dumps(result), flush=True)


# Sockets per client process: a process may open at most 20,000 files here (`ulimit -Hn`).
CLIENT_SOCKETS = 9_000


class _Clients:
    """The fans, spread over as many client processes as their file limit needs."""

    def __init__(self, urls: list[str], balls: int, timeout: float):
        self.procs = [_spawn_client(urls[i:i + CLIENT_SOCKETS], balls, timeout)
                      for i in range(0, len(urls), CLIENT_SOCKETS)]

    def connected(self) -> bool:
        return all(p.stdout.readline().strip() == "connected" for p in self.procs)

    def result(self) -> dict:
        parts = [json.loads(p.stdout.readline()) for p in self.procs]
        merged = {key: sum(part[key] for part in parts)
                  for key in ("delivered", "gaps", "bytes")}
        merged["latencies"] = [x for part in parts for x in part["latencies"]]
        merged["resumes"] = sorted(x for part in parts for x in part["resumes"])
        merged["incomplete"] = [x for part in parts for x in part["incomplete"]][:20]
        merged["seconds"] = max(part["seconds"] for part in parts)
        merged["refused"] = {}
        for part in parts:
            for reason, count in part["refused"].items():
                merged["refused"][reason] = merged["refused"].get(reason, 0) + count
        for key in ("snapshot_bytes", "delta_bytes"):
            merged[key] = statistics.median(part[key] for part in parts)
        return merged

    def kill(self) -> None:
        for proc in self.procs:
            proc.kill()


def _spawn_client(urls: list[str], balls: int, timeout: float) -> subprocess.Popen:
    listing = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
    with listing:
        json.dump(urls, listing)
    return subprocess.Popen(
        [sys.executable, "-m", "bench.fans", "client", "--urls", listing.name,
         "--balls", str(balls), "--timeout", str(timeout)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def _summary(result: dict) -> dict:
    ordered = sorted(result["latencies"]) or [0]
    pick = lambda q: percentile(ordered, q) * 1000  # noqa: E731
    per_s = result["delivered"] / result["seconds"] if result["seconds"] else 0
    return {"per_s": per_s, "p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99)}


def _bare_server(port: int, message: str, count: int, fans: int, interval: float):
    """The baseline: a bare websockets server broadcasting ``count`` messages to ``fans``."""
    code = f"""
import asyncio, json, time, websockets
clients = set()
async def handler(ws):
    clients.add(ws)
    await ws.send(json.dumps({{"type": "snapshot", "v": 0}}))
    try:
        await ws.wait_closed()
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", {port}, compression=None):
        while len(clients) < {fans}:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        template = {message!r}
        for v in range(1, {count} + 1):
            text = template.replace('"v":0', '"v":' + str(v))
            text = text.replace('"t":0', '"t":' + repr(time.time()))
            websockets.broadcast(clients, text)
            await asyncio.sleep({interval})
        await asyncio.sleep(5)
asyncio.run(main())
"""
    return subprocess.Popen([sys.executable, "-c", code])


def live_matches(count: int) -> list:
    """``count`` matches with their first innings started: (match, the fielding side's ids)."""
    from bench.scoring import _setup_match
    from games.services import match_record_action

    matches = []
    for _ in range(count):
        match, a, b = _setup_match(0)
        match_record_action(match=match, action={"kind": "start_innings", "striker": a[0],
                                                 "non_striker": a[1], "bowler": b[0]})
        matches.append((match, b))
    return matches


def record_balls(matches: list, balls: int, interval: float, *, stagger: bool = False) -> None:
    """``balls`` deliveries on each match through the write service (each commit publishes its
    delta), a round every ``interval`` seconds (or spread evenly with ``stagger``)."""
    from games.services import match_record_action

    for ball in range(balls):
        for match, bowlers in matches:
            recorded = match_record_action(match=match, action={"kind": "delivery",
                                                                "runs": ball % 3})
            state = recorded.match.state
            if state["needs"] == "next_bowler":
                last = state["innings"][-1]["last_over_bowlers"]
                match_record_action(match=match, action={
                    "kind": "next_bowler", "player": next(b for b in bowlers if b not in last)})
            if stagger:
                time.sleep(interval / len(matches))
        if not stagger:
            time.sleep(interval)


def _watch_pages(matches: list) -> None:
    """Publishers render a match's page only while fans watch it (realtime/page_feed.py); the
    realtime process marks that when the first page fan connects. Mark it before, so that the
    first ball of the run is not the one that finds out."""
    from realtime.page_feed import WATCH_TTL, watch_key
    from realtime.shards import client_for_match

    for match, _ in matches:
        client_for_match(match.pk).set(watch_key(match.pk), 1, ex=WATCH_TTL)


def _run(args, stream: str, fans: int, matches: list) -> dict:
    """One run: a fresh realtime process, ``fans`` fans of ``stream``, ``args.balls`` balls."""
    import psutil
    from django.db import connection

    from config.processes import uvicorn_command
    from devtools.embedded import _free_port

    connection.close()
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT),
           "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    command = [*uvicorn_command("127.0.0.1", str(port), "realtime_application"),
               "--workers", str(args.workers)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    time.sleep(4 + 2 * (args.workers > 1))
    # With --workers > 1 the parent only supervises: count every process of the server.
    processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children(True)]

    def rss_total() -> int:
        return sum(p.memory_info().rss for p in processes)

    def cpu_total() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in processes)

    idle_rss = rss_total()
    urls = [f"ws://127.0.0.1:{port}/ws/matches/{matches[i % len(matches)][0].pk}/"
            f"?stream={stream}" for i in range(fans)]
    if stream == "page":
        _watch_pages(matches)
    client = _Clients(urls, args.balls, args.timeout)
    try:
        assert client.connected()
        time.sleep(2)
        rss = rss_total()
        cpu0 = cpu_total()
        storm = None
        if args.restart:
            half = args.balls // 2
            record_balls(matches, half, args.interval, stagger=args.stagger)
            server, processes, storm = _restart(server, command, env, matches, args)
            cpu0 = cpu_total()  # the new process's
            record_balls(matches, args.balls - half - 1, args.interval, stagger=args.stagger)
        else:
            record_balls(matches, args.balls, args.interval, stagger=args.stagger)
        result = client.result()
        cpu = cpu_total() - cpu0
    finally:
        client.kill()
        server.terminate()
        server.wait(timeout=30)
    if storm is not None:
        storm["resumed"] = len(result["resumes"])
        after = [t - storm["up_at"] for t in result["resumes"]]
        storm["resume_s"] = (percentile(after, 0.5), percentile(after, 0.99),
                             after[-1]) if after else None
        storm["refused"] = result["refused"]
    return {**result, **_summary(result), "cpu": cpu, "storm": storm,
            "per_conn_kb": (rss - idle_rss) / fans / 1024,
            "cpu_us_fan_ball": cpu * 1e6 / (fans * args.balls),
            "bytes_fan_ball": result["bytes"] / (fans * args.balls)}


def _database_statements() -> int:
    """Transactions the benchmark database has run (pg_stat_database): what a reconnect storm
    costs PostgreSQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database"
                       " WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _restart(server, command, env, matches, args):
    """Kill the realtime process (SIGKILL), score a ball on every match while it is down, start
    it again, and watch PostgreSQL while every fan comes back (no ball meanwhile)."""
    import psutil
    from django.db import connection

    server.kill()
    server.wait()
    record_balls(matches, 1, 0)  # missed while down: every fan must still get it
    connection.close()
    before = _database_statements()
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    up_at = time.time()
    time.sleep(args.storm_window)
    statements = _database_statements() - before - 2  # less this reading's own two
    processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children(True)]
    return server, processes, {"up_at": up_at, "db_statements": statements}


def _bare(args, fans: int, message_bytes: float) -> dict:
    """The same load on a bare websockets server: each fan gets the same number of messages of
    the same size at the same pace."""
    import psutil

    from devtools.embedded import _free_port

    sample = json.dumps({"type": "delta", "match": 1, "v": 0, "patch": {"x": "y" * int(
        max(0, message_bytes - 60))}, "t": 0}, separators=(",", ":"))
    port = _free_port()
    bare = _bare_server(port, sample, args.balls, fans, args.interval)
    time.sleep(1.5)
    client = _Clients([f"ws://127.0.0.1:{port}/?stream=bare"] * fans, args.balls, args.timeout)
    try:
        assert client.connected()
        bare_cpu0 = sum(psutil.Process(bare.pid).cpu_times()[:2])
        result = client.result()
        bare_cpu = sum(psutil.Process(bare.pid).cpu_times()[:2]) - bare_cpu0
    finally:
        client.kill()
        bare.kill()
    return {**_summary(result), "cpu_us_msg": bare_cpu * 1e6 / max(1, result["delivered"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "client"])
    parser.add_argument("--fans", default="1000", help="comma-separated: a run for each")
    parser.add_argument("--matches", type=int, default=10)
    parser.add_argument("--balls", type=int, default=30, help="balls per match")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between balls")
    parser.add_argument("--streams", default="page,delta",
                        help="page (the centre's page, as browsers), delta (API clients)")
    parser.add_argument("--urls", help="(client mode) a JSON file listing the fans' URLs")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--workers", type=int, default=1, help="Uvicorn worker processes")
    parser.add_argument("--stagger", action="store_true",
                        help="spread the matches' balls evenly over each interval (a smooth "
                             "stream) instead of recording them all at once (bursts)")
    parser.add_argument("--no-bare", action="store_true",
                        help="skip the bare websockets comparison")
    parser.add_argument("--restart", action="store_true",
                        help="halfway, kill the realtime process, score a ball, start it again "
                             "and measure the fans' return")
    parser.add_argument("--storm-window", type=float, default=30.0,
                        help="(--restart) seconds after the restart to count PostgreSQL's "
                             "transactions, with no ball scored")
    args = parser.parse_args()
    if args.mode == "client":
        _client_main(args)
        return

    import django

    django.setup()
    from bench.db import prepare_database

    prepare_database()
    print(f"{args.matches} matches, {args.balls} balls each (one per match every "
          f"{args.interval:g} s{', staggered' if args.stagger else ', all at once'}), "
          f"{args.workers} realtime process(es)")
    print(f"{'stream':<6} {'fans':>6} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'B/fan/ball':>10} {'CPU us/fan/ball':>15} {'KiB/conn':>8} {'gaps':>5} "
          f"{'bare msg/s':>10} {'ours/bare':>9} {'bare CPU us':>11}", flush=True)
    cpu_by_stream: dict[tuple[str, int], float] = {}
    for fans in [int(n) for n in args.fans.split(",")]:
        for stream in args.streams.split(","):
            matches = live_matches(args.matches)
            ours = _run(args, stream, fans, matches)
            cpu_by_stream[(stream, fans)] = ours["cpu_us_fan_ball"]
            row = (f"{stream:<6} {fans:>6} {ours['per_s']:>7,.0f} {ours['p50']:>7.1f} "
                   f"{ours['p95']:>7.1f} {ours['p99']:>7.1f} {ours['bytes_fan_ball']:>10.0f} "
                   f"{ours['cpu_us_fan_ball']:>15.1f} {ours['per_conn_kb']:>8.1f} "
                   f"{ours['gaps']:>5}")
            if not args.no_bare:
                bare = _bare(args, fans, ours["delta_bytes"])
                row += (f" {bare['per_s']:>10,.0f} {ours['per_s'] / bare['per_s']:>9.2f} "
                        f"{bare['cpu_us_msg']:>11.1f}")
            print(row, flush=True)
            if ours["storm"] is not None:
                storm = ours["storm"]
                print(f"  restart: {storm['resumed']:,} of {fans:,} fans resumed; after the "
                      f"restart p50/p99/last {storm['resume_s']} s; refused reconnects "
                      f"{storm['refused'] or 'none'}; PostgreSQL transactions in the "
                      f"{args.storm_window:g} s after it: {storm['db_statements']}; fans that "
                      f"missed a version at the end: {len(ours['incomplete'])}", flush=True)
            if ours["incomplete"]:
                print(f"  fans short of their messages (match, last v, count): "
                      f"{ours['incomplete']}", flush=True)
    for fans in [int(n) for n in args.fans.split(",")]:
        if ("page", fans) in cpu_by_stream and ("delta", fans) in cpu_by_stream:
            ratio = cpu_by_stream[("page", fans)] / cpu_by_stream[("delta", fans)]
            print(f"{fans} fans: the page costs {ratio:.2f}x the JSON delta's server CPU per "
                  "fan per ball")


if __name__ == "__main__":
    main()
