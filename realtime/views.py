"""HTTP side of the live scoreboard: the SSE fallback stream and the WebSocket metrics."""

from __future__ import annotations

import asyncio
import contextlib

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from prometheus_client import CONTENT_TYPE_LATEST

from core.access import operators_only
from core.metrics import render as render_metrics
from realtime.buffer import STREAMS
from realtime.hub import get_hub, raise_if_cancelled
from realtime.metrics import ws_metrics
from realtime.snapshots import match_version, missed_deltas, stream_snapshot

SSE_KEEPALIVE_SECONDS = 15
SSE_BUFFER = 256


SNAPSHOT_PREFIX = '{"type":"snapshot"'
PAGE_PREFIX = '{"type":"page"'


def _whole(text: str) -> bool:
    """A snapshot or the page whole (realtime/page_feed.py), which needs nothing before it."""
    return text.startswith(SNAPSHOT_PREFIX) or (
        text.startswith(PAGE_PREFIX) and '"html":' in text[:40])


def _event(version: int, text: str) -> bytes:
    kind = ("snapshot" if text.startswith(SNAPSHOT_PREFIX) else
            "page" if text.startswith(PAGE_PREFIX) else "delta")
    return f"id: {version}\nevent: {kind}\ndata: {text}\n\n".encode()


class _SseFan:
    """A hub subscriber feeding one event stream; drops the stream if it falls too far behind."""

    def __init__(self):
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=SSE_BUFFER)
        self.overflowed = False

    def offer(self, version: int, text: str) -> None:
        try:
            self.queue.put_nowait((version, text))
        except asyncio.QueueFull:
            self.overflowed = True

    def notify(self, text: str) -> None:
        self.offer(None, text)


async def _stream(match_id: int, since: int | None, stream: str):
    fan, hub = _SseFan(), get_hub()
    await hub.subscribe(match_id, fan, stream)  # before reading state: nothing falls in the gap
    try:
        sent = -1
        current = await match_version(match_id)
        missed = None if since is None else await missed_deltas(match_id, since, current, stream)
        if missed is None:
            sent, text = await stream_snapshot(match_id, stream)
            yield _event(sent, text)
        else:
            for offset, text in enumerate(missed, start=since + 1):
                yield _event(offset, text)
            sent = current
        while not fan.overflowed:
            try:
                version, text = await asyncio.wait_for(fan.queue.get(), SSE_KEEPALIVE_SECONDS)
            except TimeoutError:
                raise_if_cancelled()
                yield b": keep-alive\n\n"
                continue
            if version is None:  # the hub's status: updates delayed / current
                yield f"event: status\ndata: {text}\n\n".encode()
                continue
            if version <= sent:
                continue
            if version != sent + 1 and not _whole(text):
                return  # out of order: end the stream; EventSource reconnects with Last-Event-ID
            yield _event(version, text)  # a delta in order, or a snapshot (the relay's)
            sent = version
    finally:
        with contextlib.suppress(Exception):
            await hub.unsubscribe(match_id, fan, stream)


async def match_stream(request: HttpRequest, match_id: int) -> HttpResponse:
    """Server-Sent Events: the same messages as the WebSocket (``?stream=delta|page``); resumes
    from Last-Event-ID."""
    stream = request.GET.get("stream", "delta")
    if stream not in STREAMS:
        return JsonResponse({"error": f"stream must be one of {', '.join(STREAMS)}."},
                            status=400)
    if await match_version(match_id) is None:
        return JsonResponse({"error": f"There is no match {match_id}."}, status=404)
    raw = request.headers.get("Last-Event-ID") or request.GET.get("since")
    try:
        since = int(raw) if raw is not None else None
    except ValueError:
        return JsonResponse({"error": "Last-Event-ID must be a version number."}, status=400)
    if since is not None and since < 0:
        return JsonResponse({"error": "Last-Event-ID must be a version number."}, status=400)
    response = StreamingHttpResponse(_stream(match_id, since, stream),
                                     content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell proxies not to hold the stream back
    # Pages from another origin (the web processes' when the feed has its own, REALTIME_URL)
    # may read it: the stream is public, anonymous and read-only (EventSource sends no
    # credentials), exactly what anyone may fetch.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@operators_only
def ws_metrics_view(request: HttpRequest) -> JsonResponse:
    """This process's WebSocket metrics (each server process reports its own)."""
    return JsonResponse(ws_metrics.report())


@operators_only
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)
