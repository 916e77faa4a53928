"""Shared by the locustfiles: the plan (matches and scorer logins), page parsing, and the
custom counters each run writes to LOAD_RESULTS for the summary (locustfiles/run.py)."""

from __future__ import annotations

import html
import json
import os
import re
import threading
from collections import defaultdict
from pathlib import Path

from locust import events

PLAN = Path(os.environ.get("LOAD_PLAN", "var/load/plan.json"))
RESULTS = Path(os.environ.get("LOAD_RESULTS", "var/load/results.json"))

_FIELD = re.compile(r'name="(csrfmiddlewaretoken|expected_seq|idempotency_key)" value="([^"]*)"')
_SNAPSHOT = re.compile(r'<script id="pad-snapshot" type="application/json">(.*?)</script>', re.S)


def load_plan() -> dict:
    """The plan's matches (the first MATCHES of them when that is set)."""
    plan = json.loads(PLAN.read_text())
    limit = int(os.environ.get("MATCHES", "0"))
    if limit:
        plan["matches"] = plan["matches"][:limit]
    return plan


def pad_fields(page: str) -> dict:
    """The first form's hidden fields (the pad's forms all carry the same ones)."""
    fields = {}
    for name, value in _FIELD.findall(page):
        fields.setdefault(name, html.unescape(value))
    return fields


def pad_snapshot(page: str) -> dict:
    """The snapshot the pad page embeds for pad.js (what it draws itself from)."""
    found = _SNAPSHOT.search(page)
    if found is None:
        raise ValueError("This page embeds no pad snapshot.")
    return json.loads(html.unescape(found.group(1)))


class Tally:
    """Counters shared by every user of this Locust process, written out when the run stops."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = defaultdict(int)
        self.by_match: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.latencies: list[float] = []

    def add(self, name: str, n: int = 1, match: int | None = None) -> None:
        with self.lock:
            self.counts[name] += n
            if match is not None:
                self.by_match[str(match)][name] += n

    def latency(self, seconds: float) -> None:
        with self.lock:
            if len(self.latencies) < 200_000:
                self.latencies.append(seconds)


tally = Tally()


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = {"counts": dict(tally.counts),
            "by_match": {k: dict(v) for k, v in tally.by_match.items()},
            "latencies": tally.latencies}
    RESULTS.write_text(json.dumps(data))
