"""The pool checks a connection before lending it only if it has been idle for a while: a
connection a request has just handed back goes out again without a round trip; one idle for
longer is checked, and a dead one replaced before anyone gets it (core/db/base.py)."""

import time
from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg_pool import ConnectionPool

from core.db import base as backend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_pool():
    """Each test starts and ends with a pool of its own: none lends another's dead connection."""
    connection.close()
    connection.close_pool()
    yield
    connection.close()
    connection.close_pool()


def test_the_check_runs_only_for_connections_idle_for_a_while(monkeypatch):
    checked = []
    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(checked.append))
    fresh = SimpleNamespace(_scorekeeper_returned_at=time.monotonic())
    idle = SimpleNamespace(
        _scorekeeper_returned_at=time.monotonic() - backend.POOL_CHECK_IDLE_SECONDS - 0.1)
    new = SimpleNamespace()
    for conn in (fresh, idle, new):
        backend.check_unless_just_returned(conn)
    assert checked == [idle, new]


def test_django_s_pool_uses_it_and_a_returned_connection_is_stamped():
    connection.ensure_connection()
    assert connection.pool._check is backend.check_unless_just_returned
    raw = connection.connection
    connection.close()  # the end of a request: back to the pool
    assert time.monotonic() - raw._scorekeeper_returned_at < 1


def _kill_pooled_connection() -> int:
    """Take a connection, note its server process, hand it back, and terminate that process
    from another connection: the pooled connection is dead and does not know it yet."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connection.close()
    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"], dbname=db["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid


def _pid_now() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_dead_connection_idle_for_a_while_is_replaced_before_it_is_lent(monkeypatch):
    monkeypatch.setattr(backend, "POOL_CHECK_IDLE_SECONDS", 0.0)  # every connection "idle"
    dead = _kill_pooled_connection()
    assert _pid_now() != dead  # checked, found dead, another one lent: the query just works
    connection.close()


def test_within_the_second_a_dead_connection_is_lent_unchecked(monkeypatch):
    """The trade-off, as it is: a connection whose server died within a second of its last
    request goes out without a round trip, and its first query fails (a request answers 503
    and the pool replaces it: test_database_outage); after that second, the check finds it."""
    connection.ensure_connection()
    raw = connection.connection
    _kill_pooled_connection()  # the connection still held: handed back (stamped), then killed
    backend.check_unless_just_returned(raw)  # no round trip: nothing noticed
    monkeypatch.setattr(backend, "POOL_CHECK_IDLE_SECONDS", 0.0)
    with pytest.raises(psycopg.OperationalError):
        backend.check_unless_just_returned(raw)


def test_while_postgres_is_down_the_pool_retries_at_a_constant_delay():
    """psycopg_pool doubles its delay after every failed try (16 s after a 20 s outage); the
    project's delay keeps it at DATABASE_POOL_RECONNECT_DELAY (bench.db_recovery)."""
    from psycopg_pool.base import AttemptWithBackoff

    attempt, now, delays = AttemptWithBackoff(timeout=300), time.monotonic(), []
    for _ in range(10):
        attempt.update_delay(now)
        delays.append(attempt.delay)
        now += attempt.delay
    limit = settings.DATABASE_POOL_RECONNECT_DELAY * 1.1  # psycopg_pool's ±10 % jitter
    assert settings.DATABASE_POOL_RECONNECT_DELAY > 0 and max(delays) <= limit, delays
