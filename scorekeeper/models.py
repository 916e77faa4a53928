"""Sessions that name their user, so a request reads who is signed in with one query."""

from __future__ import annotations

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's session row plus the signed-in user's id (Django's documented way to extend
    the database session engine): ``scorekeeper.sessions`` reads a session and its user in one
    query instead of two."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from scorekeeper.sessions import SessionStore

        return SessionStore
