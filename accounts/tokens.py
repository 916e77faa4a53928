"""API tokens: how a scoring device or an integration signs its JSON API requests.

A browser signs in once and sends its session cookie (and, for a write, the CSRF token) with
every request; a device or a script sends ``Authorization: Bearer <token>`` instead. Per
request that is one indexed read (the token's hash and its user, together) where a session costs
the same read plus decoding and verifying the signed session and the user's session hash, and
the CSRF check: ~0.3 ms of a ball's ~2 ms of server CPU (docs/capacity.md).

CSRF protects what a browser sends on its own — cookies. It never adds an ``Authorization``
header by itself (a page on another site would need a CORS preflight this site never grants),
so a request carrying a token is not open to it; a request without one is checked exactly as
Django's middleware checks it. Only views wrapped in ``token_or_session`` take tokens.

Only the token's SHA-256 is stored: a token is shown once, when it is made. It is as strong
as the 256 random bits in it, so a fast hash is enough (a password needs a slow one because
people choose them). Revoking deletes the row; a deactivated user's tokens stop working.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken
from accounts.sessions import user_columns
from core.ratelimit import TokenBucket

TOKEN_PREFIX = "sk_"
MAX_TOKENS_PER_USER = 20


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (shown once, never stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:len(TOKEN_PREFIX) + 6],
                                    key_hash=_digest(raw))
    return token, raw


def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False if they have none of that id."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@functools.cache
def _user_by_token_sql() -> str:
    user_model = get_user_model()
    columns, _ = user_columns()
    return (f'SELECT {columns} FROM "{ApiToken._meta.db_table}" t'
            f' JOIN "{user_model._meta.db_table}" u ON u."{user_model._meta.pk.column}" = t.user_id'
            " WHERE t.key_hash = %s AND u.is_active")


def user_for_token(raw: str):
    """The active user whose token ``raw`` is, or None. Read on the primary: a revoked token
    stops working at once."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    with connections["default"].cursor() as cursor:
        cursor.execute(_user_by_token_sql(), [_digest(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    return get_user_model().from_db("default", user_columns()[1], row)


_CSRF = CsrfViewMiddleware(lambda request: None)
logger = logging.getLogger(__name__)
_BURST_LOGGED_FOR = 60.0  # seconds: one log line per address per minute of failed tokens
_burst_logged: dict[str, float] = {}


@functools.cache
def _failures(per_minute: int) -> TokenBucket:
    return TokenBucket(name="token-failures", per_minute=per_minute)


def _refused(request: HttpRequest) -> JsonResponse:
    """A bad token: 401, or 429 with Retry-After once an address has failed
    TOKEN_FAILURES_PER_MINUTE times. Neither is logged per request (a guesser would write the
    log): one line when an address's burst of failures starts."""
    address = request.META.get("REMOTE_ADDR", "unknown")
    decision = _failures(settings.TOKEN_FAILURES_PER_MINUTE).take(address)
    if decision.allowed:
        response = JsonResponse({"error": "The API token is not valid: it may have been "
                                 "revoked or mistyped. Send 'Authorization: Bearer <token>' "
                                 "with a token from your account's API tokens page."},
                                status=401)
    else:
        now = time.monotonic()
        if now - _burst_logged.get(address, -_BURST_LOGGED_FOR) >= _BURST_LOGGED_FOR:
            _burst_logged[address] = now
            logger.warning("Too many bad API tokens from %s: refusing its token requests for "
                           "%s s", address, decision.retry_after)
        response = JsonResponse({"error": f"Too many bad API tokens from your address: wait "
                                 f"{decision.retry_after} s before trying again."}, status=429)
        response["Retry-After"] = str(max(1, decision.retry_after))
    response._has_been_logged = True  # not django.request's line per response
    return response


def token_or_session(view):
    """The view's user from ``Authorization: Bearer <token>`` if the request sends one (a bad
    token is a 401, whatever session the request may also carry), else from the session, with
    Django's CSRF check (the check Django's middleware would run; the view is exempt from the
    middleware's only so that a token request skips it)."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        header = request.META.get("HTTP_AUTHORIZATION")  # not request.headers: it copies them all
        if header is not None:
            scheme, _, raw = header.partition(" ")
            user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return _refused(request)
            request.user = user
        else:
            refused = _CSRF.process_view(request, None, (), {})
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    return wrapped
