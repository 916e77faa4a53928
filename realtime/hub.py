"""One subscriber per match per process: receives each delta once and hands it to local fans.

Channels' usual pattern gives every WebSocket its own layer channel, so one delta costs a layer
receive, a dispatch and a thread hop per fan. Here each process (each event loop) has one hub
channel that joins the group of every match with local fans; a delta is received once and put,
already serialized, into each fan's bounded queue. Each fan's writer then does one socket write.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Protocol

import redis.asyncio
from channels.layers import get_channel_layer
from django.conf import settings
from redis.exceptions import RedisError

from games.models import match_group_name
from realtime.buffer import STREAMS
from realtime.page_feed import WATCH_RENEW, WATCH_TTL, watch_key
from realtime.shards import url_for_group
from realtime.snapshots import stream_snapshot

WATCH_INTERVAL = 1.0  # seconds between the hub's pings of Redis
WATCH_TIMEOUT = 0.5


def raise_if_cancelled() -> None:
    """Call once per turn of a loop that awaits Redis or a socket.

    A cancel does not always come out as CancelledError: Python 3.11 turns one that lands as a
    timeout expires into TimeoutError, and a client library can swallow one mid-command. A loop
    that goes round again then never ends, and the server (or a test's event loop) hangs on
    shutdown waiting for it. The task still counts the cancel, so ask it.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


# Told to every local fan when Redis stops answering (deltas cannot reach this process) and when
# it answers again (after the catch-up snapshots), so a fan's page can say it is behind.
STATUS_DELAYED = json.dumps({
    "type": "status", "delayed": True,
    "message": "Live updates are delayed; the score catches up by itself."})
STATUS_CURRENT = json.dumps({"type": "status", "delayed": False})


class Fan(Protocol):
    def offer(self, version: int, text: str) -> None: ...

    def notify(self, text: str) -> None: ...


class MatchHub:
    def __init__(self):
        self.layer = get_channel_layer()
        # Local fans by (match, stream): "delta" (JSON deltas) or "page" (the centre's page).
        self.fans: dict[tuple[int, str], set[Fan]] = {}
        self.channel: str | None = None
        self._task: asyncio.Task | None = None
        self._watch: asyncio.Task | None = None
        self._clients: dict[str, redis.asyncio.Redis] = {}
        self._lock = asyncio.Lock()

    async def subscribe(self, match_id: int, fan: Fan, stream: str = "delta") -> None:
        """Start delivering ``match_id``'s ``stream`` to ``fan``; returns once the group is
        joined (and, for the page, once publishers know to render it)."""
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("hub.")
                self._task = asyncio.create_task(self._run())
                self._watch = asyncio.create_task(self._watch_redis())
            fans = self.fans.get((match_id, stream))
            if fans is None:
                if stream == "page":
                    await self._mark_watched([match_id])
                if not self._joined(match_id):  # one group a match, whatever its streams
                    await self.layer.group_add(match_group_name(match_id), self.channel)
                fans = self.fans[(match_id, stream)] = set()
            fans.add(fan)

    async def unsubscribe(self, match_id: int, fan: Fan, stream: str = "delta") -> None:
        async with self._lock:
            fans = self.fans.get((match_id, stream))
            if fans is None:
                return
            fans.discard(fan)
            if not fans:
                del self.fans[(match_id, stream)]
                if not self._joined(match_id):
                    with contextlib.suppress(Exception):  # the layer may be gone at shutdown
                        await self.layer.group_discard(match_group_name(match_id), self.channel)

    def _joined(self, match_id: int) -> bool:
        """Whether any stream of the match has fans here (its group is joined)."""
        return any((match_id, stream) in self.fans for stream in STREAMS)

    async def _mark_watched(self, match_ids) -> None:
        """Tell publishers these matches' pages have fans here (realtime/page_feed.py)."""
        for match_id in match_ids:
            with contextlib.suppress(RedisError, OSError):  # renewed again shortly
                await self._client(url_for_group(match_group_name(match_id))).set(
                    watch_key(match_id), 1, ex=WATCH_TTL)

    def _client(self, url: str) -> redis.asyncio.Redis:
        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = redis.asyncio.Redis.from_url(
                f"{url}/1", socket_connect_timeout=WATCH_TIMEOUT, socket_timeout=WATCH_TIMEOUT)
        return client

    async def _run(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            raise_if_cancelled()
            key = (message.get("match"), message.get("stream", "delta"))
            for fan in tuple(self.fans.get(key, ())):
                fan.offer(message["v"], message["text"])

    async def _watch_redis(self) -> None:
        """Pub/sub keeps nothing for a subscriber that was away: when Redis answers again after
        failing, give every local fan its match's snapshot from the database (a fan already at
        that version ignores it), so no fan stays behind what was committed meanwhile."""
        clients = [redis.asyncio.Redis.from_url(host["address"],
                                                socket_connect_timeout=WATCH_TIMEOUT,
                                                socket_timeout=WATCH_TIMEOUT)
                   for host in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]]
        healthy = True
        renewed = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if asyncio.get_running_loop().time() - renewed >= WATCH_RENEW:
                renewed = asyncio.get_running_loop().time()
                await self._mark_watched([m for m, stream in tuple(self.fans) if stream == "page"])
            try:  # every realtime server (a fan's match may be on any of them)
                for client in clients:
                    await client.ping()
                answered = True
            except (RedisError, OSError):
                answered = False
            raise_if_cancelled()
            if healthy and not answered:
                self._notify_all(STATUS_DELAYED)
            if answered and not healthy:
                await self._resync_all()
                self._notify_all(STATUS_CURRENT)
            healthy = answered

    def _notify_all(self, text: str) -> None:
        for fans in tuple(self.fans.values()):
            for fan in tuple(fans):
                fan.notify(text)

    async def _resync_all(self) -> None:
        for key in tuple(self.fans):
            with contextlib.suppress(Exception):  # a match deleted meanwhile: nothing to send
                version, text = await stream_snapshot(*key)
                for fan in tuple(self.fans.get(key, ())):
                    fan.offer(version, text)


_hubs: dict[asyncio.AbstractEventLoop, MatchHub] = {}


def get_hub() -> MatchHub:
    """The hub of the running event loop (one per server process; one per test loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for stale in [other for other in _hubs if other.is_closed()]:
            del _hubs[stale]
        hub = _hubs[loop] = MatchHub()
    return hub
