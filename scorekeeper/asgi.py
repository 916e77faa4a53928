"""ASGI entry point: HTTP goes to Django, WebSockets to the realtime app's consumers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorekeeper.settings.local")
django_asgi_app = get_asgi_application()  # must run before importing anything that uses models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Fans are anonymous: no session or auth middleware, whose per-message send wrapper
        # would run for every delta to every fan. Routes that need a user wrap themselves.
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
