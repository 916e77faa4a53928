"""Aggregation: exactly once with retries, two workers and a killed worker; corrections replace a
match's contribution; rebuild equals incremental; completion starts a real Celery task."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from config.celery import app
from events.models import Event
from games.models import LogEntry, Tournament
from games.services import match_record_action
from leaderboards.models import BattingRecord, MatchTeam, Standing
from leaderboards.scopes import GLOBAL, tournament_scope
from leaderboards.services import (
    leaderboards_process_events,
    leaderboards_process_global,
    leaderboards_rebuild,
)
from tests.conftest import ROOT
from tests.leaderboards.boards import board_rows
from tests.leaderboards.play import completed_match
from tests.servers import child_env


def _aggregate():
    leaderboards_process_events()
    leaderboards_process_global()


@pytest.mark.django_db
def test_a_correction_to_a_completed_match_replaces_its_contribution():
    cup = Tournament.objects.create(name="Village Cup", season="2026")
    match = completed_match([1, 4, 0, 2, 6, 1, 3], tournament=cup)  # A 30, B 26 in 2 overs
    _aggregate()
    scope = tournament_scope(cup.pk)
    opener = int(match.a_ids[0])
    before = BattingRecord.objects.get(scope=scope, player_id=opener)
    first_ball = LogEntry.objects.filter(match=match, kind="delivery").order_by("seq").first()
    assert first_ball.payload["runs"] == 1
    # The opener's first ball was three, not a single (the batters still cross).
    match_record_action(match=match, action={"kind": "correct", "target_seq": first_ball.seq,
                                             "action": {"kind": "delivery", "runs": 3}})
    match.refresh_from_db()
    assert match.status == "completed"
    assert leaderboards_process_events() == 1  # the correction event, one aggregation
    after = BattingRecord.objects.get(scope=scope, player_id=opener)
    assert after.runs == before.runs + 2 and after.balls == before.balls
    team = Standing.objects.get(scope=scope, team_id=match.team_a_id)
    assert team.runs_for == match.state["innings"][0]["runs"]
    leaderboards_process_global()
    assert BattingRecord.objects.get(scope=GLOBAL, player_id=opener).runs == after.runs
    incremental = board_rows()
    leaderboards_rebuild()
    assert board_rows() == incremental


@pytest.mark.django_db
def test_undoing_the_last_ball_of_a_completed_match_takes_it_off_the_boards():
    cup = Tournament.objects.create(name="Undo Cup", season="2026")
    match = completed_match([1, 2], tournament=cup)
    _aggregate()
    assert Standing.objects.filter(scope=tournament_scope(cup.pk)).count() == 2
    match_record_action(match=match, action={"kind": "undo"})
    _aggregate()
    assert not MatchTeam.objects.filter(match=match).exists()
    assert not Standing.objects.filter(scope=tournament_scope(cup.pk)).exists()
    assert not Standing.objects.filter(scope=GLOBAL).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_count_every_match_once():
    cup = Tournament.objects.create(name="Busy Cup", season="2026")
    matches = [completed_match([i % 5, 1, 4, 0, 6, 2], tournament=cup, wicket_every=5)
               for i in range(6)]
    errors = []

    def worker():
        try:
            while leaderboards_process_events(batch=1):
                pass
            leaderboards_process_global(batch=7)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not Event.objects.filter(event_type="match_completed", processed_at=None).exists()
    standings = Standing.objects.filter(scope=tournament_scope(cup.pk))
    assert sum(s.played for s in standings) == 2 * len(matches)
    concurrent = board_rows()
    leaderboards_rebuild()
    assert board_rows() == concurrent


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_nothing_half_counted():
    cup = Tournament.objects.create(name="Crash Cup", season="2026")
    for i in range(3):
        completed_match([*[1, 2, 3, 4, 6, 0][i:], 1], tournament=cup)
    env = child_env()
    # A worker that stops for good after writing contributions and tournament boards, before
    # marking its events processed (its transaction still open): then it is SIGKILLed.
    code = (
        "import django, time; django.setup()\n"
        "import leaderboards.services as s\n"
        "def stall(touched):\n"
        "    print('stalled', flush=True); time.sleep(600)\n"
        "s._mark_dirty = stall\n"
        "s.leaderboards_process_events()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "stalled"
        # Meanwhile another worker skips the claimed (locked) events rather than waiting.
        assert leaderboards_process_events() == 0
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 20  # PostgreSQL notices the dead backend and rolls back
    while Event.objects.filter(event_type="match_completed", processed_at=None).count() != 3:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert not Standing.objects.exists() and not MatchTeam.objects.exists()
    assert leaderboards_process_events() == 3  # the retry counts each match once
    _aggregate()
    assert sum(s.played for s in Standing.objects.filter(scope=tournament_scope(cup.pk))) == 6
    retried = board_rows()
    leaderboards_rebuild()
    assert board_rows() == retried


@pytest.mark.django_db(transaction=True)
def test_completing_a_match_starts_a_real_aggregation_task():
    cup = Tournament.objects.create(name="Live Cup", season="2026")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        match = completed_match([4, 1, 0, 2], tournament=cup)
        deadline = time.monotonic() + 30
        scope = tournament_scope(cup.pk)
        while Standing.objects.filter(scope=scope).count() < 2:
            assert time.monotonic() < deadline, "no aggregation ran after the match completed"
            time.sleep(0.2)
    winner = Standing.objects.get(scope=scope, won=1)
    assert winner.team_id in (match.team_a_id, match.team_b_id) and winner.points == 2


@pytest.mark.django_db
def test_a_match_that_cannot_be_counted_is_set_aside_and_every_other_one_counts(
        django_capture_on_commit_callbacks):
    """A poisoned state (a negative D/L par, as an older release accepted) no longer freezes
    every board: the match is set aside with its error, counted by a metric and listed by the
    rebuild, and the other matches are counted."""
    from core.metrics import matches_set_aside
    from games.models import Match
    from leaderboards.models import SetAsideMatch

    cup = Tournament.objects.create(name="Poison Cup", season="2026")
    good = completed_match([1, 4, 0, 2, 6, 1, 3], tournament=cup)
    bad = completed_match([2, 2, 0, 1, 4, 1, 0], tournament=cup)
    state = bad.state
    state["result"] = {"kind": "won", "winner": str(bad.team_a_id), "margin": 3, "unit": "runs",
                       "method": "D/L", "par": {"runs": -5, "overs": 2, "balls": 12}}
    Match.objects.filter(pk=bad.pk).update(state=state)
    counted_before = matches_set_aside._value.get()

    with django_capture_on_commit_callbacks(execute=True):
        _aggregate()
    assert matches_set_aside._value.get() == counted_before + 1
    scope = tournament_scope(cup.pk)
    assert MatchTeam.objects.filter(match_id=good.pk).count() == 2
    assert not MatchTeam.objects.filter(match_id=bad.pk).exists()
    aside = SetAsideMatch.objects.get(match_id=bad.pk)
    assert "runs_for" in aside.error or "-5" in aside.error
    assert Standing.objects.filter(scope=scope).count() == 2  # the good match's sides
    assert not Event.objects.filter(event_type="match_completed", processed_at=None).exists()
    done = leaderboards_rebuild()
    assert done["set_aside"] == [(bad.pk, aside.error)] and done["matches"] >= 1

    state["result"]["par"]["runs"] = 25  # fixed: the next rebuild counts it and clears the note
    Match.objects.filter(pk=bad.pk).update(state=state)
    leaderboards_rebuild()
    assert not SetAsideMatch.objects.exists()
    assert MatchTeam.objects.filter(match_id=bad.pk).count() == 2
