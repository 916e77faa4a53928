"""In-process WebSocket metrics: counters and bounded samples, exported as JSON and Prometheus."""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter

from prometheus_client import Counter as PromCounter
from prometheus_client import Gauge, Histogram

SAMPLE_SIZE = 10_000
# Sizes and latencies of deltas are recorded for one fan message in SAMPLE_EVERY: recording every
# one would cost more than the send itself at thousands of fans. Counts are exact.
SAMPLE_EVERY = 16

_connections = Gauge("scorekeeper_ws_connections", "Open WebSocket connections in this process",
                     multiprocess_mode="liveall")
_messages = PromCounter("scorekeeper_ws_messages_sent", "Messages sent to fans", ["kind"])
_bytes = Histogram("scorekeeper_ws_payload_bytes", "Bytes per message sent", ["kind"],
                   buckets=(128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536))
_latency = Histogram("scorekeeper_ws_publish_to_send_seconds", "Commit to socket write",
                     buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
_disconnects = PromCounter("scorekeeper_ws_slow_disconnects", "Fans dropped for falling behind")


def _published_at(text: str) -> float | None:
    """The commit time ``t`` that ends a serialized delta, read without parsing the JSON."""
    marker = text.rfind('"t":')
    if marker < 0:
        return None
    try:
        return float(text[marker + 4:].rstrip("}"))
    except ValueError:
        return None


class _Reservoir:
    """A uniform sample of at most SAMPLE_SIZE values (Vitter's algorithm R)."""

    def __init__(self):
        self.values: list[float] = []
        self.seen = 0

    def add(self, value: float) -> None:
        self.seen += 1
        if len(self.values) < SAMPLE_SIZE:
            self.values.append(value)
        else:
            slot = random.randrange(self.seen)
            if slot < SAMPLE_SIZE:
                self.values[slot] = value

    def summary(self, scale: float = 1.0) -> dict:
        if not self.values:
            return {"count": self.seen, "mean": None, "p50": None, "p95": None, "max": None}
        ordered = sorted(self.values)
        pick = lambda q: round(ordered[int(q * (len(ordered) - 1))] * scale, 3)  # noqa: E731
        return {"count": self.seen, "mean": round(statistics.fmean(ordered) * scale, 3),
                "p50": pick(0.5), "p95": pick(0.95), "max": round(ordered[-1] * scale, 3)}


class WsMetrics:
    def __init__(self):
        self.open = 0
        self.sent: Counter[str] = Counter()
        self.payload = _Reservoir()
        self.latency = _Reservoir()
        self.slow_disconnects = 0

    def connected(self) -> None:
        self.open += 1
        _connections.inc()

    def disconnected(self) -> None:
        self.open -= 1
        _connections.dec()

    def message_sent(self, kind: str, text: str) -> None:
        self.sent[kind] += 1
        if kind == "delta" and self.sent[kind] % SAMPLE_EVERY:
            return
        _messages.labels(kind).inc(1 if kind != "delta" else SAMPLE_EVERY)
        self.payload.add(len(text))
        _bytes.labels(kind).observe(len(text))
        published_at = _published_at(text) if kind == "delta" else None
        if published_at is not None:
            latency = time.time() - published_at
            self.latency.add(latency)
            _latency.observe(latency)

    def slow_disconnect(self) -> None:
        self.slow_disconnects += 1
        _disconnects.inc()

    def report(self) -> dict:
        total = self.sent["snapshot"] + self.sent["delta"]
        return {
            "open_connections": self.open,
            "messages_sent": {"snapshot": self.sent["snapshot"], "delta": self.sent["delta"]},
            "delta_ratio": round(self.sent["delta"] / total, 4) if total else None,
            "payload_bytes": self.payload.summary(),
            "publish_to_send_ms": self.latency.summary(scale=1000),
            "slow_disconnects": self.slow_disconnects,
        }


ws_metrics = WsMetrics()
