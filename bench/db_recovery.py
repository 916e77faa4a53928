"""PostgreSQL goes away and comes back under a running web role (Gunicorn, as ``make run`` and
production run it): how fast requests are refused while it is gone, and how long after its
return the first request is answered again. Under the local settings (DEBUG, ``make run``) and
the production settings, with the pool's reconnect delay this project sets
(DATABASE_POOL_RECONNECT_DELAY, 0.5 s) and with psycopg_pool's own exponential backoff (0), in
one run. The database "goes away" as a killed TCP relay in front of it (bench/relay.py).

    .venv/bin/python -m bench.db_recovery [--outage 20] [--settings local,production]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import time

from bench.stats import percentile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        status = conn.getresponse().status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - started


def _one(*, module: str, delay: str, outage: float, match_id: int) -> dict:
    from django.conf import settings

    from bench.relay import start_relay
    from bench.server import bench_server
    from devtools.embedded import _free_port

    db = settings.DATABASES["default"]
    listen = _free_port()
    relay = start_relay(host=db["HOST"], port=db["PORT"], listen=listen)
    env = {"DJANGO_SETTINGS_MODULE": module, "DATABASE_POOL_RECONNECT_DELAY": delay,
           "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{listen}/{db['NAME']}",
           "REDIS_URL": settings.REDIS_URL, "SECRET_KEY": secrets.token_urlsafe(64),
           "SECURE_SSL_REDIRECT": "False", "ALLOWED_HOSTS": "127.0.0.1"}
    path = f"/api/matches/{match_id}/log"
    try:
        with bench_server(workers=1, **env) as port:
            assert _get(port, path)[0] == 200
            relay.send_signal(signal.SIGKILL)
            relay.wait()
            refused, statuses = [], []
            gone_until = time.monotonic() + outage
            while time.monotonic() < gone_until:  # a request every 0.2 s while it is gone
                status, took = _get(port, path)
                statuses.append(status)
                refused.append(took)
                time.sleep(0.2)
            relay = start_relay(host=db["HOST"], port=db["PORT"], listen=listen)
            back = time.monotonic()
            while (status := _get(port, path)[0]) != 200 and time.monotonic() - back < 120:
                time.sleep(0.05)
            recovered = time.monotonic() - back
    finally:
        relay.kill()
    return {"settings": module.rsplit(".", 1)[1], "delay": delay, "status": status,
            "during": f"{statuses.count(503)}/{len(statuses)} × 503",  # noqa: RUF001
            "refused_p50": percentile(refused, 0.5), "refused_max": max(refused),
            "recovered": recovered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outage", type=float, default=20.0, help="seconds without PostgreSQL")
    parser.add_argument("--settings", default="local,production")
    parser.add_argument("--delays", default="0.5,0", help="DATABASE_POOL_RECONNECT_DELAY values")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database
    from bench.scoring import _setup_match

    prepare_database()
    match, _, _ = _setup_match(0)
    print(f"PostgreSQL gone for {args.outage:.0f} s under one Gunicorn web process; a GET of "
          "the match's log (a pooled query) every 0.2 s meanwhile.")
    print("| settings | reconnect delay | while gone | refused in (p50 / max) | answered again "
          "after its return |")
    print("|---|---|---|---|---|")
    for module in args.settings.split(","):
        for delay in args.delays.split(","):
            row = _one(module=f"config.settings.{module}", delay=delay,
                       outage=args.outage, match_id=match.pk)
            label = f"{delay} s" if float(delay) else "psycopg_pool's backoff"
            print(f"| {row['settings']} | {label} | {row['during']} | "
                  f"{row['refused_p50'] * 1000:.0f} / {row['refused_max'] * 1000:.0f} ms | "
                  f"{row['recovered']:.2f} s{'' if row['status'] == 200 else ' (not back)'} |",
                  flush=True)


if __name__ == "__main__":
    main()
