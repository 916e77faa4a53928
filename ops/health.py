"""Readiness checks: each one talks to its real dependency and reports status and latency.

A check returns normally when the dependency answers and raises with a short reason when it
does not. They are run concurrently by ``readyz`` with one overall timeout, so one hung
dependency cannot hang the probe.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import psycopg
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from core import replicas

CHECK_TIMEOUT_SECONDS = 3.0


def check_database() -> None:
    # A fresh connection rather than the pool: the pool would wait its whole timeout for a
    # server that is gone, and we want to know about the server, not the pool.
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        connect_timeout=2,
    ) as conn:
        conn.execute("SELECT 1")


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)


async def check_channel_layer() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "readyz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("round-trip returned a different message")


def check_celery() -> None:
    from celery import current_app as app  # the project's Celery app (config.celery)

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    replies = app.control.ping(timeout=1.0, limit=1)  # return at the first answer
    if not replies:
        raise RuntimeError("broker reachable but no worker answered a ping")


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": sync_to_async(check_database, thread_sensitive=False),
    "cache": sync_to_async(check_cache, thread_sensitive=False),
    "channel_layer": check_channel_layer,
    "celery": sync_to_async(check_celery, thread_sensitive=False),
}


async def _timed(check: Callable[[], Awaitable[None]]) -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "down"; the reason goes in the report
        reason = str(exc) or exc.__class__.__name__
        status = {"status": "down", "error": f"{exc.__class__.__name__}: {reason}"[:300]}
    else:
        status = {"status": "ok"}
    status["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return status


# Without its database a process cannot record a ball or show one: not ready. Without Redis or
# a Celery worker it degrades (the cache and rate limits fail open, fans catch up when Redis is
# back, aggregation waits) and keeps serving: were that "not ready", a load balancer would take
# every process out of rotation at once and one dependency would stop the product.
REQUIRED = frozenset({"database"})


async def readiness() -> dict:
    """{"status": "ok"|"degraded"|"down", "checks": {name: {status, latency_ms[, error]}},
    "down": [...], "replica": {...} when one is configured}"""
    results = await asyncio.gather(*(_timed(check) for check in CHECKS.values()))
    checks = dict(zip(CHECKS, results, strict=True))
    down = [name for name, result in checks.items() if result["status"] != "ok"]
    status = "down" if REQUIRED & set(down) else "degraded" if down else "ok"
    report = {"status": status, "checks": checks, "down": down}
    # Reported, never required: without a (current) replica, reads go to the primary.
    replica = await sync_to_async(replicas.report, thread_sensitive=False)()
    if replica is not None:
        report["replica"] = replica
    return report
