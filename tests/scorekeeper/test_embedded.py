"""The embedded servers: shared between processes, stopped by the last one out, data kept."""

import os
import signal
import subprocess
import sys

import psycopg
import pytest

from devtools.embedded import EmbeddedServices
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _hold_lease(root) -> subprocess.Popen:
    code = (
        "import sys, time\nfrom pathlib import Path\n"
        "from devtools.embedded import EmbeddedServices\n"
        f"EmbeddedServices(Path({str(root)!r})).acquire()\n"
        "print('ready', flush=True)\ntime.sleep(120)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_last_process_out_stops_the_servers_and_data_survives(throwaway_services):
    urls = throwaway_services.acquire()
    with psycopg.connect(urls["database"], autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (value text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")

    other = _hold_lease(throwaway_services.root)  # a second process shares the same servers
    try:
        assert throwaway_services.release() is False  # not the last: servers stay up
        assert throwaway_services.postgres.running_port() is not None
        assert throwaway_services.redis.running_port() is not None
    finally:
        other.send_signal(signal.SIGKILL)  # even a killed process must not pin the servers
        other.wait()

    throwaway_services.acquire()
    assert throwaway_services.release() is True
    assert throwaway_services.postgres.running_port() is None
    assert throwaway_services.redis.running_port() is None

    restarted = EmbeddedServices(throwaway_services.root).acquire()
    assert restarted["database"] == urls["database"]  # same port when it is free
    with psycopg.connect(restarted["database"]) as conn:
        assert conn.execute("SELECT value FROM kept").fetchone() == ("still here",)
