"""PostgreSQL unreachable: a real web process answers 503 with Retry-After within about a second
(JSON on the API), records nothing it did not acknowledge, and recovers by itself.

The web process reaches the test database through a TCP relay in its own process; SIGKILLing the
relay cuts every connection at once, as a crashed or partitioned database does, without taking
the suite's PostgreSQL down; starting it again is the database coming back.
"""

import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from games.models import LogEntry
from scorekeeper.embedded import _free_port
from tests.conftest import ROOT
from tests.games.factories import make_match, make_user, start_action
from tests.servers import Browser, child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

RELAY = """
import asyncio, sys
async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
async def serve(client_reader, client_writer):
    reader, writer = await asyncio.open_connection('{host}', {port})
    await asyncio.gather(pipe(client_reader, writer), pipe(reader, client_writer))
async def main():
    server = await asyncio.start_server(serve, '127.0.0.1', {listen})
    print('ready', flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def _start_relay(listen: int) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    code = RELAY.format(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, listen=listen)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


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
