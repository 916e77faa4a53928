"""The relay: a ball committed while Redis could not take its delta reaches fans once Redis
answers, with no further ball (here the commit's own publish is made to fail)."""

from datetime import timedelta
from unittest import mock

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from games.models import Match
from games.services import match_record_action
from realtime import publish
from realtime.relay import matches_behind, relay_once
from tests.games.factories import make_match, start_action
from tests.realtime.test_consumers import _connect

pytestmark = [pytest.mark.django_db(transaction=True)]


@sync_to_async
def _record_while_redis_refuses(match, action):
    with mock.patch.object(publish, "buffer_append",
                           side_effect=RedisConnectionError("Redis is down")):
        match_record_action(match=match, action=action)  # committed; its publish fails
    # The relay leaves a commit a second to publish by itself.
    Match.objects.filter(pk=match.pk).update(updated_at=timezone.now() - timedelta(seconds=2))


@sync_to_async
def _relay():
    return matches_behind(), relay_once(), matches_behind()


async def test_a_commit_that_could_not_publish_reaches_fans_through_the_relay():
    match = await sync_to_async(make_match)()
    await sync_to_async(match_record_action)(match=match, action=start_action(match))
    fan = await _connect(match.pk)
    assert (await fan.receive_json_from(timeout=5))["v"] == 1

    await _record_while_redis_refuses(match, {"kind": "delivery", "runs": 4, "boundary": True})
    await _record_while_redis_refuses(match, {"kind": "delivery", "runs": 1})
    assert await fan.receive_nothing(timeout=0.3)  # nothing reached the fan

    before, relayed, after = await _relay()
    assert (match.pk, 3) in before and relayed >= 1
    assert all(match_id != match.pk for match_id, _ in after)  # caught up: not relayed again
    message = await fan.receive_json_from(timeout=5)
    assert (message["type"], message["v"]) == ("snapshot", 3)
    assert message["state"]["innings"]["1"]["runs"] == 5

    # A fan resuming from before the outage is served from the buffer the relay refilled.
    late = await _connect(match.pk, since=1)
    assert (await late.receive_json_from(timeout=5))["v"] == 3
    await fan.disconnect()
    await late.disconnect()
