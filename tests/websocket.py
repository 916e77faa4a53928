"""A WebSocket client for the real ASGI application inside the test process: asgiref's
ApplicationCommunicator with the WebSocket shortcuts the tests use. (Channels' own,
``channels.testing``, imports daphne for its live-server case; daphne is not a dependency.)"""

from __future__ import annotations

import json
from unittest import mock
from urllib.parse import unquote, urlparse

from asgiref.testing import ApplicationCommunicator


def _no_op():
    pass


class WebsocketCommunicator(ApplicationCommunicator):
    def __init__(self, application, path: str, headers=None, subprotocols=None):
        parsed = urlparse(path)
        super().__init__(application, {
            "type": "websocket", "path": unquote(parsed.path),
            "query_string": parsed.query.encode(), "headers": headers or [],
            "subprotocols": subprotocols or []})

    # The test's database connection is the consumers' too: Channels must not close it between
    # messages (what channels.testing does).
    async def send_input(self, message):
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().send_input(message)

    async def receive_output(self, timeout=1):
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().receive_output(timeout)

    async def connect(self, timeout=1):
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_to(self, text_data=None, bytes_data=None):
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data):
        await self.send_to(text_data=json.dumps(data))

    async def receive_from(self, timeout=1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return response["text"] if "text" in response else response["bytes"]

    async def receive_json_from(self, timeout=1):
        return json.loads(await self.receive_from(timeout))

    async def disconnect(self, code=1000, timeout=1):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
