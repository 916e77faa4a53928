"""A server on the benchmark database, started and stopped around a benchmark: the web role as
production runs it (Gunicorn, WSGI) or the all-in-one ASGI application (Uvicorn: HTTP, the
WebSocket and SSE feed; what ``make run`` and the tests serve)."""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def bench_server(*, workers: int = 1, pids: list[int] | None = None, role: str = "web",
                 **env_overrides: str):
    """Yield the port of a running server (``role`` "web": Gunicorn's web role; "asgi":
    Uvicorn's all-in-one application) of ``workers`` processes on the bench settings; ``pids``
    receives its process id (for measuring its CPU time, its workers' included)."""
    from config.processes import gunicorn_command, uvicorn_command
    from devtools.embedded import _free_port

    port = _free_port()
    if role == "web":
        command = [*gunicorn_command("127.0.0.1", str(port)), "--workers", str(workers)]
    else:
        command = [*uvicorn_command("127.0.0.1", str(port)), "--workers", str(workers),
                   "--log-level", "warning"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT),
           "LOG_LEVEL": "WARNING", **env_overrides}
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    if pids is not None:
        pids.append(server.pid)
    try:
        deadline = time.time() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
