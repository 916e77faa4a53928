"""Real server processes for tests: Uvicorn serving the ASGI app on the test database."""

from __future__ import annotations

import subprocess
import time
import urllib.request

from django.conf import settings

from scorekeeper.runstack import uvicorn_command
from tests.conftest import ROOT, server_env


def database_url() -> str:
    """The test database as a URL, for processes started by a test."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for a child process on the test database and the test Redis prefix."""
    return server_env(DATABASE_URL=database_url(), TEST_REDIS_PREFIX=settings.TEST_REDIS_PREFIX,
                      DJANGO_SETTINGS_MODULE="scorekeeper.settings.test", **overrides)


def start_server(port: int, env) -> subprocess.Popen:
    proc = subprocess.Popen(uvicorn_command("127.0.0.1", str(port)), cwd=ROOT, env=env)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
