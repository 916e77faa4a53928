"""WebSocket URL routes."""

from django.urls import path

from realtime.consumers import MatchConsumer

websocket_urlpatterns = [
    path("ws/matches/<int:match_id>/", MatchConsumer.as_asgi()),
]
