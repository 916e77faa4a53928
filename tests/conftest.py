import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def server_env(**overrides: str) -> dict[str, str]:
    """Environment for a child process that uses the same servers as this test run."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=settings.DATABASE_URL,
        REDIS_URL=settings.REDIS_URL,
        PYTHONPATH=str(ROOT),
    )
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_until(predicate, timeout: float = 15.0, what: str = "the condition"):
    """Ask ``predicate`` until it returns something true (that value) or ``timeout`` passes; a
    server that does not answer yet (OSError) is asked again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def throwaway_services(tmp_path_factory):
    """A private embedded PostgreSQL + Redis pair, destroyed after the test."""
    from devtools.embedded import EmbeddedServices

    # Short path: /tmp/pytest-of-root/... plus the data directory must stay a valid socket path.
    services = EmbeddedServices(tmp_path_factory.mktemp("embedded"))
    try:
        yield services
    finally:
        services.destroy()


@pytest.fixture(scope="session", autouse=True)
def _close_database_pools(django_db_setup, django_db_blocker):
    """Close the shared connection pools before pytest-django drops the test database: threads
    (sync_to_async, consumers) return connections to the pool, which would keep it in use."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        default = connections["default"]
        with default.cursor() as cursor:  # connections a cancelled consumer task left checked out
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        for connection in connections.all():
            if getattr(connection, "pool", None) is not None:
                connection.close_pool()
