"""Fixtures shared by the scorer-console tests."""

import pytest

from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action


class Pad:
    """Posts pad forms the way the page does: the current seq and a fresh key each time."""

    def __init__(self, client, match):
        self.client, self.match, self.n = client, match, 0

    def post(self, expect=302, **fields):
        self.match.refresh_from_db()
        self.n += 1
        response = self.client.post(f"/score/{self.match.pk}/", {
            "expected_seq": self.match.seq, "idempotency_key": f"key-{self.n}", **fields})
        assert response.status_code == expect, response.content.decode()[:800]
        self.match.refresh_from_db()
        return response

    @property
    def inn(self):
        return self.match.state["innings"][-1]


@pytest.fixture
def pad(client):
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    client.force_login(make_user(staff=True))
    return Pad(client, match)
