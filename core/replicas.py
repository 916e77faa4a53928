"""Read replicas: fans' reads go to a streaming replica while it keeps up; everything else, and
a client that has just written, reads the primary.

Which reads may go to the replica is said where they are made: ``@replica_reads`` on a fan-facing
view (match centre, match list, the match ``GET`` API, leaderboards, players) or on a function the
realtime side reads a snapshot with. Inside it the router sends reads to the ``replica`` alias
when three things hold:

- a replica is configured (``DATABASE_REPLICA_URL``);
- this client has not written in the last ``REPLICA_STICKY_SECONDS``: ``ReadYourWritesMiddleware``
  gives a signed-in client that writes a short-lived cookie, and while it lasts that client's
  reads stay on the primary, so a scorer never sees the match from before their own ball;
- the replica is healthy: a probe (at most once per ``REPLICA_CHECK_SECONDS`` per process, in a
  background thread on its own connections, so no request waits for it) compares the primary's
  WAL position with what the replica has replayed. A replica that has been behind for longer
  than ``REPLICA_MAX_LAG_SECONDS`` or does not answer is skipped until a later probe finds it
  current again.

A replica that fails in the middle of a read costs that read one retry on the primary (the views
so marked only read), never an error. ``/readyz`` reports the replica's state (a replica is not
required: its absence never makes the process unready) and ``/metrics`` its lag and use.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import functools
import logging
import threading
import time

import psycopg
from django.conf import settings
from django.db import DatabaseError

log = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "sk_primary"
PROBE_PATIENCE_SECONDS = 3.0  # a probe running longer than this counts as "down"

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_replica",
                                                                          default=False)
_primary_only: contextvars.ContextVar[bool] = contextvars.ContextVar("primary_only",
                                                                       default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads inside ``replica_reads`` go to the replica; everything else stays on the primary."""

    # Who is signed in is never read from a copy that may lag: a logout or a new session
    # takes effect at once.
    PRIMARY_APPS = frozenset({"sessions", "auth"})
    PRIMARY_MODELS = frozenset({"scorekeeper.usersession"})

    def db_for_read(self, model, **hints):
        if not _reading_replica.get():
            return None  # Django's default: the primary (or the instance's own database)
        primary = (model._meta.app_label in self.PRIMARY_APPS
                   or model._meta.label_lower in self.PRIMARY_MODELS)
        return "default" if primary else REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, physically copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica gets the schema by replication


def _connect(alias: str) -> psycopg.Connection:
    db = settings.DATABASES[alias]
    return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                           password=db["PASSWORD"], dbname=db["NAME"], connect_timeout=1,
                           autocommit=True)


