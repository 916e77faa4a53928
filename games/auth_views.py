"""Login with a rate limit per address: LOGIN_RATE_LIMIT_PER_MINUTE attempts (default 10)."""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from scorekeeper.ratelimit import TokenBucket


@functools.cache
def _bucket(per_minute: int) -> TokenBucket:
    return TokenBucket(name="login", per_minute=per_minute)


def _attempts() -> TokenBucket:
    return _bucket(settings.LOGIN_RATE_LIMIT_PER_MINUTE)


def _refused_attempt(request) -> HttpResponse | None:
    """A 429 when this address has used its login attempts (one bucket for both logins)."""
    if not getattr(settings, "LOGIN_RATE_LIMIT", True):
        return None
    decision = _attempts().take(request.META.get("REMOTE_ADDR", "unknown"))
    if decision.allowed:
        return None
    response = HttpResponse(
        f"Too many login attempts from this address. Try again in "
        f"{decision.retry_after} seconds.", status=429, content_type="text/plain")
    response["Retry-After"] = str(decision.retry_after)
    return response


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        return _refused_attempt(request) or super().post(request, *args, **kwargs)


def admin_login(request):
    """Django admin's login with the same limit as the scorers' (it had none)."""
    if request.method == "POST":
        refused = _refused_attempt(request)
        if refused is not None:
            return refused
    return admin.site.login(request)
