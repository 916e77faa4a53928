"""Operational metrics on ``/metrics`` (Prometheus), the ones deploy/prometheus/alerts.yml
watches: WebSocket connections per process, score updates, HTTP responses by status class,
database pool use, cache hits per cache, Celery queue length, event ingestion.

Counters and histograms are recorded where things happen; pool, queue and Redis figures are read
when Prometheus scrapes. With several server processes (``uvicorn --workers N``) set
``PROMETHEUS_MULTIPROC_DIR`` (``make run`` and ``make load`` do): every process then writes its
samples there and any process's ``/metrics`` reports them all, per process (label ``pid``) for
gauges and summed for counters.
"""

from __future__ import annotations

import os
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily

score_updates = Counter("scorekeeper_score_updates", "Scoring actions committed")
http_responses = Counter("scorekeeper_http_responses", "HTTP responses by status class",
                         ["status"])
cache_lookups = Counter("scorekeeper_cache_lookups", "Cache lookups by cache and outcome",
                        ["cache", "outcome"])
events_ingested = Counter("scorekeeper_events_ingested", "Events stored", ["source"])
matches_set_aside = Counter("scorekeeper_matches_set_aside",
                            "Matches the leaderboards could not count (see admin)")


def cache_lookup(cache: str, hit: bool) -> None:
    cache_lookups.labels(cache, "hit" if hit else "miss").inc()


class _LiveCollector:
    """Figures read at scrape time: this process's DB pool, the Celery queue, Redis hits."""

    _queue_cache: tuple[float, int | None] = (0.0, None)

    def collect(self):
        pool = GaugeMetricFamily("scorekeeper_db_pool_usage_ratio",
                                 "Connections in use / pool max size, this process", labels=["pid"])
        waiting = GaugeMetricFamily("scorekeeper_db_pool_waiting",
                                    "Requests waiting for a connection, this process",
                                    labels=["pid"])
        stats = pool_stats()
        if stats is not None:
            pool.add_metric([str(os.getpid())], stats["in_use"] / max(stats["max_size"], 1))
            waiting.add_metric([str(os.getpid())], stats["waiting"])
        yield pool
        yield waiting
        queue = GaugeMetricFamily("scorekeeper_celery_queue_length",
                                  "Tasks waiting in the Celery broker queue")
        length = self._queue_length()
        if length is not None:
            queue.add_metric([], length)
        yield queue
        yield from _replica_metrics()

    def _queue_length(self) -> int | None:
        # Cached for 5 s: Prometheus may scrape every process, the broker needs asking once.
        at, value = _LiveCollector._queue_cache
        if time.monotonic() - at < 5:
            return value
        try:
            import redis
            from django.conf import settings

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)
            queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
            value = int(client.llen(queue))
        except Exception:
            value = None
        _LiveCollector._queue_cache = (time.monotonic(), value)
        return value


def _replica_metrics():
    from core import replicas

    # The families are always there (no samples without a replica), so alerts can name them.
    report = replicas.report()
    pid = [str(os.getpid())]
    in_use = GaugeMetricFamily("scorekeeper_replica_in_use",
                               "1 while fans' reads go to the replica, 0 while it is skipped "
                               "(behind or down), this process", labels=["pid"])
    lag = GaugeMetricFamily("scorekeeper_replica_lag_seconds",
                            "How long the replica has been behind the primary", labels=["pid"])
    fallbacks = GaugeMetricFamily("scorekeeper_replica_fallbacks",
                                  "Reads that failed on the replica and were done again on the "
                                  "primary since this process started", labels=["pid"])
    if report is not None:
        in_use.add_metric(pid, 1 if report["status"] == "ok" else 0)
        if report["lag_seconds"] is not None:
            lag.add_metric(pid, report["lag_seconds"])
        fallbacks.add_metric(pid, report["fallbacks"])
    yield from (in_use, lag, fallbacks)


def pool_stats() -> dict | None:
    """This process's database connection pool (None before its first connection)."""
    try:
        from django.db import connection

        pool = connection.pool
        if pool is None:
            return None
        stats = pool.get_stats()
    except Exception:
        return None
    size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
    return {"min_size": pool.min_size, "max_size": pool.max_size, "size": size,
            "in_use": size - idle, "idle": idle, "waiting": stats.get("requests_waiting", 0)}


def prepare_multiprocess_dir(path) -> str:
    """An empty directory for the server processes' samples, exported to the environment so
    that the processes started next use it (samples of earlier runs would be summed in)."""
    import shutil
    from pathlib import Path

    path = Path(path)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return str(path)


def render() -> bytes:
    """The exposition text for this process (or, in multiprocess mode, all of them)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    live = CollectorRegistry()
    live.register(_LiveCollector())
    return generate_latest(registry) + generate_latest(live)


class ResponseMetricsMiddleware:
    """Counts responses by status class (2xx…5xx) for the error-rate alert. Async-capable, so
    under ASGI it adds no thread hop to a request."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        response = self.get_response(request)
        http_responses.labels(f"{response.status_code // 100}xx").inc()
        return response

    async def _acall(self, request):
        response = await self.get_response(request)
        http_responses.labels(f"{response.status_code // 100}xx").inc()
        return response


def count_committed_action(sender, **kwargs) -> None:
    """``action_recorded`` receiver: one score update (and its domain events) once committed."""
    from django.db import transaction

    transaction.on_commit(score_updates.inc)
