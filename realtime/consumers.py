"""The live scoreboard WebSocket: ``/ws/matches/<id>/?stream=delta|page&since=<version>``
(docs/realtime.md): JSON deltas for API clients, or the centre page's keyed HTML operations."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from collections import deque
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core.jsonbody import BadJSON, parse_json
from realtime.buffer import STREAMS
from realtime.hub import get_hub, raise_if_cancelled
from realtime.metrics import ws_metrics
from realtime.snapshots import missed_deltas, resume_point, stream_snapshot

RESYNC_LIMIT = 5  # per fan
RESYNC_WINDOW = 10.0  # seconds

SEND_BUFFER = 256  # deltas queued for one fan before it is dropped (it will resume with since)
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 4008
CLOSE_BAD_REQUEST = 4400
CLOSE_TOO_MANY = 4429  # this address holds WS_MAX_PER_ADDRESS sockets of this process already

# Open sockets per client address in this process (Uvicorn gives the client's address, behind
# the balancer too: FORWARDED_ALLOW_IPS). One address cannot take every file descriptor. Weak:
# a consumer that never saw its disconnect (a cancelled application) is not counted forever.
_open_by_address: dict[str, weakref.WeakSet] = {}
CLOSE_TIMEOUT = 5.0


def _version(value) -> int | None:
    try:
        version = int(value)
    except (TypeError, ValueError):
        return None
    return version if version >= 0 else None


class MatchConsumer(AsyncWebsocketConsumer):
    # Fans receive through the process's hub, not through a layer channel of their own.
    channel_layer_alias = None

    async def connect(self):
        self.address: str | None = None  # counted against its cap
        self.subscribed = False
        self.writer: asyncio.Task | None = None
        self.stream = "delta"
        await self.accept()
        ws_metrics.connected()
        address = (self.scope.get("client") or ("unknown",))[0]
        held = _open_by_address.setdefault(address, weakref.WeakSet())
        if len(held) >= settings.WS_MAX_PER_ADDRESS:
            # Accepted first so that the client reads why (a refused handshake says nothing).
            await self.close(code=CLOSE_TOO_MANY)
            return
        self.address = address
        held.add(self)
        self.match_id = int(self.scope["url_route"]["kwargs"]["match_id"])
        # What the hub offered and is not sent yet. A plain deque and a writer task only while
        # it holds something: an idle fan (nearly all of them, nearly always) costs no task and
        # no asyncio queue, a few KiB less per connection.
        self.pending: deque = deque()
        self.catching_up = True  # the writer waits until the catch-up is sent
        self.sent_version = -1
        self.dropped = False
        self.resyncs: list[float] = []  # when this fan last asked to resync
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        self.stream = query.get("stream", ["delta"])[0]
        if self.stream not in STREAMS:
            await self.close(code=CLOSE_BAD_REQUEST)
            return
        if await resume_point(self.match_id, self.stream) is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # Join the match's group before reading the state, so nothing falls in between;
        # deltas already covered by what we send first are dropped by version.
        await get_hub().subscribe(self.match_id, self, self.stream)
        self.subscribed = True
        await self._catch_up(_version(query.get("since", [None])[0]))
        self._caught_up()

    async def disconnect(self, code):
        ws_metrics.disconnected()
        held = _open_by_address.get(self.address)
        if held is not None:
            held.discard(self)
            if not held:
                del _open_by_address[self.address]
        if self.subscribed:
            await get_hub().unsubscribe(self.match_id, self, self.stream)
        if self.writer is not None:
            self.writer.cancel()

    def offer(self, version: int, text: str) -> None:
        """Called by the hub for each delta; never blocks. A fan too far behind is dropped."""
        if self.dropped:
            return
        if len(self.pending) >= SEND_BUFFER:
            self.dropped = True
            ws_metrics.slow_disconnect()
            asyncio.get_running_loop().create_task(self._drop())
            return
        self._enqueue(version, text)

    def notify(self, text: str) -> None:
        """A status message from the hub (updates delayed / current); not versioned."""
        if not self.dropped and len(self.pending) < SEND_BUFFER:  # a full one is dropped anyway
            self._enqueue(None, text)

    def _enqueue(self, version: int | None, text: str) -> None:
        self.pending.append((version, text))
        if not self.catching_up and (self.writer is None or self.writer.done()):
            self.writer = asyncio.get_running_loop().create_task(self._write_pending())

    def _caught_up(self) -> None:
        self.catching_up = False
        if self.pending:
            self.writer = asyncio.get_running_loop().create_task(self._write_pending())

    async def _drop(self) -> None:
        """Stop feeding a fan that cannot keep up and close it; it will resume with ``since``.

        Closing waits for the socket to drain, which a stuck client may never do, so the wait is
        bounded; the server's keepalive ping then ends the connection.
        """
        if self.writer is not None:
            self.writer.cancel()
        await get_hub().unsubscribe(self.match_id, self, self.stream)
        self.subscribed = False
        self.pending.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.close(code=CLOSE_TOO_SLOW), CLOSE_TIMEOUT)

    async def _send(self, text: str, kind: str) -> None:
        await self.base_send({"type": "websocket.send", "text": text})
        ws_metrics.message_sent(kind, text)

    async def _catch_up(self, since: int | None) -> None:
        """Send what the fan misses since ``since``: the buffered deltas, else a snapshot."""
        if since is not None:
            current = await resume_point(self.match_id, self.stream)
            missed = await missed_deltas(self.match_id, since, current, self.stream)
            if missed is not None:
                for text in missed:
                    await self._send(text, "delta")
                self.sent_version = current
                return
        version, text = await stream_snapshot(self.match_id, self.stream)
        await self._send(text, "snapshot")
        self.sent_version = version

    async def _write_pending(self) -> None:
        while self.pending:
            version, text = self.pending.popleft()
            raise_if_cancelled()
            if version is None:
                await self._send(text, "status")
                continue
            if version <= self.sent_version:
                continue  # already covered by the snapshot or the resent deltas
            if version != self.sent_version + 1:
                await self._catch_up(self.sent_version)  # a delta arrived out of order: catch up
                if version <= self.sent_version:
                    continue
            await self._send(text, "delta")
            self.sent_version = version

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = parse_json((text_data or "").encode())
            kind = message["type"]
        except (BadJSON, TypeError, KeyError):
            await self._error("Send JSON like {\"type\": \"resync\", \"since\": 12}.")
            return
        if kind == "resync":
            now = time.monotonic()
            self.resyncs = [t for t in self.resyncs if now - t < RESYNC_WINDOW][-RESYNC_LIMIT:]
            if len(self.resyncs) >= RESYNC_LIMIT:  # each one reads the database or a buffer
                await self._error(f"At most {RESYNC_LIMIT} resyncs in {RESYNC_WINDOW:g} s; "
                                  "wait a moment.")
                return
            self.resyncs.append(now)
            since = _version(message.get("since"))
            if since is None and message.get("since") is not None:
                await self._error("'since' must be a version number you received.")
                return
            self.catching_up = True
            if self.writer is not None:
                self.writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.writer
            await self._catch_up(since)
            self._caught_up()
        elif kind == "ping":
            await self.send(text_data=json.dumps({"type": "pong", "v": self.sent_version}))
        else:
            await self._error(f"Unknown message type {kind!r}: use 'resync' or 'ping'.")

    async def _error(self, message: str) -> None:
        await self.send(text_data=json.dumps({"type": "error", "message": message}))
