"""Two ASGI server processes: a ball scored through one reaches a fan connected to the other."""

import asyncio
import json
import secrets
import subprocess
import urllib.request

import pytest
import websockets
from django.test import Client

from devtools.embedded import _free_port
from tests.games.factories import make_match, make_user, start_action
from tests.servers import child_env, start_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _serve(env) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    return start_server(port, env), port


def _post_action(port: int, match_id: int, session: str, body: dict) -> int:
    token = secrets.token_hex(16)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/matches/{match_id}/actions",
        data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-CSRFToken": token,
                 "Cookie": f"sessionid={session}; csrftoken={token}"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status


def test_a_ball_scored_through_one_process_reaches_a_fan_on_the_other():
    match = make_match()
    staff = make_user(staff=True)
    browser = Client()
    browser.force_login(staff)
    session = browser.cookies["sessionid"].value
    env = child_env()
    (scoring, scoring_port), (watching, watching_port) = _serve(env), _serve(env)
    try:
        assert _post_action(scoring_port, match.pk, session,
                            {"action": start_action(match), "expected_seq": 0}) == 201

        async def watch():
            uri = f"ws://127.0.0.1:{watching_port}/ws/matches/{match.pk}/"
            async with websockets.connect(uri, origin=f"http://127.0.0.1:{watching_port}") as ws:
                snapshot = json.loads(await asyncio.wait_for(ws.recv(), 10))
                assert (snapshot["type"], snapshot["v"]) == ("snapshot", 1)
                status = await asyncio.to_thread(
                    _post_action, scoring_port, match.pk, session,
                    {"action": {"kind": "delivery", "runs": 4, "boundary": True},
                     "expected_seq": 1, "idempotency_key": "two-process-1"})
                assert status == 201
                delta = json.loads(await asyncio.wait_for(ws.recv(), 10))
                assert (delta["type"], delta["v"]) == ("delta", 2)
                assert delta["patch"]["innings"]["1"]["runs"] == 4

        asyncio.run(watch())
    finally:
        for proc in (scoring, watching):
            proc.terminate()
            proc.wait(timeout=20)
