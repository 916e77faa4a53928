"""The events table is really partitioned, and rotation is contiguous, idempotent and safe."""

import gzip
import itertools
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from events.models import Event
from events.partitions import list_partitions, rotate
from events.services import domain_events_record

pytestmark = pytest.mark.django_db


def test_the_table_is_range_partitioned_by_received_at_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p"
            " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE p.partrelid = 'events_event'::regclass"
        )
        assert cursor.fetchone() == ("r", "received_at")
    assert any(p.start is None for p in list_partitions())


def _assert_contiguous(partitions, since=None):
    months = [p for p in partitions
              if p.start is not None and (since is None or p.start >= since)]
    for earlier, later in itertools.pairwise(months):
        assert earlier.end == later.start, (earlier, later)
    for p in months:
        assert p.start.day == 1 and (p.start.hour, p.start.minute) == (0, 0)


@pytest.mark.parametrize("hour_minute", [(0, 0), (8, 0), (23, 59)])
def test_rotation_at_any_hour_across_month_ends_is_contiguous(tmp_path, hour_minute):
    for day in (datetime(2031, 1, 31), datetime(2031, 2, 1), datetime(2031, 2, 28),
                datetime(2031, 3, 1), datetime(2031, 3, 31), datetime(2031, 4, 1)):
        now = day.replace(hour=hour_minute[0], minute=hour_minute[1], tzinfo=UTC)
        rotate(now=now, retention_days=10_000, archive_dir=tmp_path)
        rotate(now=now, retention_days=10_000, archive_dir=tmp_path)  # twice: no-op
    names = [p.name for p in list_partitions()]
    assert len(names) == len(set(names))
    assert {"events_event_y2031m01", "events_event_y2031m07"} <= set(names)
    assert "events_event_y2031m08" not in names  # April + three months ahead
    _assert_contiguous(list_partitions(), since=datetime(2031, 1, 1, tzinfo=UTC))


def test_old_months_are_archived_then_dropped(tmp_path):
    now = datetime(2031, 6, 15, 12, tzinfo=UTC)
    rotate(now=now - timedelta(days=200), retention_days=10_000, archive_dir=tmp_path)
    rotate(now=now - timedelta(days=100), retention_days=10_000, archive_dir=tmp_path)
    old = datetime(2030, 12, 10, tzinfo=UTC)
    with connection.cursor() as cursor:
        for n in range(3):
            cursor.execute(
                "INSERT INTO events_event (event_type, source, actor, payload, occurred_at,"
                " received_at) VALUES ('page.view', 'client', 'client:t', %s, %s, %s)",
                [json.dumps({"n": n}), old, old],
            )
    done = rotate(now=now, retention_days=90, archive_dir=tmp_path)
    dropped = {item["partition"]: item for item in done["dropped"]}
    assert dropped["events_event_y2030m12"]["rows"] == 3
    with gzip.open(dropped["events_event_y2030m12"]["archive"], "rt") as handle:
        rows = [json.loads(line) for line in handle]
    assert [r["payload"]["n"] for r in rows] == [0, 1, 2]
    assert all(r["event_type"] == "page.view" for r in rows)
    names = {p.name for p in list_partitions()}
    assert "events_event_y2030m12" not in names
    assert "events_event_y2031m02" not in names  # ended March 1, before March 17: dropped
    assert "events_event_y2031m03" in names  # ends April 1, within 90 days of June 15: kept
    assert not Event.objects.filter(received_at=old).exists()


def test_an_event_years_away_lands_in_the_default_partition():
    far = datetime(2099, 1, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_event (event_type, source, actor, payload, occurred_at,"
            " received_at) VALUES ('page.view', 'client', '', '{}', %s, %s)", [far, far])
        cursor.execute("SELECT count(*) FROM events_event_default WHERE received_at = %s", [far])
        assert cursor.fetchone()[0] == 1


def test_creating_a_month_moves_the_rows_the_default_partition_caught(tmp_path):
    when = datetime(2040, 5, 5, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_event (event_type, source, actor, payload, occurred_at,"
            " received_at) VALUES ('page.view', 'client', '', '{}', %s, %s)", [when, when])
    rotate(now=when, retention_days=10_000, archive_dir=tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event_y2040m05")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM events_event_default WHERE received_at = %s", [when])
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_two_rotations_at_once_do_not_fail(tmp_path):
    errors, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            rotate(archive_dir=tmp_path)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    _assert_contiguous(list_partitions())
    domain_events_record(match_id=None, actor="test", events=[("page.view", {})])
    assert Event.objects.filter(actor="test").count() == 1