def _lsn(text: str | None) -> int:
    if not text:
        return 0
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class ReplicaHealth:
    """This process's view of the replica: "ok", "lagging" or "down", with the lag measured
    as how long the oldest primary WAL position it has not replayed has been waiting."""

    def __init__(self):
        self._lock = threading.Lock()
        self._connections: dict[str, psycopg.Connection] = {}
        self._waiting: collections.deque[tuple[int, float]] = collections.deque()
        self.checked_at = self._probe_started = 0.0
        self.state = {"status": "unknown", "lag_seconds": None, "bytes_behind": None}
        self.fallbacks = 0

    def _query(self, alias: str, sql: str):
        conn = self._connections.get(alias)
        if conn is None or conn.closed:
            conn = self._connections[alias] = _connect(alias)
        try:
            return conn.execute(sql).fetchone()
        except psycopg.Error:
            self._connections.pop(alias, None)
            conn.close()
            raise

    def probe(self) -> dict:
        """Ask both servers now (on this object's own connections) and update the state."""
        now = time.monotonic()
        try:
            (primary,) = self._query("default", "SELECT pg_current_wal_lsn()::text")
            in_recovery, replayed = self._query(
                REPLICA, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
        except (psycopg.Error, OSError) as exc:
            self._waiting.clear()
            state = {"status": "down", "lag_seconds": None, "bytes_behind": None,
                     "error": f"{exc.__class__.__name__}: {exc}"[:300]}
        else:
            if not in_recovery:  # promoted, or pointed at a primary: it will not follow ours
                state = {"status": "down", "lag_seconds": None, "bytes_behind": None,
                         "error": "the replica is not in recovery (not a standby)"}
            else:
                primary_lsn, replayed_lsn = _lsn(primary), _lsn(replayed)
                if not self._waiting or self._waiting[-1][0] < primary_lsn:
                    self._waiting.append((primary_lsn, now))
                while self._waiting and self._waiting[0][0] <= replayed_lsn:
                    self._waiting.popleft()
                lag = now - self._waiting[0][1] if self._waiting else 0.0
                status = "ok" if lag <= settings.REPLICA_MAX_LAG_SECONDS else "lagging"
                state = {"status": status, "lag_seconds": round(lag, 3),
                         "bytes_behind": max(primary_lsn - replayed_lsn, 0)}
        if state["status"] != self.state["status"]:
            log.log(logging.INFO if state["status"] == "ok" else logging.WARNING,
                    "replica %s: %s", state["status"], state)
        self.state, self.checked_at = state, time.monotonic()
        return state

    def usable(self) -> bool:
        """Whether reads may go to the replica now, by the last probe. A request never waits
        for a probe: an old answer starts one in a background thread (one at a time), so a
        replica that stops answering — even one whose packets vanish until the connect
        timeout — never holds a request up."""
        now = time.monotonic()
        if now - self.checked_at >= settings.REPLICA_CHECK_SECONDS:
            self._probe_in_background()
        if (self.state["status"] == "ok" and self._lock.locked()
                and now - self._probe_started > PROBE_PATIENCE_SECONDS):
            # A probe that does not come back (a connection whose packets vanish) is an answer.
            self.state = {**self.state, "status": "down",
                          "error": f"no answer to a probe for {PROBE_PATIENCE_SECONDS:g} s"}
        return self.state["status"] == "ok"

    def _probe_in_background(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # one is under way
        self._probe_started = time.monotonic()

        def run() -> None:
            try:
                self.probe()
            finally:
                self._lock.release()

        threading.Thread(target=run, name="replica-probe", daemon=True).start()

    def failed(self, exc: Exception) -> None:
        """A read on the replica failed: skip it until the next probe finds it well."""
        self.fallbacks += 1
        self.state = {**self.state, "status": "down", "error": f"{exc.__class__.__name__}"}
        self.checked_at = time.monotonic()
        log.warning("replica read failed (%s); reading the primary", exc.__class__.__name__)


health = ReplicaHealth()


@contextlib.contextmanager
def primary():
    """Reads inside go to the primary, even within ``replica_reads`` (a version to compare
    the replica's answer with)."""
    token = _reading_replica.set(False)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def _discard_replica_connection() -> None:
    """Hand back this thread's replica connection, broken, before anything reuses it."""
    from django.db import connections

    connections[REPLICA].close()


def replica_reads(func):
    """Let ``func``'s reads go to the replica when it is configured, healthy and this client
    has not just written (see the module's docstring). A read that fails on the replica is
    done again on the primary: only read-only views and functions are marked with this."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not configured() or _primary_only.get() or not health.usable():
            return func(*args, **kwargs)
        token = _reading_replica.set(True)
        try:
            return func(*args, **kwargs)
        except DatabaseError as exc:
            health.failed(exc)
        finally:
            _reading_replica.reset(token)
        _discard_replica_connection()
        return func(*args, **kwargs)

    return wrapper


class ReadYourWritesMiddleware:
    """A signed-in client that writes reads the primary for ``REPLICA_STICKY_SECONDS`` after
    (a cookie holding the time it ends; forging it only costs the forger the replica)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        try:
            until = float(request.COOKIES.get(STICKY_COOKIE, "0"))
        except ValueError:
            until = 0.0
        token = _primary_only.set(until > time.time())
        try:
            response = self.get_response(request)
        finally:
            _primary_only.reset(token)
        if (request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400
                and getattr(request, "user", None) is not None
                and request.user.is_authenticated):
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, f"{time.time() + seconds:.3f}", max_age=seconds,
                                httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response


def report() -> dict | None:
    """For ``/readyz`` and ``/metrics``: the replica's last known state (None without one)."""
    if not configured():
        return None
    if health.state["status"] == "unknown":
        with health._lock:  # the first report is a real one (the probe's own timeouts bound it)
            health.probe()
    else:
        health.usable()  # keeps it fresh without waiting
    return {**health.state, "fallbacks": health.fallbacks}
