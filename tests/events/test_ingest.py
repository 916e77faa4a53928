"""POST /api/events: whole batches accepted after commit, or refused with reasons; rate-limited."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django_redis import get_redis_connection

from events.models import Event

pytestmark = pytest.mark.django_db


def _event(**overrides):
    event = {"event_type": "page.view", "occurred_at": datetime.now(UTC).isoformat(),
             "payload": {"path": "/matches/1/"}}
    event.update(overrides)
    return event


def _post(client, body, content_type="application/json", ip="10.9.8.7"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/events", data, content_type=content_type, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def _fresh_limits():
    redis = get_redis_connection("default")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in redis.scan_iter(f"{prefix}:ratelimit:events:*"):
        redis.delete(key)
    yield
    cache.clear()


def test_a_batch_is_stored_before_the_202(client):
    response = _post(client, [_event(), _event(event_type="app.launch", match=None)],
                     ip="10.0.0.1")
    assert response.status_code == 202
    assert response.json() == {"accepted": 2, "replayed": False}
    stored = Event.objects.filter(source="client").order_by("id")
    assert [e.event_type for e in stored] == ["page.view", "app.launch"]
    assert stored[0].payload == {"path": "/matches/1/"} and stored[0].actor == "anonymous"


def test_a_single_object_is_accepted_and_the_client_id_is_the_actor(client):
    response = client.post("/api/events", json.dumps(_event()), content_type="application/json",
                           HTTP_X_CLIENT_ID="app-123", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 202
    assert Event.objects.get(source="client").actor == "client:app-123"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ([_event()] * 101, "application/json", 413, "at most 100"),
        ([_event(event_type="Bad Type!")], "application/json", 400, "event_type must match"),
        ([_event(payload={"x": "y" * 9000})], "application/json", 400, "larger than 8192"),
        ("{not json", "application/json", 400, "not valid JSON"),
        (json.dumps([_event()]), "text/plain", 415, "as JSON"),
        ([_event(event_type="delivery_recorded")], "application/json", 400, "domain event"),
        ([_event(occurred_at="yesterday")], "application/json", 400, "ISO 8601"),
        ([_event(occurred_at="1999-01-01T00:00:00Z")], "application/json", 400, "last 30 days"),
        ([], "application/json", 400, "empty"),
        ([_event(), "nope"], "application/json", 400, "1 of 2 events are invalid"),
        ([_event(payload={"x": "\udc00"})], "application/json", 400, "lone surrogate"),
    ],
)
def test_bad_input_gets_its_status_and_message_and_stores_nothing(client, body, content_type,
                                                                  status, message):
    response = _post(client, body, content_type)
    assert response.status_code == status
    assert message in json.dumps(response.json())
    assert not Event.objects.filter(source="client").exists()


def test_per_item_errors_name_the_item(client):
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    body = [_event(), _event(occurred_at=future), _event(payload=[1])]
    errors = _post(client, body).json()["items"]
    assert [item["index"] for item in errors] == [1, 2]


def test_the_201st_event_in_a_minute_from_one_ip_gets_429(client):
    for _ in range(2):
        assert _post(client, [_event()] * 100, ip="10.1.1.1").status_code == 202
    response = _post(client, [_event()], ip="10.1.1.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1 and "200 a minute" in response.json()["error"]
    assert Event.objects.filter(source="client").count() == 200
    assert _post(client, [_event()], ip="10.1.1.2").status_code == 202  # per address


@override_settings(EVENTS_RATE_LIMIT_PER_MINUTE=5)
def test_the_limit_is_configurable(client):
    assert _post(client, [_event()] * 5, ip="10.2.2.2").status_code == 202
    assert _post(client, [_event()], ip="10.2.2.2").status_code == 429


def test_pool_health(client):
    body = client.get("/api/health/pool").json()
    assert set(body) == {"min_size", "max_size", "size", "in_use", "idle", "waiting"}
    assert body["max_size"] >= body["size"] >= body["in_use"] >= 0


def test_a_retried_batch_with_its_batch_id_is_stored_once(client):
    batch = [_event(), _event(event_type="app.launch")]
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-7f3a9c21"}
    first = client.post("/api/events", json.dumps(batch), content_type="application/json",
                        REMOTE_ADDR="10.0.0.3", **headers)
    again = client.post("/api/events", json.dumps(batch), content_type="application/json",
                        REMOTE_ADDR="10.0.0.3", **headers)
    assert first.json() == {"accepted": 2, "replayed": False}
    assert again.status_code == 202 and again.json() == {"accepted": 2, "replayed": True}
    assert Event.objects.filter(source="client").count() == 2
    bad = client.post("/api/events", json.dumps(batch), content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="x y")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["error"]
    assert Event.objects.filter(source="client").count() == 2
