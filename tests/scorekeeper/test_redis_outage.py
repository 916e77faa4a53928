"""Degrade, don't die: with Redis SIGKILLed, scorers log in and score, fans read, events land.

A private Redis (the embedded one's binary, on its own port) serves the cache, the rate limits
and sessions' old home for this test only, so killing it leaves the suite's Redis alone.
"""

import json
import os
import signal
import time

import pytest
from django.test import Client

from accounts.views import _bucket
from devtools.embedded import EmbeddedRedis, _port_open
from games.models import LogEntry
from tests.games.factories import make_match, make_user, start_action

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def private_redis(tmp_path_factory, settings):
    redis = EmbeddedRedis(tmp_path_factory.mktemp("redis-outage"))
    url = redis.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": f"{url}/1"}}
    _bucket.cache_clear()  # the login bucket registered its script on the suite's Redis
    try:
        yield redis
    finally:
        _bucket.cache_clear()
        redis.stop()


def _kill(redis: EmbeddedRedis) -> None:
    port = redis.running_port()
    os.kill(redis._pid(), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _port_open(port)


def _login(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username,
                                                "password": f"pw-{user.username}"})
    assert response.status_code == 302, response.content[:300]
    return client


def _pad_ball(client, match, n: int) -> None:
    match.refresh_from_db()
    response = client.post(f"/score/{match.pk}/", {
        "expected_seq": match.seq, "idempotency_key": f"outage-{n}", "action": "runs-1"})
    assert response.status_code == 302, response.content[:500]


def test_scoring_login_pages_and_events_go_on_with_redis_killed(private_redis):
    scorer = make_user()
    match = make_match(scorer=scorer)
    from games.services import match_record_action
    match_record_action(match=match, action=start_action(match))
    client = _login(scorer)
    _pad_ball(client, match, 1)

    _kill(private_redis)

    for n in range(2, 6):  # the pad, as a scorer taps it: every ball recorded once
        _pad_ball(client, match, n)
    match.refresh_from_db()
    response = client.post(f"/api/matches/{match.pk}/actions", json.dumps(
        {"action": {"kind": "delivery", "runs": 2}, "expected_seq": match.seq,
         "idempotency_key": "outage-api"}), content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert LogEntry.objects.filter(match=match, kind="delivery").count() == 6
    match.refresh_from_db()
    assert match.state["innings"][0]["runs"] == 7

    other = _login(make_user())  # sessions and the login limit do not need Redis
    assert other.get("/score/").status_code == 200
    assert Client().get(f"/matches/{match.pk}/").status_code == 200
    assert Client().get(f"/api/matches/{match.pk}").status_code == 200
    events = Client().post("/api/events", json.dumps({"event_type": "page.view",
                                                        "occurred_at": "2026-11-22T14:05:00Z"}),
                           content_type="application/json")
    assert events.status_code == 202, events.content[:300]


def test_the_login_limit_still_holds_per_process_without_redis(private_redis, settings):
    settings.LOGIN_RATE_LIMIT_PER_MINUTE = 3
    _kill(private_redis)
    client = Client()
    codes = [client.post("/accounts/login/", {"username": "x", "password": "wrong"}).status_code
             for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_a_full_cache_evicts_cached_keys_never_the_brokers_queue(private_redis):
    """deploy/redis/redis.conf (which the embedded Redis runs from): bounded memory, and only
    keys with a TTL are evicted, so a flood of cache writes cannot drop a queued task."""
    import redis as redis_client

    client = redis_client.Redis(port=private_redis.running_port())
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "volatile-lru"}
    assert int(client.config_get("maxmemory")["maxmemory"]) > 0
    client.config_set("maxmemory", "4mb")  # small enough to fill in a test
    client.select(3)
    client.lpush("celery", *[f"task-{n}" for n in range(500)])  # a broker queue: no TTL
    client.select(1)
    for n in range(3000):  # about 3 MB of cache entries more than the bound allows
        client.set(f"page-{n}", b"x" * 4096, ex=300)
    assert client.dbsize() < 3000  # the bound held: cache entries were evicted
    client.select(3)
    assert client.llen("celery") == 500
