"""POST /api/events (client event batches) and GET /api/health/pool."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.access import operators_only
from core.jsonbody import BadJSON, parse_json
from core.metrics import events_ingested, pool_stats
from core.ratelimit import TokenBucket
from events.services import BatchRejected, client_events_store, client_events_validate

_bucket: TokenBucket | None = None


def _limiter() -> TokenBucket:
    global _bucket
    if _bucket is None or _bucket.capacity != settings.EVENTS_RATE_LIMIT_PER_MINUTE:
        _bucket = TokenBucket(name="events", per_minute=settings.EVENTS_RATE_LIMIT_PER_MINUTE)
    return _bucket


def _actor(request: HttpRequest) -> str:
    """Who posted, as the client says (X-Client-Id). Never the session's user: the endpoint is
    exempt from CSRF because it reads no cookie, so a page on another site that makes a
    signed-in fan's browser post here is attributed to nobody."""
    client = request.headers.get("X-Client-Id", "")[:64]
    return f"client:{client}" if client else "anonymous"


BATCH_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


@csrf_exempt  # a public, cookie-less API for apps: no session, so no CSRF to forge
@require_POST
def ingest(request: HttpRequest) -> JsonResponse:
    """Accept a JSON event object or an array of at most 100; 202 once they are committed."""
    if request.content_type != "application/json":
        return JsonResponse({"error": "Send events as JSON (Content-Type: application/json)."},
                            status=415)
    try:
        body = parse_json(request.body)
    except BadJSON as error:
        return JsonResponse({"error": f"The body is not valid JSON: {error}"}, status=400)
    batch_id = request.headers.get("Idempotency-Key")
    if batch_id is not None and not BATCH_ID.fullmatch(batch_id):
        return JsonResponse({"error": "Idempotency-Key must be 8 to 64 letters, digits, '-' or "
                                      "'_' (one per batch; the same for its retries)."},
                            status=400)
    try:
        events = client_events_validate(body)
    except BatchRejected as rejected:
        return JsonResponse({"error": rejected.message, "items": rejected.errors},
                            status=rejected.status)
    decision = _limiter().take(request.META.get("REMOTE_ADDR", "unknown"), len(events))
    if not decision.allowed:
        limit = settings.EVENTS_RATE_LIMIT_PER_MINUTE
        response = JsonResponse(
            {"error": f"Too many events: at most {limit} a minute from one address. "
                      f"Retry after {decision.retry_after} s."}, status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response
    accepted, replayed = client_events_store(events=events, actor=_actor(request),
                                             batch_id=batch_id)
    if not replayed:
        events_ingested.labels("client").inc(accepted)
    return JsonResponse({"accepted": accepted, "replayed": replayed}, status=202)


@require_GET
@operators_only
def pool_health(request: HttpRequest) -> JsonResponse:
    """This process's database connection pool: size, in use, idle, waiting."""
    connection.ensure_connection()  # the pool is created with the first connection
    return JsonResponse(pool_stats())
