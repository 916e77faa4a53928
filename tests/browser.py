"""Helpers for the real-browser tests: Debian's Chromium driven by Playwright against a real
Uvicorn process on the test database."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request

from scorekeeper.runstack import uvicorn_command
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


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
