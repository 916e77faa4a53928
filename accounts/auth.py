"""Password checks that do not hold a database connection; the user read with the session.

A password hash (PBKDF2, hundreds of thousands of rounds) is the most expensive thing a
request does here. Django's ModelBackend runs it between reading the user and the end of the
request, holding one of the pool's connections throughout: a burst of logins (a league's
scorers arriving at once) then starves the pool and every other request waiting on it.
"""

from __future__ import annotations

import os
import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from accounts.sessions import session_user

# Hashes at once in a process: one a core. More only share the cores, so every login of a
# burst would finish at the end of it; with a queue the first ones are signed in at once.
_HASHING = threading.BoundedSemaphore(os.cpu_count() or 1)


def _release_connection() -> None:
    """Give the pooled connection back; the next query takes one again. Not inside a
    transaction (there is none around a login: the session is saved after)."""
    if not connection.in_atomic_block:
        connection.close()


class PoolFriendlyModelBackend(ModelBackend):
    """ModelBackend, with the connection given back while the password is hashed. The same
    timing for unknown users (a hash is run for them too) and the same checks. A signed-in
    request's user is the one its session was read with (accounts/sessions.py), not read
    again."""

    def get_user(self, user_id):
        user = session_user(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            _release_connection()
            with _HASHING:
                user_model().set_password(password)  # as long as a real check: no probing
            return None
        _release_connection()
        with _HASHING:
            good = user.check_password(password)
        if good and self.user_can_authenticate(user):
            return user
        return None
