"""ASGI entry points: HTTP goes to Django, WebSockets to the realtime app's consumers.

Two applications (docs/deploy.md):

- ``application`` serves everything: one process on its own (``make run``, tests);
- ``realtime_application`` serves the live feed only (WebSocket and the SSE stream) plus the
  health and metrics endpoints — the realtime role — so thousands of open streams never queue
  behind page renders, and each tier is scaled on its own behind the load balancer, which
  routes by path. The web role (scorers, the API, pages) is served over WSGI by Gunicorn:
  ``config.wsgi``.
"""

import json
import os
import re

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_asgi_app = get_asgi_application()  # must run before importing anything that uses models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.roles import FEED_PATH, NOT_HERE_REALTIME, OPERATIONS_PATH  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

# Fans are anonymous: no session or auth middleware, whose per-message send wrapper would run
# for every delta to every fan. Routes that need a user wrap themselves.
websocket_app = AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))


def _refuse_http(message: str):
    body = json.dumps({"error": message}).encode()

    async def refuse(scope, receive, send):
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return refuse


def _only(paths: re.Pattern, app, refuse):
    async def route(scope, receive, send):
        if paths.match(scope["path"]):
            return await app(scope, receive, send)
        return await refuse(scope, receive, send)

    return route


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_app})

_realtime_http_paths = re.compile(f"{FEED_PATH.pattern}|{OPERATIONS_PATH.pattern}")
realtime_application = ProtocolTypeRouter({
    "http": _only(_realtime_http_paths, django_asgi_app, _refuse_http(NOT_HERE_REALTIME)),
    "websocket": websocket_app,
})
