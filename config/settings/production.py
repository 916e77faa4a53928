"""Production: refuses to start without its servers or a real SECRET_KEY; HTTPS and secure
cookies. It never starts the embedded development servers: a deploy missing DATABASE_URL must
fail loudly, not write to a throwaway database."""

import os

from django.core.exceptions import ImproperlyConfigured

_missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
if _missing:  # checked before base is imported: base starts embedded servers for missing URLs
    raise ImproperlyConfigured(
        f"{' and '.join(_missing)} must be set in production (the embedded development "
        "servers never start here)."
    )

from .base import *  # noqa: E402, F403
from .base import SECRET_KEY, env  # noqa: E402

DEBUG = False
if (
    not SECRET_KEY
    or "insecure" in SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Only the balancers' own addresses may say who the client is; "*" would let any client that
# reaches a process name itself (the operators' loopback, past every per-address limit).
if "*" in os.environ.get("FORWARDED_ALLOW_IPS", ""):
    raise ImproperlyConfigured(
        "FORWARDED_ALLOW_IPS must name the load balancers' addresses or networks "
        "(e.g. 10.0.0.0/8 for the ingress pods), not '*'.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
