"""The web role as production runs it: Gunicorn serving config.wsgi, a real process on the
test database — scoring over the JSON API, the live feed refused, the client's address taken
from a trusted proxy's X-Forwarded-For, and /readyz refreshed in the background under WSGI."""

import json
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model

from config.processes import gunicorn_command
from config.roles import NOT_HERE_WEB
from devtools.embedded import _free_port
from games.models import Match
from tests.conftest import wait_until
from tests.games.factories import make_match, start_action
from tests.servers import Browser, child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True)]


def _get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def web_role():
    """Behind a (loopback) balancer: FORWARDED_ALLOW_IPS names it."""
    port = _free_port()
    server = start_server(port, child_env(FORWARDED_ALLOW_IPS="127.0.0.1"),
                          command=gunicorn_command("127.0.0.1", str(port)))
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


def test_with_no_proxy_named_a_clients_forwarded_for_changes_nothing():
    """make run has no balancer and names none: a client that sends X-Forwarded-For is still
    the address it connects from (here the operators' loopback, which sees the details)."""
    port = _free_port()
    server = start_server(port, child_env(), command=gunicorn_command("127.0.0.1", str(port)))
    try:
        for spoof in ("203.0.113.9", "127.0.0.1", "203.0.113.9, 127.0.0.1"):
            _, body = _get(f"http://127.0.0.1:{port}/readyz", {"X-Forwarded-For": spoof})
            assert "checks" in body, spoof
    finally:
        stop_server(server)


def test_a_scorer_scores_through_the_web_role(web_role):
    user = get_user_model().objects.create_user("web-scorer", password="pw-123456")
    match = make_match(scorer=user)
    scorer = Browser(web_role)
    scorer.login("web-scorer", "pw-123456")
    status, _, body = scorer.post_json(f"/api/matches/{match.pk}/actions",
                                       {"action": start_action(match), "expected_seq": 0})
    assert status == 201 and body["seq"] == 1
    for seq in range(1, 7):
        status, _, body = scorer.post_json(f"/api/matches/{match.pk}/actions", {
            "action": {"kind": "delivery", "runs": seq % 3}, "expected_seq": seq,
            "idempotency_key": f"ball-{seq}"})
        assert status == 201 and body["delta"]["v"] == seq + 1
    # A retry of the last ball records nothing.
    status, _, body = scorer.post_json(f"/api/matches/{match.pk}/actions", {
        "action": {"kind": "delivery", "runs": 0}, "expected_seq": 6, "idempotency_key": "ball-6"})
    assert status == 200 and body["replayed"] is True
    match = Match.objects.get(pk=match.pk)
    assert match.seq == 7 and match.state["innings"][0]["legal_balls"] == 6


def test_the_web_role_refuses_the_live_feed(web_role):
    status, body = _get(f"{web_role}/matches/1/stream")
    assert (status, body) == (404, {"error": NOT_HERE_WEB})


def test_the_client_is_the_address_a_trusted_proxy_forwards(web_role):
    """Operators are the loopback here: direct, this test is one; through a (loopback, trusted)
    balancer that forwards an outside client, that client is not."""
    _, direct = _get(f"{web_role}/readyz")
    assert "checks" in direct
    _, forwarded = _get(f"{web_role}/readyz", {"X-Forwarded-For": "203.0.113.9"})
    assert set(forwarded) == {"status"}
    _, chained = _get(f"{web_role}/readyz", {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"})
    assert set(chained) == {"status"}  # the nearest untrusted hop is the client


def test_readiness_is_refreshed_in_the_background(web_role):
    """Under WSGI a request's event loop ends with it: the refresh must outlive the request."""
    _, first = _get(f"{web_role}/readyz")
    assert first["status"] in ("ok", "degraded") and first["checks"]["database"]["status"] == "ok"
    wait_until(lambda: _get(f"{web_role}/readyz")[1]["checks"] != first["checks"], timeout=20,
               what="a newer readiness report")


def _outside_address() -> str:
    """This machine's address on its network (not the loopback): where an outside client
    comes from when it connects to it."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("198.51.100.1", 9))  # a documentation address: no packet is sent
        return probe.getsockname()[0]


def test_a_spoofed_forwarded_for_from_outside_is_replaced_at_the_real_haproxy(tmp_path):
    """An outside client (this machine's network address, not the loopback) sends the headers
    an attacker would through the real HAProxy in front of the web role: it is never taken for
    the operators' loopback, never for the address it names, and its own address is what the
    web role's per-address limits see."""
    from devtools.cluster import haproxy_config
    from tests.servers import stop_server as stop

    outside = _outside_address()
    assert not outside.startswith("127.")
    web_port, edge_port, stats_port = _free_port(), _free_port(), _free_port()
    web = start_server(web_port, child_env(FORWARDED_ALLOW_IPS="127.0.0.1"),
                       command=gunicorn_command("127.0.0.1", str(web_port)))
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(bind=f"{outside}:{edge_port}",
                                     stats_bind=f"127.0.0.1:{stats_port}", web=[web_port],
                                     realtime=[web_port]))
    import subprocess

    log = (tmp_path / "haproxy.log").open("w")
    edge = subprocess.Popen(["/usr/sbin/haproxy", "-f", str(config), "-db"], stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        base = f"http://{outside}:{edge_port}"
        site = {"Host": "127.0.0.1"}  # a name ALLOWED_HOSTS has (the test settings' own)

        def through_haproxy():  # 503 (HAProxy's own page) until its check finds the server UP
            try:
                with urllib.request.urlopen(urllib.request.Request(f"{base}/healthz",
                                                                   headers=site),
                                            timeout=5) as response:
                    return response.status == 200
            except urllib.error.HTTPError:
                return False

        try:
            wait_until(through_haproxy, 30, "the web role UP behind HAProxy")
        except AssertionError:
            log.flush()
            raise AssertionError((tmp_path / "haproxy.log").read_text()[-2000:]) from None
        for spoof in ("127.0.0.1", "127.0.0.1, 127.0.0.1", "::1", f"{outside}, 127.0.0.1"):
            status, body = _get(f"{base}/readyz", {**site, "X-Forwarded-For": spoof})
            assert set(body) == {"status"}, (spoof, body)  # not an operator
            status, body = _get(f"{base}/api/health/pool", {**site, "X-Forwarded-For": spoof})
            assert status == 403 and "Operators only" in body["error"], spoof
        # Direct, from the loopback, the web role's own operators see the details.
        assert "checks" in _get(f"http://127.0.0.1:{web_port}/readyz")[1]
    finally:
        edge.terminate()
        edge.wait(timeout=10)
        log.close()
        stop(web)
