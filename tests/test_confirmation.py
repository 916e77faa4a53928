"""Issue 29: a signed-up account confirms its e-mail address (the link mailed at sign-up)
before it may set up matches, tournaments or teams."""

import re

import pytest
from django.core import mail

from games.models import Match, Team, Tournament

pytestmark = pytest.mark.django_db

FORM = {"username": "newcomer", "email": "new@club.example", "password1": "Sunday-Cricket-2026",
        "password2": "Sunday-Cricket-2026"}


@pytest.fixture(autouse=True)
def _no_sign_up_limit(settings):
    settings.LOGIN_RATE_LIMIT = False


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm/\S+/)", message.body).group(1)


def test_a_new_account_sets_up_nothing_until_its_address_is_confirmed(client):
    assert client.post("/accounts/sign-up/", FORM).status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@club.example"]
    for path in ("/score/new/", "/score/tournaments/new/", "/score/teams/new/"):
        response = client.get(path)
        assert response.status_code == 403 and "Confirm your email" in response.content.decode()
    response = client.post("/score/teams/new/", {"name": "Held XI", "squad": "A\nB"})
    assert response.status_code == 403 and not Team.objects.exists()
    client.post("/score/tournaments/new/", {"name": "Held Cup", "season": "2026",
                                            "points_win": "2", "points_tie": "1",
                                            "points_no_result": "1"})
    assert not Tournament.objects.exists() and not Match.objects.exists()
    assert client.get("/score/").status_code == 200  # following and scoring stay open

    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200
    assert client.get("/score/new/").status_code == 200
    assert client.get(link).status_code == 400  # once: the token names the unconfirmed state


def test_the_link_is_sent_again_on_request(client):
    client.post("/accounts/sign-up/", FORM)
    response = client.post("/accounts/confirm/again/", follow=True)
    assert "We sent a new link" in response.content.decode() and len(mail.outbox) == 2
    assert client.get(_link(mail.outbox[1])).status_code == 200
    assert client.get("/score/new/").status_code == 200


@pytest.mark.parametrize("mangle", [
    lambda link: link.replace(link.split("/")[3], "MTAwMDAwMDA"),  # another account's id
    lambda link: link[:-3] + "xx/",  # a forged token
    lambda link: link.replace(link.split("/")[3], "%E2%80%AE%00"),  # hostile bytes
    lambda link: link.replace(link.split("/")[3], "9" * 60),  # a number past any column
])
def test_a_forged_link_confirms_nothing(client, mangle):
    client.post("/accounts/sign-up/", FORM)
    response = client.get(mangle(_link(mail.outbox[0])))
    assert response.status_code in (400, 404)
    assert client.get("/score/new/").status_code == 403


def test_an_address_changed_since_the_mail_needs_a_new_link(client, django_user_model):
    client.post("/accounts/sign-up/", FORM)
    link = _link(mail.outbox[0])
    user = django_user_model.objects.get(username="newcomer")
    user.email = "other@club.example"
    user.save()
    assert client.get(link).status_code == 400
    assert client.get("/score/new/").status_code == 403


def test_resending_needs_a_login_and_is_rate_limited(client, settings):
    assert client.post("/accounts/confirm/again/").status_code == 302  # to the login page
    client.post("/accounts/sign-up/", FORM)
    settings.LOGIN_RATE_LIMIT = True
    settings.LOGIN_RATE_LIMIT_PER_MINUTE = 2
    statuses = [client.post("/accounts/confirm/again/",
                            REMOTE_ADDR="203.0.113.77").status_code for _ in range(6)]
    assert 429 in statuses and len(mail.outbox) <= 3
