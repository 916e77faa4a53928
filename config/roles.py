"""Which requests each process role serves (docs/deploy.md): shared by the ASGI entry points
(``config.asgi``), the web role's WSGI one (``config.wsgi``), and checked against the
load balancer's routing (deploy/haproxy/, deploy/k8s/)."""

from __future__ import annotations

import re

# What the load balancer sends to the realtime tier besides WebSockets, and what a realtime
# process answers over HTTP.
FEED_PATH = re.compile(r"^/matches/\d+/stream$")
OPERATIONS_PATH = re.compile(r"^/(healthz|readyz|metrics|api/health/)")

NOT_HERE_REALTIME = "This is a realtime process: it serves the live feed (WebSocket and SSE) only."
NOT_HERE_WEB = "The live feed is served by the realtime processes; this is a web process."
