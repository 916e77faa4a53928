"""Sessions read with their user in one query, and every check Django makes still made."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoDatabaseSessions
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import UserSession
from tests.games.factories import make_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def scorer(client):
    user = get_user_model().objects.create_user("scorer", password="pw-123456")
    client.force_login(user)
    return user


def _post_not_json(client, match_id):
    return client.post(f"/api/matches/{match_id}/actions", data="runs=1",
                       content_type="text/plain")


def test_a_signed_in_request_reads_its_session_and_user_in_one_query(client, scorer):
    match = make_match(scorer=scorer)
    with CaptureQueriesContext(connection) as queries:
        response = _post_not_json(client, match.pk)
    assert response.status_code == 415  # signed in, allowed to score, then the body refused
    reads = [q["sql"] for q in queries.captured_queries
             if "auth_user" in q["sql"] or "session" in q["sql"]]
    assert len(reads) == 1 and "JOIN" in reads[0], reads
    row = UserSession.objects.get()
    assert row.user_id == scorer.pk


def test_a_password_change_elsewhere_still_signs_the_session_out(client, scorer):
    match = make_match(scorer=scorer)
    scorer.set_password("another-pw-789")
    scorer.save()
    assert _post_not_json(client, match.pk).status_code == 401


def test_a_deactivated_user_is_signed_out(client, scorer):
    match = make_match(scorer=scorer)
    get_user_model().objects.filter(pk=scorer.pk).update(is_active=False)
    assert _post_not_json(client, match.pk).status_code == 401


def test_an_expired_or_deleted_session_is_nobody(client, scorer):
    from datetime import timedelta

    from django.utils import timezone

    match = make_match(scorer=scorer)
    UserSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _post_not_json(client, match.pk).status_code == 401
    client.force_login(scorer)
    assert _post_not_json(client, match.pk).status_code == 415
    signed_in = client.session.session_key
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(session_key=signed_in).exists()
    assert _post_not_json(client, match.pk).status_code == 401


def test_the_user_read_with_one_session_never_serves_another(client, scorer):
    """The user handed to the backend is taken once, and only for the id the session names."""
    from accounts.sessions import session_user

    other = get_user_model().objects.create_user("other", password="pw-123456")
    store = UserSession.get_session_store_class()(client.session.session_key)
    assert store.load()[SESSION_KEY] == str(scorer.pk)
    assert session_user(other.pk) is None  # not the session's user: nothing, and forgotten
    assert session_user(scorer.pk) is None
    store = UserSession.get_session_store_class()(client.session.session_key)
    store.load()
    assert session_user(scorer.pk) == scorer
    assert session_user(scorer.pk) is None  # at most once


def test_sessions_from_before_carry_over_with_their_user(scorer):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0001_user_sessions")

    old = DjangoDatabaseSessions()
    old[SESSION_KEY] = str(scorer.pk)
    old.create()
    anonymous = DjangoDatabaseSessions()
    anonymous["cart"] = 1
    anonymous.create()
    UserSession.objects.all().delete()
    migration.carry_sessions_over(apps, None)
    carried = {s.session_key: s.user_id for s in UserSession.objects.all()}
    assert carried == {old.session_key: scorer.pk, anonymous.session_key: None}
