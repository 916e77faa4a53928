"""Sessions that name their user, so a request reads who is signed in with one query."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """Django's session row plus the signed-in user's id (Django's documented way to extend
    the database session engine): ``accounts.sessions`` reads a session and its user in one
    query instead of two."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore


class ApiToken(models.Model):
    """A secret a scoring device or an integration sends as ``Authorization: Bearer <token>``
    to the JSON API instead of a signed-in session (accounts/tokens.py). Only its SHA-256 is
    kept: the token is shown once, when it is made; ``prefix`` (its first characters) tells a
    user's tokens apart. Deleting the row revokes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class EmailConfirmation(models.Model):
    """A signed-up account's e-mail address and when its owner confirmed it (by the link mailed
    to it: accounts/confirmation.py). An account with an unconfirmed row sets nothing up
    until it is confirmed; accounts made by staff or commands have no row and are not held."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="email_confirmation")
    email = models.EmailField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "unconfirmed"
        return f"{self.email} ({state})"
