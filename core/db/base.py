"""Django's PostgreSQL backend, with a pool check that skips connections just handed back.

With CONN_HEALTH_CHECKS, Django's pool lends a connection only after a round trip has proved it
alive (psycopg_pool's ``check_connection``: an empty query). Every request takes a connection
from the pool and gives it back, so every request paid that round trip: on this machine ~3 % of
a ball's CPU over HTTP, and a round trip of its latency. A connection given back less than
``POOL_CHECK_IDLE_SECONDS`` ago, by a request that had just used it, is as alive as the check
would find it; one idle for longer is checked as before — so after PostgreSQL restarts the
pool's old connections are found dead and replaced before anyone gets one. A server that dies
within that second fails the next request's first query instead, which is answered like any
outage (503 with Retry-After, nothing recorded: ops/errors.py) — as a server dying just
after the check always could.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg_pool import ConnectionPool
from psycopg_pool.base import AttemptWithBackoff

POOL_CHECK_IDLE_SECONDS = 1.0

# While PostgreSQL is unreachable the pool retries its connections with exponential backoff
# (1 s, 2 s, 4 s, …): after a 20 s outage its next try could be 16 s away, and every request
# until then was a 503 although the database was back (12.6 s measured). A constant delay of
# DATABASE_POOL_RECONNECT_DELAY instead: a process tries once per delay (for min_size, 1, and
# for each waiting request), and is back within about that of the database (python -m
# bench.db_recovery). 0 keeps psycopg_pool's own backoff.
if settings.DATABASE_POOL_RECONNECT_DELAY > 0:
    AttemptWithBackoff.INITIAL_DELAY = settings.DATABASE_POOL_RECONNECT_DELAY
    AttemptWithBackoff.DELAY_BACKOFF = 1.0
_RETURNED_AT = "_scorekeeper_returned_at"


def check_unless_just_returned(conn) -> None:
    """The pool's check: psycopg_pool's own, unless ``conn`` came back under a second ago."""
    returned_at = getattr(conn, _RETURNED_AT, None)
    if returned_at is None or time.monotonic() - returned_at >= POOL_CHECK_IDLE_SECONDS:
        ConnectionPool.check_connection(conn)


class DatabaseWrapper(PostgresDatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django builds the pool with ``check=ConnectionPool.check_connection`` and offers no
        # way to pass another (a ``check`` in OPTIONS["pool"] is a duplicate argument): swap it
        # on the pool it built. tests/scorekeeper/test_pool_check.py fails if psycopg_pool
        # stops keeping it there.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_unless_just_returned
        return pool

    def _close(self):
        if self.connection is not None and self.pool is not None:
            setattr(self.connection, _RETURNED_AT, time.monotonic())
        return super()._close()
