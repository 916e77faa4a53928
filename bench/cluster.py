"""Scale-out through the load balancer: the same load on 1 and on 2 processes of each tier.

    python -m bench.cluster [--processes 1,2] [--fans 2000] [--matches 10] [--balls 20]
                            [--interval 0.2] [--scorers 8] [--score-balls 100]

For each N it starts ``make cluster``'s topology (devtools/cluster.py: HAProxy, N web and N
realtime processes, a PostgreSQL primary and hot standby, Redis, worker, beat, relay; its own
data under a temporary directory, kept between the runs so the URLs stay the same) and measures,
through HAProxy:

1. **fans**: F WebSocket fans on M live matches, a ball on each match every ``interval`` seconds
   recorded through the write service; delivered messages/s and commit->receipt p50/p95/p99,
   every delta checked in order;
2. **scoring**: S scorers on S matches posting balls to the JSON API (login, CSRF,
   ``expected_seq``, idempotency key); balls/s, p50/p95/p99 and the web tier's CPU per ball,
   every ball checked recorded once.

The load generator shares the machine's cores with everything it measures (docs/capacity.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["BENCH_DATABASE_NAME"] = "scorekeeper"  # the cluster's own database


def _cluster_env() -> dict:
    from devtools.cluster import child_env

    # Every scorer logs in from this one address: the per-address login limit would refuse them.
    return child_env(DEMO="0", LOG_LEVEL="WARNING", LOGIN_RATE_LIMIT_PER_MINUTE="100000",
                     DJANGO_SETTINGS_MODULE="bench.settings")


def _start(var: Path, processes: int) -> tuple[subprocess.Popen, dict]:
    from devtools.cluster import servers_up
    from devtools.embedded import _free_port

    (var / "cluster.json").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.cluster", "--web", str(processes), "--realtime",
         str(processes), "--port", str(_free_port()), "--var-dir", str(var)],
        cwd=ROOT, env=_cluster_env(), start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            state = json.loads((var / "cluster.json").read_text())
            if list(servers_up(state["stats"]).values()) == ["UP"] * (2 * processes):
                return proc, state
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    _stop(proc)
    raise SystemExit("the cluster did not start")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _fans(state: dict, args) -> str:
    from django.db import connections

    from bench.fans import _spawn_client, _summary, live_matches, record_balls

    matches = live_matches(args.matches)
    base = state["url"].rstrip("/").replace("http://", "ws://")
    urls = [f"{base}/ws/matches/{matches[i % len(matches)][0].pk}/" for i in range(args.fans)]
    client = _spawn_client(urls, args.balls, timeout=300)
    try:
        assert client.stdout.readline().strip() == "connected"
        time.sleep(2)
        record_balls(matches, args.balls, args.interval)
        result = json.loads(client.stdout.readline())
    finally:
        client.kill()
        connections.close_all()
    ours = _summary(result)
    short = f", {len(result['incomplete'])} fans short" if result["incomplete"] else ""
    return (f"{args.fans:,} | {ours['per_s']:,.0f} | {ours['p50']:.0f} ms | {ours['p95']:.0f} ms"
            f" | {ours['p99']:.0f} ms | {result['gaps']}{short}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="1,2", help="processes per tier, each run")
    parser.add_argument("--fans", type=int, default=2000)
    parser.add_argument("--matches", type=int, default=10)
    parser.add_argument("--balls", type=int, default=20, help="balls per match (fans)")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--scorers", type=int, default=8)
    parser.add_argument("--score-balls", type=int, default=100, help="balls per scorer")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    ran = False
    try:
        for processes in [int(n) for n in args.processes.split(",")]:
            proc, state = _start(var, processes)
            try:
                if not ran:  # the first run made the database: now this process can use it
                    os.environ.update(
                        DATABASE_URL=state["database"], REDIS_URL=state["redis"],
                        REALTIME_REDIS_URLS=f"{state['redis']},{state['realtime_redis']}")
                    import django

                    django.setup()
                from bench.write_path import _header, _TokenScorer, bench_http

                print(f"\n== {processes} web + {processes} realtime process(es) behind HAProxy",
                      flush=True)
                fans = _fans(state, args)
                print(f"fans | msg/s | p50 | p95 | p99 | gaps\n{fans}", flush=True)
                web_pids = [pid for name, pid in state["pids"].items()
                            if name.startswith("web-")]
                print(flush=True)
                _header()
                bench_http(state["url"].rstrip("/"), web_pids, args.scorers, args.score_balls,
                           label="token web", client=_TokenScorer)
                ran = True
            finally:
                from django.db import connections

                connections.close_all()
                connections["default"].close_pool()  # its connections die with this cluster
                _stop(proc)
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
