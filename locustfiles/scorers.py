"""Scorers: log in, take a match from the plan, and record balls on the scoring pad as pad.js
posts them (the pad's form fields, ``X-Pad-Fetch: snapshot``), at a realistic pace.

    locust -f locustfiles/scorers.py --host http://127.0.0.1:8000

The pad answers a recorded ball with the new seq, the next key and the pad's snapshot, and
anything that changes the pad's shape (an innings starting or ending, a stale or refused entry)
with the whole page; the scorer chooses the next entry from the snapshot either way (the page
embeds the same snapshot), as pad.js draws its choices from it.

Env: LOAD_PLAN (manage.py load_plan writes it), SCORER_PACE (seconds between balls, default 3;
a real scorer manages one every 20-40 s, so 3 s is a busy matchday compressed).
Counts (LOAD_RESULTS): scorer_recorded (entries recorded or replayed), scorer_conflicts
("someone else scored": stale), scorer_errors, per match.
"""

from __future__ import annotations

import itertools
import os
import random
import time

from locust import HttpUser, between, task
from locust.exception import StopUser

from locustfiles.common import load_plan, pad_fields, pad_snapshot, tally

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
        self._read_page(self.client.get(self.url, name="/score/[id]/").text)

    def _read_page(self, page: str) -> None:
        self.fields, self.snapshot = pad_fields(page), pad_snapshot(page)

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
        snap, inn = self.snapshot, self.snapshot.get("innings") or {}
        state = snap["needs"]
        if state == "start_innings" and snap.get("next"):
            batters, bowlers = snap["next"]["batting_xi"], snap["next"]["bowling_xi"]
            return {"action": "start_innings", "striker": batters[0],
                    "non_striker": batters[1], "bowler": bowlers[0]}
        if state == "next_bowler":  # not the last over's bowler, nor one who has bowled out
            last = (inn.get("last_over") or {}).get("bowler")
            quota = snap["bowler_max_overs"]
            overs = {p: c["balls"] // snap["balls_per_over"] for p, c in inn["bowlers"].items()}
            return {"action": "next_bowler", "player": self.rng.choice([
                p for p in inn["bowling_xi"]
                if p != last and (quota is None or overs.get(p, 0) < quota)])}
        if state == "new_batter":
            crease = (inn["striker"], inn["non_striker"])
            return {"action": "new_batter", "player": next(
                p for p in inn["batting_xi"] if p not in inn["batters"] and p not in crease)}
        if state == "delivery":
            tap = self.rng.choice(TAPS)
            if tap == "wicket" and snap["free_hit"]:
                tap = "runs-1"  # bowled is impossible on a free hit (the pad would say so)
            if tap == "wicket":
                return {"action": "wicket", "how": "bowled", "player_out": inn["striker"],
                        "runs": "0"}
            return {"action": tap}
        return None

    @task
    def score_a_ball(self):
        action = self._action()
        if action is None:  # the match has ended: this scorer's work is done
            self.wait_time = lambda: 3600
            return
        with self.client.post(self.url, data={**self.fields, **action},
                              headers={"X-Pad-Fetch": "snapshot"},
                              name="/score/[id]/ (record)", catch_response=True) as response:
            outcome = response.headers.get("X-Pad-Outcome")
            if response.status_code != 200 or outcome not in ("recorded", "replayed", "stale"):
                tally.add("scorer_errors", match=self.match)
                response.failure(f"pad answered {response.status_code} ({outcome})")
                self._read_page(self.client.get(self.url, name="/score/[id]/").text)
                return
            if response.headers.get("Content-Type", "").startswith("application/json"):
                answer = response.json()  # drawn in place by pad.js: seq, key, snapshot
                self.snapshot = answer["snapshot"]
                self.fields.update(expected_seq=str(answer["seq"]), idempotency_key=answer["key"])
            else:
                self._read_page(response.text)
        tally.add("scorer_conflicts" if outcome == "stale" else "scorer_recorded",
                  match=self.match)
