"""Scorers: log in, take a match from the plan, and record balls through the scoring pad's own
form posts (CSRF token, expected_seq, idempotency key read from the page), at a realistic pace.

    locust -f locustfiles/scorers.py --host http://127.0.0.1:8000

Env: LOAD_PLAN (manage.py load_plan writes it), SCORER_PACE (seconds between balls, default 3;
a real scorer manages one every 20-40 s, so 3 s is a busy matchday compressed).
Counts (LOAD_RESULTS): scorer_recorded (2xx/302 posts that recorded), scorer_conflicts
("someone else scored"), scorer_errors, per match.
"""

from __future__ import annotations

import itertools
import os
import random
import time

from locust import HttpUser, between, task
from locust.exception import StopUser

from locustfiles.common import load_plan, needs, pad_fields, select_options, tally

PACE = float(os.environ.get("SCORER_PACE", "3"))
_next_match = itertools.count()
TAPS = ["runs-0"] * 35 + ["runs-1"] * 30 + ["runs-2"] * 8 + ["runs-3"] + ["runs-4"] * 10 + \
    ["runs-6"] * 4 + ["wide"] * 4 + ["noball"] + ["legbye"] * 2 + ["wicket"] * 5


class ScorerUser(HttpUser):
    wait_time = between(PACE * 0.8, PACE * 1.2)

    def on_start(self):
        matches = load_plan()["matches"]
        self.plan = matches[next(_next_match) % len(matches)]
        self.match = self.plan["id"]
        self.url = f"/score/{self.match}/"
        self.rng = random.Random(self.match)
        self._login()
        self.page = self.client.get(self.url, name="/score/[id]/").text

    def _login(self):
        for _ in range(10):
            form = self.client.get("/accounts/login/", name="/accounts/login/").text
            response = self.client.post("/accounts/login/", name="/accounts/login/", data={
                "csrfmiddlewaretoken": pad_fields(form)["csrfmiddlewaretoken"],
                "username": self.plan["scorer"], "password": self.plan["password"],
                "next": self.url}, allow_redirects=False)
            if response.status_code == 302:
                return
            if response.status_code == 429:  # the login rate limit: wait as a person would
                time.sleep(int(response.headers.get("Retry-After", "6")))
                continue
            break
        raise StopUser(f"cannot log in as {self.plan['scorer']}")

    def _action(self) -> dict | None:
        state = needs(self.page)
        options = select_options(self.page)
        if state == "start_innings":
            batters, bowlers = options["striker"], options["bowler"]
            return {"action": "start_innings", "striker": batters[0],
                    "non_striker": batters[1], "bowler": bowlers[0]}
        if state == "next_bowler":
            return {"action": "next_bowler", "player": self.rng.choice(options["player"])}
        if state == "new_batter":
            return {"action": "new_batter", "player": options["player"][0]}
        if state == "delivery":
            tap = self.rng.choice(TAPS)
            if tap == "wicket" and "FREE HIT" in self.page:
                tap = "runs-1"  # bowled is impossible on a free hit (the pad would say so)
            if tap == "wicket":
                return {"action": "wicket", "how": "bowled",
                        "player_out": options["player_out"][0], "runs": "0"}
            return {"action": tap}
        return None

    @task
    def score_a_ball(self):
        action = self._action()
        if action is None:  # the match has ended: this scorer's work is done
            self.wait_time = lambda: 3600
            return
        data = {**pad_fields(self.page), **action}
        with self.client.post(self.url, data=data, name="/score/[id]/ (record)",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                tally.add("scorer_errors", match=self.match)
                response.failure(f"pad answered {response.status_code}")
                self.page = self.client.get(self.url, name="/score/[id]/").text
                return
        self.page = self.client.get(self.url, name="/score/[id]/").text
        if "Someone else scored" in self.page:
            tally.add("scorer_conflicts", match=self.match)
        else:
            tally.add("scorer_recorded", match=self.match)
