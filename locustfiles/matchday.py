"""A matchday: live matches with one scorer each, their fans on WebSockets (each posting its
own event batches), and extra event traffic.

    MATCHES=20 FANS_PER_MATCH=250 locust -f locustfiles/matchday.py --headless \
        -u 5020 -r 100 --run-time 5m --host https://scores.example.org

Env: MATCHES (default: every match in the plan), FANS_PER_MATCH (default 50), EVENT_USERS
(default 2), plus each file's own (SCORER_PACE, FANS_EVENT_EVERY, EVENT_BATCH, ...). Users are
fixed counts, so -u should be MATCHES * (1 + FANS_PER_MATCH) + EVENT_USERS.
"""

from __future__ import annotations

import os

# Modules, not classes: a User class in this namespace would be run too.
from locustfiles import events, fans, scorers
from locustfiles.common import load_plan

MATCHES = int(os.environ.get("MATCHES", "0")) or len(load_plan()["matches"])
FANS_PER_MATCH = int(os.environ.get("FANS_PER_MATCH", "50"))
EVENT_USERS = int(os.environ.get("EVENT_USERS", "2"))


class MatchdayScorer(scorers.ScorerUser):
    fixed_count = MATCHES


class MatchdayFan(fans.FanUser):
    fixed_count = MATCHES * FANS_PER_MATCH


class MatchdayEvents(events.EventUser):
    fixed_count = EVENT_USERS


__all__ = ["MatchdayEvents", "MatchdayFan", "MatchdayScorer"]
