"""Login with a rate limit per address: at most 10 attempts a minute."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from scorekeeper.ratelimit import TokenBucket

_attempts = TokenBucket(name="login", per_minute=10)


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if getattr(settings, "LOGIN_RATE_LIMIT", True):
            decision = _attempts.take(request.META.get("REMOTE_ADDR", "unknown"))
            if not decision.allowed:
                response = HttpResponse(
                    f"Too many login attempts from this address. Try again in "
                    f"{decision.retry_after} seconds.", status=429, content_type="text/plain")
                response["Retry-After"] = str(decision.retry_after)
                return response
        return super().post(request, *args, **kwargs)
