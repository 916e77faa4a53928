"""Logins hash passwords without holding a pooled database connection (accounts/auth.py)."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import connection

from tests.games.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is


def test_the_right_password_signs_in_and_no_other_does():
    user = make_user("pooled")
    assert authenticate(username="pooled", password="pw-pooled") == user
    assert authenticate(username="pooled", password="wrong") is None
    assert authenticate(username="nobody", password="pw-pooled") is None
    user.is_active = False
    user.save()
    assert authenticate(username="pooled", password="pw-pooled") is None


def test_the_connection_is_given_back_while_the_password_is_hashed(monkeypatch):
    make_user("hasher")
    seen = []
    original = get_user_model().check_password

    def watched(self, raw):
        seen.append(connection.connection is None)  # no connection held by this request now
        return original(self, raw)

    monkeypatch.setattr(get_user_model(), "check_password", watched)
    assert authenticate(username="hasher", password="pw-hasher") is not None
    assert seen == [True]
