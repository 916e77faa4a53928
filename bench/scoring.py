"""Scoring benchmark: engine folds per second, and the write service under concurrent scorers.

    python -m bench.scoring [--balls 300] [--scorers 1,8,32]

1. Folds per second of a full 50-over match log (both innings, ~620 actions), pure engine.
2. Deliveries per second and p50/p95/p99 latency through ``match_record_action`` (row lock,
   expected_seq, idempotency key, log insert, state update, durable commit) for N concurrent
   scorers, each on its own match, run as threads spread over worker processes.
3. Whether per-ball cost stays flat as a match grows (first vs last 100 balls, one scorer).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
import uuid

from bench.stats import quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def fifty_over_log(overs: int = 50, bowler_max_overs: int = 10):
    """A legal, deterministic two-innings limited-overs match (50 overs unless told): config and
    actions. Five bowlers share the overs, so five times ``bowler_max_overs`` must cover them."""
    from cricket.engine import MatchConfig, Team, apply_in_place, new_state

    a = tuple(f"a{i}" for i in range(1, 12))
    b = tuple(f"b{i}" for i in range(1, 12))
    config = MatchConfig(teams=(Team("A", "Alpha", a), Team("B", "Bravo", b)),
                         batting_first="A", overs=overs, bowler_max_overs=bowler_max_overs)
    pattern = [0, 1, 0, 4, 2, 0, 1, 6, 0, 1, 3, 0]
    state, actions = new_state(), []

    def do(action):
        apply_in_place(config, state, action)
        actions.append(action)

    for batting, bowling in ((a, b), (b, a)):
        do({"kind": "start_innings", "striker": batting[0], "non_striker": batting[1],
            "bowler": bowling[0]})
        ball = 0
        while state["needs"] not in ("start_innings", None):
            inn = state["innings"][-1]
            if state["needs"] == "new_batter":
                waiting = [p for p in batting if p not in inn["batters"]]
                do({"kind": "new_batter", "player": waiting[0]})
            elif state["needs"] == "next_bowler":
                over = inn["legal_balls"] // 6
                do({"kind": "next_bowler", "player": bowling[over % 5]})
            elif ball % 37 == 36 and inn["wickets"] < 6:
                do({"kind": "delivery", "runs": 0,
                    "wickets": [{"kind": "bowled", "player_out": inn["striker"]}]})
            elif ball % 23 == 22:
                do({"kind": "delivery", "extras": {"wides": 1}})
            else:
                runs = pattern[ball % len(pattern)]
                do({"kind": "delivery", "runs": runs, "boundary": runs in (4, 6)})
            ball += 1
    return config, actions


def fifty_over_log_for(match, overs: int = 50, bowler_max_overs: int = 10) -> list[dict]:
    """``fifty_over_log``'s actions for a real match made by ``tests.games.factories.make_match``:
    its placeholder players (a1…a11, b1…b11) replaced by the match's player ids."""
    ids = {f"a{i}": match.a_ids[i - 1] for i in range(1, 12)}
    ids |= {f"b{i}": match.b_ids[i - 1] for i in range(1, 12)}

    def mapped(value):
        if isinstance(value, dict):
            return {k: mapped(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mapped(v) for v in value]
        return ids.get(value, value) if isinstance(value, str) else value

    _, actions = fifty_over_log(overs=overs, bowler_max_overs=bowler_max_overs)
    return [mapped(action) for action in actions]


def bench_fold(seconds: float = 3.0) -> dict:
    from cricket.engine import fold

    config, actions = fifty_over_log()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fold(config, actions)
        count += 1
    elapsed = time.perf_counter() - started
    return {"actions": len(actions), "folds_per_s": count / elapsed,
            "actions_per_s": count * len(actions) / elapsed}


def _setup_match(index: int):
    from games.models import Player, Team
    from games.services import match_create

    tag = uuid.uuid4().hex[:8]
    team_a = Team.objects.create(name=f"Bench A {tag}")
    team_b = Team.objects.create(name=f"Bench B {tag}")
    a = Player.objects.bulk_create([Player(name=f"A{i} {tag}") for i in range(11)])
    b = Player.objects.bulk_create([Player(name=f"B{i} {tag}") for i in range(11)])
    match = match_create(team_a=team_a, team_b=team_b, players_a=a, players_b=b,
                         toss_winner=team_a, toss_decision="bat", overs=None,
                         bowler_max_overs=None)
    return match, [str(p.pk) for p in a], [str(p.pk) for p in b]


def _score(balls: int) -> list[float]:
    """One scorer: start an innings and record ``balls`` deliveries; returns latencies (s)."""
    from django.db import connection

    from games.services import match_record_action

    match, a, b = _setup_match(0)
    seq = match_record_action(match=match, action={
        "kind": "start_innings", "striker": a[0], "non_striker": a[1], "bowler": b[0]}).match.seq
    latencies, over = [], 0
    while len(latencies) < balls:
        started = time.perf_counter()
        recorded = match_record_action(
            match=match, action={"kind": "delivery", "runs": len(latencies) % 3},
            expected_seq=seq, idempotency_key=uuid.uuid4().hex)
        latencies.append(time.perf_counter() - started)
        seq = recorded.match.seq
        if recorded.match.state["needs"] == "next_bowler":
            over += 1
            seq = match_record_action(match=match, action={
                "kind": "next_bowler", "player": b[over % 2]}, expected_seq=seq).match.seq
    connection.close()
    return latencies


def _worker(threads: int, balls: int, start_at: float, out) -> None:
    import django

    django.setup()
    results: list[list[float]] = []

    def run():
        results.append(_score(balls))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    time.sleep(max(0.0, start_at - time.time()))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(results)


def bench_service(scorers: int, balls: int, processes: int) -> dict:
    processes = min(processes, scorers)
    per_process = [scorers // processes + (1 if i < scorers % processes else 0)
                   for i in range(processes)]
    queue = multiprocessing.get_context("fork").Queue()
    start_at = time.time() + 2.0
    procs = [multiprocessing.get_context("fork").Process(
        target=_worker, args=(n, balls, start_at, queue)) for n in per_process]
    for proc in procs:
        proc.start()
    runs = []
    for _ in procs:
        runs += queue.get()
    for proc in procs:
        proc.join()
    elapsed = max(sum(run) for run in runs)  # the slowest scorer's busy time bounds the run
    latencies = sorted(x for run in runs for x in run)
    q = quantiles(latencies)
    first = [x for run in runs for x in run[:100]]
    last = [x for run in runs for x in run[-100:]]
    return {
        "scorers": scorers, "deliveries": len(latencies),
        "per_s": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000,
        "first100_p50_ms": statistics.median(first) * 1000,
        "last100_p50_ms": statistics.median(last) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--balls", type=int, default=300, help="deliveries per scorer")
    parser.add_argument("--scorers", default="1,8,32")
    parser.add_argument("--processes", type=int, default=4,
                        help="worker processes the scorers' threads are spread over")
    args = parser.parse_args()

    fold = bench_fold()
    print(f"engine: a 50-over match log of {fold['actions']} actions folds "
          f"{fold['folds_per_s']:.0f} times/s ({fold['actions_per_s']:,.0f} actions/s)")

    import django

    django.setup()
    from django.db import connection

    from bench.db import prepare_database

    prepare_database()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
    connection.close()
    connection.close_pool()  # forked workers must not share the parent's pooled sockets
    print(f"service: match_record_action on PostgreSQL (synchronous_commit={sync}, fsync={fsync}),"
          f" {args.balls} deliveries per scorer, each scorer on its own match")
    print(f"{'scorers':>8} {'deliveries':>10} {'per s':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'first100 p50':>13} {'last100 p50':>12}")
    for scorers in (int(n) for n in args.scorers.split(",")):
        r = bench_service(scorers, args.balls, args.processes)
        print(f"{r['scorers']:>8} {r['deliveries']:>10} {r['per_s']:>8.0f} {r['p50_ms']:>7.1f} "
              f"{r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['first100_p50_ms']:>13.1f} "
              f"{r['last100_p50_ms']:>12.1f}", flush=True)


if __name__ == "__main__":
    main()
