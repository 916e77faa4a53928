import asyncio
import time

from django.http import HttpRequest, JsonResponse

from scorekeeper.access import is_operator
from scorekeeper.health import readiness


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; no dependency is touched."""
    return JsonResponse({"status": "ok"})


# A load balancer asks every second or two per process: answer from a report at most this old
# rather than touch every dependency each time.
READINESS_TTL_SECONDS = 2.0
_last_report: tuple[float, dict] | None = None
_refreshing: asyncio.Task | None = None


async def _refresh() -> None:
    global _last_report
    _last_report = (time.monotonic(), await readiness())


async def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 while this process can serve ("ok", or "degraded" with an optional
    dependency down), 503 without its database; what the load balancer's and Kubernetes'
    checks ask. Which dependencies, and how fast, only operators see (scorekeeper.access).

    Answered at once from the last report; a stale one is refreshed in the background for the
    next ask. A dependency that is down can take its whole check timeout to say so (a Celery
    ping waits a second for a worker that is gone): were the probe to wait for that, the
    balancer's check would time out and take every process out of rotation at once."""
    global _refreshing
    if _last_report is None:
        await _refresh()
    elif (time.monotonic() - _last_report[0] > READINESS_TTL_SECONDS
          and (_refreshing is None or _refreshing.done())):
        _refreshing = asyncio.ensure_future(_refresh())
    report = _last_report[1]
    body = report if is_operator(request) else {"status": report["status"]}
    return JsonResponse(body, status=503 if report["status"] == "down" else 200)
