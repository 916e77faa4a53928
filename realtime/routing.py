"""WebSocket URL routes (consumers arrive with the live scoreboard)."""

websocket_urlpatterns: list = []
