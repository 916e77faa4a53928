"""`make run` starts one process of each role and supervises them: a SIGKILLed web process is
back within seconds; the rest keep going."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from devtools.embedded import _free_port
from tests.conftest import ROOT
from tests.games.factories import make_match
from tests.servers import child_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _healthy(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200
    except OSError:
        return False


def _wait_for_line(proc, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if found := re.search(pattern, line):
            return found
    raise AssertionError(f"no line matching {pattern!r}")


def test_a_killed_web_process_is_restarted_and_serves_again():
    port, realtime_port = _free_port(), _free_port()
    env = {**child_env(), "DJANGO_SETTINGS_MODULE": "config.settings.test", "DEMO": "0",
           "PORT": str(port), "REALTIME_PORT": str(realtime_port), "PYTHONUNBUFFERED": "1"}
    match = make_match()
    stack = subprocess.Popen([sys.executable, "-m", "devtools.runstack"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        web = int(_wait_for_line(stack, r"web started \(pid (\d+)\)", 60).group(1))
        deadline = time.monotonic() + 40
        while not _healthy(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _healthy(port)
        # One of each role: the realtime process serves the feed on its own port, and the
        # match page sends fans' browsers there.
        while not _healthy(realtime_port) and time.monotonic() < deadline:
            time.sleep(0.2)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/matches/{match.pk}/").read()
        assert f'data-feed=":{realtime_port}"'.encode() in page
        with pytest.raises(urllib.error.HTTPError) as refused:  # pages are not served there
            urllib.request.urlopen(f"http://127.0.0.1:{realtime_port}/matches/{match.pk}/")
        assert refused.value.code == 404
        stream = urllib.request.urlopen(
            f"http://127.0.0.1:{realtime_port}/matches/{match.pk}/stream", timeout=5)
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.headers["Access-Control-Allow-Origin"] == "*"
        assert stream.readline().startswith(b"id: ")  # the snapshot, from the realtime process
        stream.close()

        os.kill(web, signal.SIGKILL)
        killed_at = time.monotonic()
        _wait_for_line(stack, r"web exited with -9; restarting", 10)
        again = int(_wait_for_line(stack, r"web started \(pid (\d+)\)", 10).group(1))
        assert again != web
        while not _healthy(port) and time.monotonic() - killed_at < 10:
            time.sleep(0.2)
        assert _healthy(port), "not serving again within 10 s"
        assert stack.poll() is None  # the supervisor, worker and beat kept running
    finally:
        stack.send_signal(signal.SIGTERM)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.kill()
