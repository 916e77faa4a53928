"""Monthly partitions of ``events_event``: create ahead, archive and drop past retention.

Hand-written rather than django-postgres-extra's partitioning manager, which (3.0.1) keeps the
hour of the run in its monthly boundaries so a later run overlaps (upstream #269) and drops
partitions without archiving their rows. Here boundaries are always midnight UTC on the 1st, every
step is idempotent, and one transaction-scoped advisory lock makes concurrent runs take turns.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from psycopg import sql

from events.models import ClientBatch

logger = logging.getLogger(__name__)

TABLE = "events_event"
DEFAULT_PARTITION = "events_event_default"
_LOCK_KEY = 0x5C0E_E7E7  # pg_advisory_xact_lock key for rotations


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime | None  # None for the DEFAULT partition
    end: datetime | None
    rows: int


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def list_partitions() -> list[Partition]:
    """Every partition with its bounds and exact row count, oldest first, DEFAULT last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        found = cursor.fetchall()
        partitions = []
        for name, bound in found:
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # names come from pg_class
            rows = cursor.fetchone()[0]
            start = end = None
            if bound != "DEFAULT":
                # FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')
                low, high = [part.split("'")[1] for part in bound.split(" TO ")]
                start, end = datetime.fromisoformat(low), datetime.fromisoformat(high)
            partitions.append(Partition(name=name, start=start, end=end, rows=rows))
    return sorted(partitions, key=lambda p: (p.start is None, p.start or datetime.min))


def _create_month(cursor, month: date) -> bool:
    """Create the month's partition if missing, moving any rows the DEFAULT caught for it."""
    name, start, end = partition_name(month), _utc(month), _utc(add_months(month, 1))
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    # PostgreSQL refuses to attach a range the DEFAULT partition already holds rows for, so
    # build the table, move those rows into it, then attach it.
    cursor.execute(f'CREATE TABLE "{name}" (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cursor.execute(
        f'WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE received_at >= %s'
        f' AND received_at < %s RETURNING *) INSERT INTO "{name}" SELECT * FROM moved',
        [start, end],
    )
    # DDL takes no bound parameters (the server binds them): the bounds go in as literals.
    cursor.execute(sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})")
                   .format(sql.Identifier(TABLE), sql.Identifier(name), sql.Literal(start),
                           sql.Literal(end)))
    return True


def _archive(cursor, partition: Partition, archive_dir: Path) -> Path:
    """Write every row of a partition to compressed JSON lines, durably, before it is dropped."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    path = archive_dir / f"{partition.name}.jsonl.gz"
    partial = path.with_suffix(".partial")
    cursor.execute(
        f'SELECT id, event_type, source, actor, match_id, payload, occurred_at, received_at,'
        f' processed_at FROM "{partition.name}" ORDER BY received_at, id'
    )
    columns = [col.name for col in cursor.description]
    written = 0
    with gzip.open(partial, "wt", encoding="utf-8") as handle:
        for row in cursor:
            record = dict(zip(columns, row, strict=True))
            if isinstance(record["payload"], str):
                record["payload"] = json.loads(record["payload"])
            handle.write(json.dumps(record, default=str) + "\n")
            written += 1
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    partial.replace(path)
    if written != partition.rows:
        raise RuntimeError(
            f"archived {written} rows of {partition.name}, expected {partition.rows}"
        )
    return path


BATCH_IDS_KEPT = timedelta(days=7)


def rotate(*, now: datetime | None = None, months_ahead: int = 3,
           retention_days: int | None = None, archive_dir: Path | None = None) -> dict:
    """Create this month and ``months_ahead`` more; archive then drop months past retention.

    Idempotent and safe at any hour; concurrent runs serialize on an advisory lock.
    """
    now = now or datetime.now(UTC)
    retention_days = settings.EVENTS_RETENTION_DAYS if retention_days is None else retention_days
    archive_dir = Path(archive_dir or settings.EVENTS_ARCHIVE_DIR)
    cutoff = now - timedelta(days=retention_days)
    this_month = month_start(now.astimezone(UTC).date())
    created, dropped = [], []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for offset in range(months_ahead + 1):
            month = add_months(this_month, offset)
            if _create_month(cursor, month):
                created.append(partition_name(month))
        for partition in list_partitions():
            if partition.end is None or partition.end > cutoff:
                continue  # DEFAULT, or not entirely older than the retention period
            path = _archive(cursor, partition, archive_dir)
            cursor.execute(f'DROP TABLE "{partition.name}"')
            dropped.append({"partition": partition.name, "rows": partition.rows,
                            "archive": str(path)})
        # Batch ids only guard retries, which come within minutes: a week is plenty.
        ClientBatch.objects.filter(received_at__lt=now - BATCH_IDS_KEPT).delete()
    for name in created:
        logger.info("events: created partition %s", name)
    for item in dropped:
        logger.info("events: archived %(rows)s rows of %(partition)s to %(archive)s and dropped it",
                    item)
    return {"created": created, "dropped": dropped}
