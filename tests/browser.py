"""The real-browser tests' Chromium: Debian's, driven by Playwright (which downloads none)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def launch_chromium(playwright):
    """Headless Debian Chromium for a test (artifacts directory ready for its screenshots)."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (make test installs it)"
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


@contextlib.contextmanager
def served_chromium(env: dict | None = None):
    """A real Uvicorn on the test database and a headless Chromium: (base URL, browser)."""
    from playwright.sync_api import sync_playwright

    from devtools.embedded import _free_port
    from tests.servers import child_env, start_server, stop_server

    port = _free_port()
    server = start_server(port, env or child_env())
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                yield f"http://127.0.0.1:{port}", browser
            finally:
                browser.close()
    finally:
        stop_server(server)


def record_in_thread(match, action: dict) -> None:
    """Record an action as a request handler would: in another thread (Playwright's sync API
    runs an event loop in this one, where the ORM and the after-commit publish cannot run).
    ``match`` is left with the state recorded."""
    import threading

    from django.db import connection

    from games.services import match_record_action

    errors = []

    def run():
        try:
            match_record_action(match=match, action=action)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not errors, errors
