"""Simultaneous scorers on one match: every ball recorded exactly once or refused with 409."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from games.models import LogEntry, Match
from games.services import StaleState, match_record_action
from tests.games.factories import make_match, start_action

THREADS = 8
ATTEMPTS = 15


def _next_action(match, state) -> dict:
    """What a scorer looking at ``state`` would enter: a single, or the next over's bowler."""
    inn = state["innings"][-1]
    if state["needs"] == "next_bowler":
        bowler = next(b for b in match.b_ids if b not in inn["last_over_bowlers"])
        return {"kind": "next_bowler", "player": bowler}
    return {"kind": "delivery", "runs": 1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_are_recorded_once_or_refused():
    match = make_match(overs=None, bowler_max_overs=None)
    match_record_action(match=match, action=start_action(match))
    barrier = threading.Barrier(THREADS)
    results = {"ok": [], "stale": 0, "replayed": 0, "errors": []}
    lock = threading.Lock()

    def scorer():
        close_old_connections()
        try:
            barrier.wait()
            for _ in range(ATTEMPTS):
                mine = Match.objects.get(pk=match.pk)  # each scorer has its own view
                seen, key = mine.seq, uuid.uuid4().hex
                action = _next_action(match, mine.state)
                try:
                    recorded = match_record_action(match=mine, action=action,
                                                   expected_seq=seen, idempotency_key=key)
                except StaleState:
                    with lock:
                        results["stale"] += 1
                    continue
                # The response was "lost": the client retries with the same key.
                retry = match_record_action(match=mine, action=action,
                                            expected_seq=seen, idempotency_key=key)
                with lock:
                    results["ok"].append(recorded.entry.seq)
                    results["replayed"] += 0 if retry.created else 1
        except Exception as error:  # surfaced below; a thread must not die silently
            results["errors"].append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=scorer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert results["errors"] == []
    ok = results["ok"]
    assert len(ok) + results["stale"] == THREADS * ATTEMPTS
    assert results["replayed"] == len(ok)  # every retry returned the first result
    assert len(set(ok)) == len(ok)  # no sequence number handed out twice
    match.refresh_from_db()
    deliveries = LogEntry.objects.filter(match=match, kind="delivery").count()
    assert match.seq == 1 + len(ok)  # none lost, none doubled
    assert match.state["innings"][0]["runs"] == deliveries > THREADS
    assert sorted(LogEntry.objects.filter(match=match).values_list("seq", flat=True)) == list(
        range(1, match.seq + 1))


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_its_own_first_request_gets_the_same_entry_not_a_409():
    """The first request holds the match lock (slow inside its transaction); the retry with
    the same key waits for it and must answer with the entry the first one recorded."""
    from games.signals import action_recorded

    match = make_match()
    match_record_action(match=match, action=start_action(match))
    match.refresh_from_db()
    first_inside = threading.Event()

    def slow(sender, **kwargs):
        first_inside.set()
        threading.Event().wait(0.5)  # still holding the row lock

    results = {}

    def attempt(name):
        close_old_connections()
        try:
            mine = Match.objects.get(pk=match.pk)
            results[name] = match_record_action(match=mine, action={"kind": "delivery",
                                                                    "runs": 4},
                                                expected_seq=1, idempotency_key="same-ball")
        except Exception as error:
            results[name] = error
        finally:
            connection.close()

    action_recorded.connect(slow, dispatch_uid="test.slow")
    try:
        first = threading.Thread(target=attempt, args=("first",))
        first.start()
        assert first_inside.wait(5)
        action_recorded.disconnect(dispatch_uid="test.slow")
        retry = threading.Thread(target=attempt, args=("retry",))
        retry.start()
        first.join()
        retry.join()
    finally:
        action_recorded.disconnect(dispatch_uid="test.slow")
    assert results["first"].created is True
    assert results["retry"].created is False, results["retry"]
    assert results["retry"].entry.pk == results["first"].entry.pk
    assert LogEntry.objects.filter(match=match, kind="delivery").count() == 1
