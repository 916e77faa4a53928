"""PostgreSQL unreachable: a real web process answers 503 with Retry-After within about a second
(JSON on the API), records nothing it did not acknowledge, and recovers by itself.

The web process reaches the test database through a TCP relay in its own process (bench/relay.py);
SIGKILLing the relay cuts every connection at once, as a crashed or partitioned database does,
without taking the suite's PostgreSQL down; starting it again is the database coming back.
"""

import signal
import time

import pytest
from django.conf import settings

from bench.relay import start_relay
from devtools.embedded import _free_port
from games.models import LogEntry
from tests.games.factories import make_match, make_user, start_action
from tests.servers import Browser, child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

def _start_relay(listen: int):
    db = settings.DATABASES["default"]
    return start_relay(host=db["HOST"], port=db["PORT"], listen=listen)


def test_scoring_answers_503_fast_while_the_database_is_gone_and_recovers_by_itself():
    scorer = make_user()
    match = make_match(scorer=scorer)
    from games.services import match_record_action
    match_record_action(match=match, action=start_action(match))

    relay_port, web_port = _free_port(), _free_port()
    relay = _start_relay(relay_port)
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@127.0.0.1:{relay_port}/{db['NAME']}"
    server = start_server(web_port, {**child_env(), "DATABASE_URL": url})
    try:
        browser = Browser(f"http://127.0.0.1:{web_port}")
        browser.login(scorer.username, f"pw-{scorer.username}")

        def ball(key: str):
            return browser.post_json(f"/api/matches/{match.pk}/actions", {
                "action": {"kind": "delivery", "runs": 1}, "idempotency_key": key})

        assert ball("before")[0] == 201

        relay.send_signal(signal.SIGKILL)  # the database is gone
        relay.wait()
        for attempt in range(3):
            started = time.monotonic()
            status, headers, body = ball(f"during-{attempt}")
            elapsed = time.monotonic() - started
            assert status == 503, body
            assert int(headers["Retry-After"]) > 0 and "unavailable" in body["error"]
            assert elapsed < 2.0, f"took {elapsed:.2f} s"

        relay = _start_relay(relay_port)  # it is back: no restart of the web process
        deadline = time.monotonic() + 15
        while (status := ball("after")[0]) == 503 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 201
        keys = set(LogEntry.objects.filter(match=match).values_list("idempotency_key",
                                                                    flat=True))
        assert keys == {None, "before", "after"}  # nothing acknowledged lost, nothing refused kept
    finally:
        stop_server(server)
        relay.kill()
