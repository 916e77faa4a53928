"""A minimal broadcast ASGI app: every socket joins one group and receives every group message.

It isolates the cost the live scoreboard pays per fan (layer receive, dispatch, socket write), so
servers and layers can be compared before the real consumers exist.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "bench-fanout"


class BroadcastConsumer(AsyncWebsocketConsumer):
    skip_thread_hop = os.environ.get("BENCH_NOHOP") == "1"

    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def dispatch(self, message):
        # The stock dispatch hops to a thread (aclose_old_connections) before every handler;
        # a broadcast handler touches no database, so the hop is pure overhead.
        if self.skip_thread_hop and message["type"] == "bench.message":
            await self.bench_message(message)
        else:
            await super().dispatch(message)

    async def bench_message(self, event):
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/bench/", BroadcastConsumer.as_asgi())])}
)
