"""Scorer console benchmark: the scoring pad's round trip, in the three ways a pad is posted.

    python -m bench.console [--scorers 1,4] [--balls 200] [--modes form,page,snapshot]

Starts the web role (Gunicorn; ``--server asgi``: Uvicorn) on the benchmark database; each
scorer (a thread with its own session, logged in through the real login form) scores its own
match by posting the pad's form (CSRF token, expected_seq, idempotency key from the last answer).
Modes, each measured in the same run:

- ``form``: a browser without JavaScript: POST → 302 → the new pad page.
- ``page``: pad.js before snapshots: the POST answered with the whole new pad page.
- ``snapshot``: pad.js now: the POST answered with the new seq, a key and the pad's snapshot
  (the whole page only when the pad changes shape: an innings starts or ends, a warning).

Times the whole round trip per ball and checks every ball was recorded once.
"""

from __future__ import annotations

import argparse
import os
import re
import threading
import time

from bench.stats import quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

FIELD = re.compile(r'name="(csrfmiddlewaretoken|expected_seq|idempotency_key)" value="([^"]+)"')
NEEDS = re.compile(r'"needs": "(\w+)"')
TAPS = ["runs-0", "runs-1", "runs-0", "runs-4", "runs-2", "runs-0", "runs-1", "runs-6"]


def _fields(html: str) -> dict:
    fields = {}
    for name, value in FIELD.findall(html):
        fields.setdefault(name, value)  # the first form's: the pad's
    return fields


def _scorer(base: str, username: str, match_id: int, bowlers: list[str], balls: int,
            out: dict, lock, mode: str) -> None:
    import requests

    headers = {"form": {}, "page": {"X-Pad-Fetch": "1"},
               "snapshot": {"X-Pad-Fetch": "snapshot"}}[mode]
    session = requests.Session()
    login = session.get(f"{base}/accounts/login/")
    token = _fields(login.text)["csrfmiddlewaretoken"]
    page = session.post(f"{base}/accounts/login/", data={
        "username": username, "password": "bench", "csrfmiddlewaretoken": token,
        "next": f"/score/{match_id}/"})
    assert page.url.endswith(f"/score/{match_id}/"), page.url
    fields, needs = _fields(page.text), _needs(page.text)
    latencies, tapped, overs = [], 0, 0
    while tapped < balls:
        if needs == "next_bowler":
            overs += 1
            data = {**fields, "action": "next_bowler", "player": bowlers[overs % 2]}
        else:
            data = {**fields, "action": TAPS[tapped % len(TAPS)]}
        started = time.perf_counter()
        answer = session.post(f"{base}/score/{match_id}/", data=data, headers=headers)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200 and len(answer.history) == (mode == "form"), (
            answer.status_code)
        if answer.headers["Content-Type"].startswith("application/json"):
            body = answer.json()
            fields = {**fields, "expected_seq": str(body["seq"]), "idempotency_key": body["key"]}
            needs = body["snapshot"]["needs"]
        else:
            fields, needs = _fields(answer.text), _needs(answer.text)
        if data["action"] != "next_bowler":
            latencies.append(elapsed)
            tapped += 1
    with lock:
        out["latencies"] += latencies
        out["balls"] += tapped


def _needs(html: str) -> str | None:
    found = NEEDS.search(html)  # the pad's snapshot (every panel is on the page)
    return found.group(1) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scorers", default="1,4")
    parser.add_argument("--balls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--server", default="web", choices=("web", "asgi"),
                        help="web: the web role (Gunicorn); asgi: Uvicorn's ASGI application")
    parser.add_argument("--modes", default="form,page,snapshot",
                        help="form: POST→302→page; page: pad.js's post answered with the page; "
                             "snapshot: pad.js's post answered with the snapshot")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database
    from bench.server import bench_server

    prepare_database()
    with bench_server(workers=args.workers, role=args.server,
                      LOGIN_RATE_LIMIT_PER_MINUTE="100000") as port:
        base = f"http://127.0.0.1:{port}"
        for scorers in [int(n) for n in args.scorers.split(",")]:
            for mode in args.modes.split(","):
                _run(base, scorers, mode, args)


def _run(base: str, scorers: int, mode: str, args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from games.services import match_record_action
    from tests.games.factories import make_match

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
        base, name, match.pk, bowlers, args.balls, out, lock, mode))
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
    q = quantiles(out["latencies"])
    print(f"{args.workers} process(es), {scorers} scorer(s), {mode:>8}: {out['balls']} balls "
          f"in {elapsed:.1f} s ({out['balls'] / elapsed:.0f} balls/s); "
          f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
          f"p99 {q[98] * 1000:.1f} ms; recorded {recorded} (each once: "
          f"{recorded == out['balls']})", flush=True)


if __name__ == "__main__":
    main()
