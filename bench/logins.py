"""Simultaneous logins against one web process (issue 15: "64 simultaneous logins all
answered"): N users each fetch the login form, then all post it at the same moment. Prints how
many were answered with the redirect a good login gets (and any other status) and the
latencies. The production password hasher (PBKDF2) is in force, as in the bench settings.

    .venv/bin/python -m bench.logins [--users 64] [--workers 1]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import threading
import time

from bench.stats import quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _login(base: str, username: str, gate: threading.Barrier, out: dict, lock) -> None:
    import requests

    session = requests.Session()
    token = TOKEN.search(session.get(f"{base}/accounts/login/").text).group(1)
    gate.wait()  # every user posts at once
    started = time.perf_counter()
    try:
        response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=60,
                                data={"username": username, "password": "bench",
                                      "csrfmiddlewaretoken": token, "next": "/score/"})
        status = response.status_code
    except requests.RequestException as error:
        status = type(error).__name__
    with lock:
        out["status"][status] += 1
        out["latencies"].append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="Gunicorn workers")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from bench.db import prepare_database
    from bench.server import bench_server

    prepare_database()
    stamp, hashed = time.time_ns(), make_password("bench")  # one hash for every user
    names = [f"bench-login-{stamp}-{n}" for n in range(args.users)]
    get_user_model().objects.bulk_create(
        get_user_model()(username=name, password=hashed) for name in names)
    connection.close()
    with bench_server(workers=args.workers, LOGIN_RATE_LIMIT_PER_MINUTE="100000") as port:
        out = {"status": collections.Counter(), "latencies": []}
        lock, gate = threading.Lock(), threading.Barrier(args.users)
        threads = [threading.Thread(target=_login, args=(f"http://127.0.0.1:{port}", name,
                                                           gate, out, lock)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    q = quantiles(out["latencies"])
    answered = out["status"].get(302, 0)
    print(f"{args.workers} process(es), {args.users} simultaneous logins: {answered} signed in "
          f"(302); statuses {dict(out['status'])}; p50 {q[49] * 1000:.0f} ms, "
          f"p99 {q[98] * 1000:.0f} ms, slowest {max(out['latencies']) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
