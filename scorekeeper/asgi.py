"""ASGI entry points: HTTP goes to Django, WebSockets to the realtime app's consumers.

Three applications, one per process role (docs/deploy.md):

- ``application`` serves everything: one process on its own (``make run``, tests);
- ``web_application`` serves HTTP — scorers, the API, pages — and refuses the live feed;
- ``realtime_application`` serves the live feed only (WebSocket and the SSE stream) plus the
  health and metrics endpoints, so thousands of open streams never queue behind page renders,
  and each tier is scaled on its own behind the load balancer, which routes by path.
"""

import json
import os
import re

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorekeeper.settings.local")
django_asgi_app = get_asgi_application()  # must run before importing anything that uses models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from realtime.routing import websocket_urlpatterns  # noqa: E402

# Fans are anonymous: no session or auth middleware, whose per-message send wrapper would run
# for every delta to every fan. Routes that need a user wrap themselves.
websocket_app = AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))

# What the load balancer sends to the realtime tier (deploy/haproxy/haproxy.cfg.template, the
# Ingress) besides WebSockets, and what a realtime process answers over HTTP.
FEED_PATH = re.compile(r"^/matches/\d+/stream$")
OPERATIONS_PATH = re.compile(r"^/(healthz|readyz|metrics|api/health/)")


def _refuse_http(message: str):
    body = json.dumps({"error": message}).encode()

    async def refuse(scope, receive, send):
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return refuse


def _only(paths: re.Pattern, app, refuse, *, matching: bool = True):
    async def route(scope, receive, send):
        if bool(paths.match(scope["path"])) == matching:
            return await app(scope, receive, send)
        return await refuse(scope, receive, send)

    return route


async def _refuse_websocket(scope, receive, send):
    await receive()  # websocket.connect
    # Not 4404 (a match that does not exist, to the page): this process is the wrong one.
    await send({"type": "websocket.close", "code": 4503})


_not_here_realtime = _refuse_http(
    "This is a realtime process: it serves the live feed (WebSocket and SSE) only.")
_not_here_web = _refuse_http(
    "The live feed is served by the realtime processes; this is a web process.")

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_app})

web_application = ProtocolTypeRouter({
    "http": _only(FEED_PATH, django_asgi_app, _not_here_web, matching=False),
    "websocket": _refuse_websocket,
})

_realtime_http_paths = re.compile(f"{FEED_PATH.pattern}|{OPERATIONS_PATH.pattern}")
realtime_application = ProtocolTypeRouter({
    "http": _only(_realtime_http_paths, django_asgi_app, _not_here_realtime),
    "websocket": websocket_app,
})
