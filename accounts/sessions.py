"""The session engine: Django's database sessions, read together with their user.

Every signed-in request reads its session, then its user: two queries (each compiled by the
ORM) before a view runs — on the scoring path, a third of what a ball costs besides the ball.
Here the session row carries its user's id (``UserSession.user_id``, kept by
``create_model_instance`` whenever the session is saved), so one query reads both; the user
read with the session is handed to the authentication backend, which uses it instead of reading
it again. Django still does every check as before: the session's expiry, the backend named in
the session, ``is_active``, and the session hash against the user's password (a password change
still signs every other session out).
"""

from __future__ import annotations

import contextvars
import functools

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections
from django.utils import timezone

from accounts.models import UserSession

# The user read with this request's session, for the backend's ``get_user``: taken at most once,
# and only for the id the session names.
_session_user: contextvars.ContextVar = contextvars.ContextVar("session_user", default=None)


def session_user(user_id):
    """The user this request's session was read with, if it is ``user_id`` (then forgotten)."""
    user = _session_user.get()
    _session_user.set(None)
    return user if user is not None and user.pk == user_id else None


@functools.cache
def user_columns() -> tuple[str, list[str]]:
    """The user's columns as a query selects them from its table aliased ``u``, and their
    attribute names in order (for ``User.from_db``): a user read with something else in one
    query (here, a session; in accounts/tokens.py, an API token)."""
    fields = get_user_model()._meta.concrete_fields
    return (", ".join(f'u."{field.column}"' for field in fields),
            [field.attname for field in fields])


@functools.cache
def _session_with_user() -> tuple[str, list[str]]:
    """The query reading a session and its user (built once), and the user's fields it reads,
    in order."""
    user_model = get_user_model()
    columns, attnames = user_columns()
    sql = (f"SELECT s.session_data, s.expire_date, {columns}"
           f' FROM "{UserSession._meta.db_table}" s'
           f' LEFT JOIN "{user_model._meta.db_table}" u'
           f' ON u."{user_model._meta.pk.column}" = s."user_id"'
           ' WHERE s."session_key" = %s AND s."expire_date" > %s')
    return sql, attnames


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session

    def _get_session_from_db(self):
        """The session and its user in one query; always on the primary (who is signed in is
        never read from a copy that may lag: a logout takes effect at once)."""
        _session_user.set(None)
        if not self._validate_session_key(self.session_key):
            self._session_key = None
            return None
        sql, user_fields = _session_with_user()
        with connections["default"].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session = UserSession(session_key=self.session_key, session_data=row[0],
                              expire_date=row[1])
        if row[2] is not None:
            _session_user.set(get_user_model().from_db("default", user_fields, row[2:]))
        return session
