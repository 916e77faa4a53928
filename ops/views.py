import threading
import time

from asgiref.sync import async_to_sync
from django.http import HttpRequest, JsonResponse

from core.access import is_operator
from ops.health import readiness


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; no dependency is touched."""
    return JsonResponse({"status": "ok"})


# A load balancer asks every second or two per process: answer from a report at most this old
# rather than touch every dependency each time.
READINESS_TTL_SECONDS = 2.0
_last_report: tuple[float, dict] | None = None
_refreshing = threading.Lock()  # held while a refresh runs: one at a time


def _refresh() -> dict:
    global _last_report
    report = async_to_sync(readiness)()
    _last_report = (time.monotonic(), report)
    return report


def _refresh_in_background() -> None:
    """A thread of its own (its own event loop for the checks), not a task on the request's
    loop: the web role runs under WSGI, where a request's loop ends with the request."""
    if not _refreshing.acquire(blocking=False):
        return

    def run() -> None:
        try:
            _refresh()
        finally:
            _refreshing.release()

    threading.Thread(target=run, name="readiness", daemon=True).start()


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 while this process can serve ("ok", or "degraded" with an optional
    dependency down), 503 without its database; what the load balancer's and Kubernetes'
    checks ask. Which dependencies, and how fast, only operators see (core.access).

    Answered at once from the last report; a stale one is refreshed in the background for the
    next ask. A dependency that is down can take its whole check timeout to say so (a Celery
    ping waits a second for a worker that is gone): were the probe to wait for that, the
    balancer's check would time out and take every process out of rotation at once."""
    if _last_report is None:
        report = _refresh()
    else:
        if time.monotonic() - _last_report[0] > READINESS_TTL_SECONDS:
            _refresh_in_background()
        report = _last_report[1]
    body = report if is_operator(request) else {"status": report["status"]}
    return JsonResponse(body, status=503 if report["status"] == "down" else 200)
