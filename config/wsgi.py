"""The web role's entry point: HTTP for scorers, the API and pages, over WSGI under Gunicorn.

Why not Uvicorn, like the realtime role: every view and middleware here is synchronous, and
Django under ASGI runs each request in a thread of its own (started and joined per request)
reached through the event loop — an empty request cost 3.3 ms of CPU under Uvicorn against
1.1 ms under Gunicorn's threaded workers on the same machine (docs/capacity.md). Gunicorn's
threads are kept; each request runs on one of them from start to end.

The web role refuses the live feed (the load balancer sends it to the realtime role), and takes
the client's address from ``X-Forwarded-For`` when the peer is a trusted proxy — what Uvicorn
does for the realtime role, with the same setting (``FORWARDED_ALLOW_IPS``, default the local
host): rate limits and the operators' view are per client, not per balancer.
"""

from __future__ import annotations

import json
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_wsgi_app = get_wsgi_application()

from uvicorn.middleware.proxy_headers import _TrustedHosts  # noqa: E402

from config.roles import FEED_PATH, NOT_HERE_WEB  # noqa: E402

_REFUSAL = json.dumps({"error": NOT_HERE_WEB}).encode()


# Uvicorn's own reading of FORWARDED_ALLOW_IPS (addresses and networks), so both roles agree on
# who the client is: the right-most address the trusted proxies did not add. Unset, no proxy
# is trusted (make run has none): a client's own X-Forwarded-For changes nothing.
_PROXIES = _TrustedHosts(os.environ.get("FORWARDED_ALLOW_IPS", ""))


def web_application(environ, start_response):
    if FEED_PATH.match(environ.get("PATH_INFO", "")):
        start_response("404 Not Found", [("Content-Type", "application/json"),
                                         ("Content-Length", str(len(_REFUSAL)))])
        return [_REFUSAL]
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded_for and environ.get("REMOTE_ADDR") in _PROXIES:
        environ["REMOTE_ADDR"] = _PROXIES.get_trusted_client_address(forwarded_for)[0]
    return django_wsgi_app(environ, start_response)
