"""Real server processes for tests on the test database: Uvicorn serving the ASGI app (or any
other role's command)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from config.processes import uvicorn_command
from tests.conftest import ROOT, server_env


def database_url() -> str:
    """The test database as a URL, for processes started by a test."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for a child process on the test database and the test Redis prefix."""
    return server_env(DATABASE_URL=database_url(), TEST_REDIS_PREFIX=settings.TEST_REDIS_PREFIX,
                      DJANGO_SETTINGS_MODULE="config.settings.test", **overrides)


def start_server(port: int, env, command: list[str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(command or uvicorn_command("127.0.0.1", str(port)), cwd=ROOT,
                            env=env)
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


class Browser:
    """A scorer's HTTP client: cookies, the CSRF token, JSON posts."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        page = self.opener.open(f"{self.base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        self.opener.open(urllib.request.Request(f"{self.base}/accounts/login/", data=body))

    def post_json(self, path: str, payload: dict) -> tuple[int, object, dict]:
        request = urllib.request.Request(
            f"{self.base}{path}", data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf()})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, error.headers, json.loads(body)
            except ValueError:  # not the application's answer (a load balancer's 502 page)
                return error.code, error.headers, body.decode(errors="replace")
