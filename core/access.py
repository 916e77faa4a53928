"""Operator-only endpoints (metrics, health details): allowed from OPERATOR_NETWORKS (loopback by
default, where a local Prometheus or an operator's tunnel connects) or with
``Authorization: Bearer $OPERATOR_TOKEN`` (a scraper behind a load balancer). Everyone else gets
a 403 that says how to get in."""

from __future__ import annotations

import functools
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, JsonResponse


def is_operator(request: HttpRequest) -> bool:
    token = settings.OPERATOR_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.OPERATOR_NETWORKS)


def operators_only(view):
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not is_operator(request):
            return JsonResponse({"error": "Operators only: connect from OPERATOR_NETWORKS or "
                                          "send Authorization: Bearer <OPERATOR_TOKEN>."},
                                status=403)
        return view(request, *args, **kwargs)
    return guarded
