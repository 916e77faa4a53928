"""The delta buffer on the real Redis: what resuming fans read (``buffer_since``) after what
commits and relays wrote (``buffer_append``, one script call)."""

import uuid

import pytest

from realtime import buffer
from realtime.buffer import buffer_append, buffer_key, buffer_since
from realtime.shards import client_for_match


@pytest.fixture
def match_id():
    """A match id no other test's buffer uses (the keys outlive a test run)."""
    match_id = 10**9 + uuid.uuid4().int % 10**8
    yield match_id
    client_for_match(match_id).delete(buffer_key(match_id))


def test_the_buffer_keeps_the_newest_versions_in_order(match_id, monkeypatch):
    monkeypatch.setattr(buffer, "BUFFER_SIZE", 5)
    for version in range(1, 9):
        buffer_append(match_id, version, f'{{"v":{version}}}')
    assert buffer_since(match_id, 3, 8) == [f'{{"v":{v}}}' for v in range(4, 9)]
    assert buffer_since(match_id, 2, 8) is None  # version 3 is no longer kept: a snapshot
    assert buffer_since(match_id, 8, 8) == []
    ttl = client_for_match(match_id).ttl(buffer_key(match_id))
    assert buffer.BUFFER_TTL - 5 <= ttl <= buffer.BUFFER_TTL


def test_a_version_written_again_replaces_the_first(match_id):
    buffer_append(match_id, 1, '{"v":1}')
    buffer_append(match_id, 2, '{"v":2,"first":true}')
    buffer_append(match_id, 2, '{"v":2,"relayed":true}')  # the relay re-publishing version 2
    assert buffer_since(match_id, 0, 2) == ['{"v":1}', '{"v":2,"relayed":true}']


def test_the_publish_reaches_subscribers_and_survives_a_script_flush(match_id):
    client = client_for_match(match_id)
    channel = f"test-buffer-{match_id}"
    subscriber = client.pubsub()
    subscriber.subscribe(channel)
    assert subscriber.get_message(timeout=2)["type"] == "subscribe"
    try:
        buffer_append(match_id, 1, '{"v":1}', publish=(channel, b"one"))
        client.script_flush()  # a restarted Redis knows no scripts: the call loads it again
        buffer_append(match_id, 2, '{"v":2}', publish=(channel, b"two"))
        received = [subscriber.get_message(timeout=2) for _ in range(2)]
        assert [m["data"] for m in received] == [b"one", b"two"]
        assert buffer_since(match_id, 0, 2) == ['{"v":1}', '{"v":2}']
    finally:
        subscriber.close()
