from django.http import HttpRequest, JsonResponse

from scorekeeper.health import readiness


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; no dependency is touched."""
    return JsonResponse({"status": "ok"})


async def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: every dependency answers; 503 naming the ones that do not."""
    report = await readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
