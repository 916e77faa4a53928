"""/healthz and /readyz against real servers, including really stopped ones."""

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from config.processes import uvicorn_command
from tests.conftest import ROOT, server_env, wait_until


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _free_port() -> int:
    from devtools.embedded import _free_port

    return _free_port()


@pytest.mark.slow
def test_readyz_reports_each_really_stopped_dependency(throwaway_services):
    urls = throwaway_services.acquire()
    env = server_env(
        DATABASE_URL=urls["database"],
        REDIS_URL=urls["redis"],
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = str(_free_port())
    web = subprocess.Popen(uvicorn_command("127.0.0.1", port), cwd=ROOT, env=env)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/readyz"
    try:

        def all_ok():
            try:
                status, body = _get(url)
            except OSError:
                return None
            return body if status == 200 and body["status"] == "ok" else None

        body = wait_until(all_ok, timeout=60)
        assert set(body["checks"]) == {"database", "cache", "channel_layer", "celery"}
        assert all(check["status"] == "ok" for check in body["checks"].values())

        def down(status_code, *names):  # the report is at most READINESS_TTL_SECONDS old
            def check():
                status, body = _get(url)
                return body if status == status_code and set(names) <= set(body["down"]) else None
            return wait_until(check, timeout=10)

        # Redis gone: reported, but the process still serves (degraded), so a load balancer
        # keeps it in rotation and scoring goes on.
        throwaway_services.redis.stop()
        body = down(200, "cache", "channel_layer", "celery")
        assert body["status"] == "degraded"
        assert body["checks"]["database"]["status"] == "ok"

        throwaway_services.postgres.stop()  # no database: not ready
        body = down(503, "database")
        assert body["status"] == "down" and body["checks"]["database"]["error"]
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
