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


async def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 while this process can serve ("ok", or "degraded" with an optional
    dependency down), 503 without its database; what the load balancer's and Kubernetes'
    checks ask. Which dependencies, and how fast, only operators see (scorekeeper.access)."""
    global _last_report
    now = time.monotonic()
    if _last_report is None or now - _last_report[0] > READINESS_TTL_SECONDS:
        _last_report = (now, await readiness())
    report = _last_report[1]
    body = report if is_operator(request) else {"status": report["status"]}
    return JsonResponse(body, status=503 if report["status"] == "down" else 200)
