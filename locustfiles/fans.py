"""Fans: open the fan page, then do what its script does (static/js/scoreboard.js): hold a
WebSocket on /ws/matches/<id>/?stream=page&since=<the page's version>, take each version's page
operations (or the page whole), ask for a resync on a gap, reconnect with ?since= after a drop.
Not one HTTP request per ball.

    locust -f locustfiles/fans.py --host http://127.0.0.1:8000

Custom statistics (Locust's tables and CSV, type WS): "delta latency" (commit time carried in
each version's message to receipt; its size is the message's), "snapshot" (the page whole),
"gap", "resume". Counts (LOAD_RESULTS): fan_messages,
fan_gaps, fan_gaps_healed, fan_gaps_unhealed (still open when the run stopped), fan_resumes,
fan_events_posted. Env: LOAD_PLAN, FANS_EVENT_EVERY (seconds between a fan's event batches;
0 = none, default 30), FAN_EVENT_BATCH (events per batch, default 5).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from datetime import UTC, datetime

import websocket
from locust import HttpUser, constant, events, task

from locustfiles.common import load_plan, tally

EVENT_EVERY = float(os.environ.get("FANS_EVENT_EVERY", "30"))
EVENT_BATCH = int(os.environ.get("FAN_EVENT_BATCH", "5"))
HEAL_GRACE = 2.0  # a gap younger than this at the end is in flight, not unhealed
_next_fan = itertools.count()


def _fire(name: str, ms: float, length: int = 0, error: Exception | None = None) -> None:
    events.request.fire(request_type="WS", name=name, response_time=ms,
                        response_length=length, exception=error, context={})


class FanUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        matches = load_plan()["matches"]
        self.match = matches[next(_next_fan) % len(matches)]["id"]
        self.version: int | None = None
        self.gap_since: float | None = None
        self.ws = None
        self.connected_once = False
        self.next_events = time.monotonic() + random.uniform(0, EVENT_EVERY or 1)
        page = self.client.get(f"/matches/{self.match}/", name="/matches/[id]/")
        shown = re.search(r'id="scoreboard"[^>]*data-seq="(\d+)"', page.text or "")
        self.version = int(shown.group(1)) if shown else None  # what the page shows
        self._connect()

    def on_stop(self):
        if self.gap_since is not None and time.monotonic() - self.gap_since > HEAL_GRACE:
            tally.add("fan_gaps_unhealed", match=self.match)
        if self.ws is not None:
            self.ws.close()

    def _connect(self):
        base = self.host.replace("http", "ws", 1)
        since = f"&since={self.version}" if self.version is not None else ""
        started = time.perf_counter()
        try:
            self.ws = websocket.create_connection(
                f"{base}/ws/matches/{self.match}/?stream=page{since}", timeout=10,
                origin=self.host)
        except Exception as error:
            _fire("connect", (time.perf_counter() - started) * 1000, error=error)
            self.ws = None
            time.sleep(1)
            return
        _fire("connect" if not self.connected_once else "resume",
              (time.perf_counter() - started) * 1000)
        if self.connected_once:
            tally.add("fan_resumes", match=self.match)
        self.connected_once = True

    def _handle(self, text: str):
        message = json.loads(text)
        kind, version = message.get("type"), message.get("v")
        tally.add("fan_messages", match=self.match)
        if kind == "page" and "html" in message:  # the page whole
            _fire("snapshot", 0, len(text))
            if self.gap_since is not None:
                tally.add("fan_gaps_healed", match=self.match)
                self.gap_since = None
            self.version = version
        elif kind == "page":  # a version's operations
            if self.version is not None and version <= self.version:
                return  # already have it (a resync may overlap)
            if self.version is not None and version != self.version + 1:
                if self.gap_since is None:
                    tally.add("fan_gaps", match=self.match)
                    _fire("gap", 0)
                    self.gap_since = time.monotonic()
                    self.ws.send(json.dumps({"type": "resync", "since": self.version}))
                return
            if self.gap_since is not None:
                tally.add("fan_gaps_healed", match=self.match)
                self.gap_since = None
            self.version = version
            if "t" in message:
                latency = time.time() - message["t"]
                tally.latency(latency)
                _fire("delta latency", latency * 1000, len(text))

    @task
    def listen(self):
        if self.ws is None:
            self._connect()
            return
        try:
            self.ws.settimeout(1.0)
            self._handle(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            pass
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
            self.ws = None  # dropped: reconnect with ?since= on the next turn
        if EVENT_EVERY and time.monotonic() >= self.next_events:
            self.next_events = time.monotonic() + EVENT_EVERY
            self._post_events()

    def _post_events(self):
        now = datetime.now(UTC).isoformat()
        batch = [{"event_type": "fan.view", "occurred_at": now, "match": self.match,
                  "payload": {"v": self.version}} for _ in range(EVENT_BATCH)]
        with self.client.post("/api/events", json=batch, name="/api/events (fans)",
                              catch_response=True) as response:
            if response.status_code == 202:
                tally.add("fan_events_posted", EVENT_BATCH)
            elif response.status_code == 429:
                tally.add("events_429")
                response.success()  # the rate limit doing its job, not an error
