"""Event ingestion: batches of client events to POST /api/events, counting 202 / 429 / 4xx.

    locust -f locustfiles/events.py --host http://127.0.0.1:8000

Env: EVENT_BATCH (events per batch, default 50), EVENT_PACE (seconds between a user's batches,
default 1). The API allows 200 events a minute per address unless the target raises
EVENTS_RATE_LIMIT_PER_MINUTE: from one load host, expect 429s (counted, not failures).
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from locust import HttpUser, constant_pacing, task

from locustfiles.common import tally

BATCH = int(os.environ.get("EVENT_BATCH", "50"))


class EventUser(HttpUser):
    wait_time = constant_pacing(float(os.environ.get("EVENT_PACE", "1")))

    def on_start(self):
        self.client_id = f"locust-{uuid.uuid4().hex[:8]}"

    @task
    def post_batch(self):
        now = datetime.now(UTC).isoformat()
        batch = [{"event_type": "app.tap", "occurred_at": now, "payload": {"i": i}}
                 for i in range(BATCH)]
        with self.client.post("/api/events", json=batch, name="/api/events",
                              headers={"X-Client-Id": self.client_id},
                              catch_response=True) as response:
            status = response.status_code
            if status == 202:
                tally.add("events_202")
                tally.add("events_accepted", response.json()["accepted"])
            elif status == 429:
                tally.add("events_429")
                response.success()
            else:
                tally.add(f"events_{status // 100}xx")
