"""Issue 33: the match at any ball. ``/matches/<id>/?at=<seq>`` shows the centre as it stood after
that entry of the log, folded from the log (the engine is pure): equal, at every entry, to the
state the match had then."""

import pytest

from cricket.engine import new_state
from cricket.engine.scorecard import scorecard
from games.models import Match
from games.selectors import match_as_of
from games.services import match_record_action
from tests.games.factories import make_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def played():
    """A short match played through the service, with its state after every entry."""
    from tests.leaderboards.play import play_match

    match = make_match(overs=1, players=3)
    states = {0: Match.objects.get(pk=match.pk).state}
    original = match_record_action

    def recording(**kwargs):
        recorded = original(**kwargs)
        states[recorded.match.seq] = recorded.match.state
        if recorded.match.seq == 3:  # the scorer takes the third entry back and enters it again
            undone = original(match=kwargs["match"], action={"kind": "undo"})
            states[undone.match.seq] = undone.match.state
            recorded = original(**{**kwargs, "expected_seq": None, "idempotency_key": None})
            states[recorded.match.seq] = recorded.match.state
        return recorded

    import tests.leaderboards.play as play
    play.match_record_action = recording
    try:
        play_match(match, [1, 4, 0, 6, 2], wicket_every=4)
    finally:
        play.match_record_action = original
    match = Match.objects.get(pk=match.pk)
    assert match.log.filter(payload__kind="undo").exists()
    return match, states


def test_the_match_at_every_entry_is_the_state_it_had_then(played):
    match, states = played
    assert match.status == "completed" and len(states) == match.seq + 1
    for seq, state in states.items():
        past = match_as_of(match=match, seq=seq)
        assert past.state == (state or new_state()) and past.seq == seq


def test_the_page_at_an_entry_shows_that_moment_without_the_live_feed(client, played):
    match, states = played
    for seq in (0, 1, match.seq // 2, match.seq):
        response = client.get(f"/matches/{match.pk}/?at={seq}")
        assert response.status_code == 200
        page = response.content.decode()
        assert f"As it stood after entry {seq} of {match.seq}" in page
        assert "scoreboard.js" not in page and "data-feed" not in page
        innings = scorecard(match.engine_config(), states[seq])["innings"]
        if innings:
            assert f"{innings[-1]['runs']}/{innings[-1]['wickets']}" in page
    live = client.get(f"/matches/{match.pk}/").content.decode()
    assert "scoreboard.js" in live and f"?at={match.seq}" in live


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "9" * 5000, "\u0663", "99999999999", " 1"])
def test_an_entry_that_is_not_one_is_a_clear_400(client, played, value):
    match, _ = played
    response = client.get(f"/matches/{match.pk}/", {"at": value})
    assert response.status_code == 400
    assert f"from 0 to {match.seq}" in response.content.decode()


def test_an_entry_after_the_last_is_a_400(client, played):
    match, _ = played
    assert client.get(f"/matches/{match.pk}/?at={match.seq + 1}").status_code == 400
