"""Login with a rate limit per address: LOGIN_RATE_LIMIT_PER_MINUTE attempts (default 10)."""

import functools

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from scorekeeper.ratelimit import TokenBucket


@functools.cache
def _bucket(per_minute: int) -> TokenBucket:
    return TokenBucket(name="login", per_minute=per_minute)


def _attempts() -> TokenBucket:
    return _bucket(settings.LOGIN_RATE_LIMIT_PER_MINUTE)


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if getattr(settings, "LOGIN_RATE_LIMIT", True):
            decision = _attempts().take(request.META.get("REMOTE_ADDR", "unknown"))
            if not decision.allowed:
                response = HttpResponse(
                    f"Too many login attempts from this address. Try again in "
                    f"{decision.retry_after} seconds.", status=429, content_type="text/plain")
                response["Retry-After"] = str(decision.retry_after)
                return response
        return super().post(request, *args, **kwargs)
