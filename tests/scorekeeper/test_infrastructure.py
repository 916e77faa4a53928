"""Round-trips through the real broker and the real channel layer."""

import pytest
from celery.contrib.testing.worker import start_worker
from channels.layers import get_channel_layer

from config.celery import app, ping


@pytest.mark.django_db(transaction=True)
def test_celery_task_round_trip_through_the_real_broker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert ping.delay("pong").get(timeout=20) == "pong"


async def test_channels_group_message_round_trip_through_redis():
    layer = get_channel_layer()
    assert layer.__class__.__name__ == "RedisPubSubChannelLayer"
    member, outsider = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("infra-test", member)
    await layer.group_send("infra-test", {"type": "score.update", "v": 7})
    assert await layer.receive(member) == {"type": "score.update", "v": 7}
    await layer.group_discard("infra-test", member)
    with pytest.raises(TimeoutError):
        import asyncio

        await asyncio.wait_for(layer.receive(outsider), timeout=0.3)
    await layer.flush()
