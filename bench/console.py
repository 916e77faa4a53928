"""Scorer console benchmark: the scoring pad's round trip, form POST → 302 → pad page.

    python -m bench.console [--scorers 1,4] [--balls 200]

Starts the web role (Gunicorn; ``--server asgi``: Uvicorn) on the benchmark database; each
scorer (a thread with its own session, logged in through the real login form) scores its own
match by posting the pad's form exactly as a browser without JavaScript does (CSRF token,
expected_seq, idempotency key read from the page it was given), following the redirect and
reading the new page. Times the whole round
trip per ball and checks every ball was recorded once.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

FIELD = re.compile(r'name="(csrfmiddlewaretoken|expected_seq|idempotency_key)" value="([^"]+)"')
TAPS = ["runs-0", "runs-1", "runs-0", "runs-4", "runs-2", "runs-0", "runs-1", "runs-6"]


def _fields(html: str) -> dict:
    fields = {}
    for name, value in FIELD.findall(html):
        fields.setdefault(name, value)  # the first form's: the pad's
    return fields


def _scorer(base: str, username: str, match_id: int, bowlers: list[str], balls: int,
            out: dict, lock, fetch: bool) -> None:
    import requests

    # --fetch: post as pad.js does, answered with the new pad directly (one request per ball).
    headers = {"X-Pad-Fetch": "1"} if fetch else {}
    session = requests.Session()
    login = session.get(f"{base}/accounts/login/")
    token = _fields(login.text)["csrfmiddlewaretoken"]
    page = session.post(f"{base}/accounts/login/", data={
        "username": username, "password": "bench", "csrfmiddlewaretoken": token,
        "next": f"/score/{match_id}/"})
    assert page.url.endswith(f"/score/{match_id}/"), page.url
    latencies, tapped, overs = [], 0, 0
    while tapped < balls:
        fields = _fields(page.text)
        if '"needs": "next_bowler"' in page.text:  # the pad's snapshot (every panel is on the page)
            overs += 1
            data = {**fields, "action": "next_bowler", "player": bowlers[overs % 2]}
            page = session.post(f"{base}/score/{match_id}/", data=data, headers=headers)
            continue
        data = {**fields, "action": TAPS[tapped % len(TAPS)]}
        started = time.perf_counter()
        page = session.post(f"{base}/score/{match_id}/", data=data, headers=headers)
        latencies.append(time.perf_counter() - started)
        assert page.status_code == 200 and len(page.history) == (0 if fetch else 1), (
            page.status_code)
        tapped += 1
    with lock:
        out["latencies"] += latencies
        out["balls"] += tapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scorers", default="1,4")
    parser.add_argument("--balls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--server", default="web", choices=("web", "asgi"),
                        help="web: the web role (Gunicorn); asgi: Uvicorn's ASGI application")
    parser.add_argument("--fetch", action="store_true",
                        help="post as pad.js does (one request per ball) instead of POST→302→GET")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.db import prepare_database
    from bench.server import bench_server
    from games.services import match_record_action
    from tests.games.factories import make_match

    prepare_database()
    with bench_server(workers=args.workers, role=args.server,
                      LOGIN_RATE_LIMIT_PER_MINUTE="100000") as port:
        base = f"http://127.0.0.1:{port}"
        for scorers in [int(n) for n in args.scorers.split(",")]:
            jobs = []
            for _ in range(scorers):
                user = get_user_model().objects.create_user(
                    f"bench-console-{time.time_ns()}", password="bench")
                match = make_match(scorer=user, overs=50, prefix=f"{user.username} ")
                match_record_action(match=match, action={
                    "kind": "start_innings", "striker": match.a_ids[0],
                    "non_striker": match.a_ids[1], "bowler": match.b_ids[0]})
                jobs.append((user.username, match, match.b_ids[:2]))
            connection.close()
            out, lock = {"latencies": [], "balls": 0}, threading.Lock()
            threads = [threading.Thread(target=_scorer, args=(
                base, name, match.pk, bowlers, args.balls, out, lock, args.fetch))
                for name, match, bowlers in jobs]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            for _, match, _ in jobs:
                match.refresh_from_db()
            recorded = sum(match.state["innings"][0]["legal_balls"] for _, match, _ in jobs)
            q = statistics.quantiles(out["latencies"], n=100)
            print(f"{args.workers} process(es), {scorers} scorer(s): {out['balls']} balls in "
                  f"{elapsed:.1f} s "
                  f"({out['balls'] / elapsed:.0f} balls/s); "
                  f"{'POST (fetch)' if args.fetch else 'POST→302→page'} "
                  f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
                  f"p99 {q[98] * 1000:.1f} ms; recorded {recorded} (each once: "
                  f"{recorded == out['balls']})")


if __name__ == "__main__":
    main()
