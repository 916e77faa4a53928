"""Event ingestion benchmark: batches of 100 from concurrent clients to POST /api/events.

    python -m bench.events [--clients 8] [--seconds 20] [--workers 1]

Starts the web role (Gunicorn) on the benchmark database (rate limit lifted), posts for a fixed
time, then compares the events acknowledged (202) with the rows in PostgreSQL: nothing may be
lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time
from datetime import UTC, datetime

from bench.stats import quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _batch(client: int, n: int) -> bytes:
    now = datetime.now(UTC).isoformat()
    return json.dumps(
        [
            {
                "event_type": "page.view",
                "occurred_at": now,
                "payload": {"client": client, "i": i, "path": "/matches/1/"},
            }
            for i in range(n)
        ]
    ).encode()


def _client(port: int, index: int, until: float, batch: int, out: dict, lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = _batch(index, batch)
    accepted, latencies, other = 0, [], {}
    while time.time() < until:
        started = time.perf_counter()
        conn.request(
            "POST",
            "/api/events",
            body,
            {"Content-Type": "application/json", "X-Client-Id": f"bench-{index}"},
        )
        response = conn.getresponse()
        payload = response.read()
        latencies.append(time.perf_counter() - started)
        if response.status == 202:
            accepted += json.loads(payload)["accepted"]
        else:
            other[response.status] = other.get(response.status, 0) + 1
    conn.close()
    with lock:
        out["accepted"] += accepted
        out["latencies"] += latencies
        for status, count in other.items():
            out["other"][status] = out["other"].get(status, 0) + count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1, help="Gunicorn workers")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from bench.db import prepare_database
    from bench.server import bench_server

    prepare_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM events_event")
        first_id = cursor.fetchone()[0]
    connection.close()
    with bench_server(workers=args.workers, EVENTS_RATE_LIMIT_PER_MINUTE="100000000") as port:
        out = {"accepted": 0, "latencies": [], "other": {}}
        lock = threading.Lock()
        until = time.time() + args.seconds
        started = time.perf_counter()
        threads = [
            threading.Thread(target=_client, args=(port, i, until, args.batch, out, lock))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM events_event WHERE id > %s AND actor LIKE 'client:bench-%%'",
            [first_id],
        )
        stored = cursor.fetchone()[0]
    q = quantiles(out["latencies"])
    print(
        f"{args.clients} clients, batches of {args.batch}, {args.workers} Gunicorn worker(s), "
        f"{elapsed:.1f} s"
    )
    print(
        f"accepted {out['accepted']:,} events = {out['accepted'] / elapsed:,.0f} events/s "
        f"({len(out['latencies']) / elapsed:,.0f} batches/s); batch p50 {q[49] * 1000:.1f} ms, "
        f"p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms; other statuses {out['other']}"
    )
    verdict = "equal: nothing lost" if stored == out["accepted"] else "MISMATCH"
    print(f"in PostgreSQL: {stored:,} — {verdict}")


if __name__ == "__main__":
    main()
