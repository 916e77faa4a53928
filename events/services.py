"""Writes to the events table: domain events (inside the caller's transaction) and client batches.

Client batches are validated whole (every item, every error reported), then written with one
COPY and committed before the caller answers 202: an accepted event is already in PostgreSQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.jsonbody import has_nul
from events.models import ClientBatch, Event

MAX_BATCH = 100
MAX_PAYLOAD_BYTES = 8 * 1024
EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_.]{1,63}$")
# The one list of domain event types: written only by this app's receivers (source "domain"),
# never accepted from a client, and the only ones other apps may claim (domain_events_claim).
DOMAIN_TYPES = frozenset({
    "match_started", "delivery_recorded", "delivery_undone", "delivery_corrected",
    "innings_completed", "match_completed", "players_merged", "teams_linked",
})
# "Not absurd": a client clock may be a little fast, or an app may flush a day-old queue.
MAX_FUTURE = timedelta(hours=24)
MAX_PAST = timedelta(days=30)
_COPY_COLUMNS = "(event_type, source, actor, match_id, payload, occurred_at)"


class BatchRejected(Exception):
    """The batch is refused whole; ``errors`` lists each bad item with its reasons."""

    def __init__(self, message: str, errors: list[dict] | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.errors, self.status = message, errors or [], status


@dataclass(frozen=True)
class ClientEvent:
    event_type: str
    payload: dict
    occurred_at: datetime
    match_id: int | None


def _validate_item(item, now: datetime) -> tuple[ClientEvent | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["must be a JSON object"]
    problems = []
    event_type = item.get("event_type")
    if not isinstance(event_type, str) or not EVENT_TYPE.match(event_type):
        problems.append("event_type must match ^[a-z][a-z0-9_.]{1,63}$ (e.g. 'page.view')")
    elif event_type in DOMAIN_TYPES:
        problems.append(f"event_type '{event_type}' is a domain event; clients cannot post it")
    payload = item.get("payload", {})
    if not isinstance(payload, dict):
        problems.append("payload must be a JSON object")
    elif len(json.dumps(payload, separators=(",", ":")).encode()) > MAX_PAYLOAD_BYTES:
        problems.append(f"payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    elif has_nul(payload):
        problems.append("payload holds a NUL character (\\u0000), which cannot be stored; "
                        "remove it")
    occurred = item.get("occurred_at")
    try:
        occurred_at = parse_datetime(occurred) if isinstance(occurred, str) else None
    except ValueError:  # well formed but impossible: 30 February
        occurred_at = None
    if occurred_at is None:
        problems.append("occurred_at must be an ISO 8601 date-time, e.g. 2026-11-22T14:05:00Z")
    else:
        if timezone.is_naive(occurred_at):
            occurred_at = occurred_at.replace(tzinfo=UTC)
        if occurred_at > now + MAX_FUTURE or occurred_at < now - MAX_PAST:
            problems.append("occurred_at must be within the last 30 days and not in the future")
    match = item.get("match")
    if match is not None and (not isinstance(match, int) or isinstance(match, bool)
                              or not 1 <= match < 2**63):
        problems.append("match must be a match id (a positive whole number) or absent")
    unknown = set(item) - {"event_type", "payload", "occurred_at", "match"}
    if unknown:
        problems.append(f"unknown field(s): {', '.join(sorted(unknown))}")
    if problems:
        return None, problems
    return ClientEvent(event_type, payload, occurred_at, match), []


def client_events_validate(body) -> list[ClientEvent]:
    """A JSON object or an array of at most 100; every item valid, or BatchRejected."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise BatchRejected("The batch is empty: send one event object or an array of them.")
    if len(items) > MAX_BATCH:
        raise BatchRejected(f"A batch holds at most {MAX_BATCH} events; this one has "
                            f"{len(items)}. Split it.", status=413)
    now = timezone.now()
    events, errors = [], []
    for index, item in enumerate(items):
        event, problems = _validate_item(item, now)
        if problems:
            errors.append({"index": index, "errors": problems})
        else:
            events.append(event)
    if errors:
        raise BatchRejected(f"{len(errors)} of {len(items)} events are invalid; nothing was "
                            "stored. Fix them and send the batch again.", errors)
    return events


def client_events_store(*, events: list[ClientEvent], actor: str,
                        batch_id: str | None = None) -> tuple[int, bool]:
    """Write a validated batch with one COPY and commit: (events stored, replayed). With a
    ``batch_id`` already stored, nothing is written and the first answer is given again."""
    sql = f"COPY {Event._meta.db_table} {_COPY_COLUMNS} FROM STDIN"
    with transaction.atomic():
        if batch_id is not None:
            with connection.cursor() as cursor:  # waits for a racing first attempt to commit
                cursor.execute(
                    f"INSERT INTO {ClientBatch._meta.db_table} (batch_id, accepted, received_at)"
                    " VALUES (%s, %s, now()) ON CONFLICT (batch_id) DO NOTHING RETURNING id",
                    [batch_id, len(events)])
                if cursor.fetchone() is None:
                    return ClientBatch.objects.get(batch_id=batch_id).accepted, True
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for event in events:
                copy.write_row((event.event_type, Event.Source.CLIENT, actor, event.match_id,
                                json.dumps(event.payload), event.occurred_at))
    return len(events), False


def domain_events_record(*, match_id: int | None, actor: str,
                         events: list[tuple[str, dict]]) -> None:
    """Append domain events in the caller's transaction (the outbox): one INSERT for all.

    Plain SQL because it runs inside every scoring action; the ORM's bulk_create (RETURNING the
    composite key) cost several times as much for the same row.
    """
    rows = ", ".join(["(%s, %s, %s, %s, %s::jsonb, now())"] * len(events))
    params = []
    for event_type, payload in events:
        params += [event_type, Event.Source.DOMAIN, actor, match_id, json.dumps(payload)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} (event_type, source, actor, match_id, payload,"
            f" occurred_at) VALUES {rows}", params)


_CLAIM_SQL = f"""
SELECT id, received_at, match_id FROM {Event._meta.db_table}
WHERE source = %s AND event_type = ANY(%s) AND processed_at IS NULL
ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"""


@dataclass(frozen=True)
class ClaimedEvents:
    """Unprocessed domain events held (row-locked) by the caller's transaction."""

    keys: list[tuple[int, datetime]]  # (id, received_at): the partitioned table's key
    match_ids: list[int]

    def __len__(self) -> int:
        return len(self.keys)


def domain_events_claim(*, types, batch: int) -> ClaimedEvents:
    """Lock up to ``batch`` unprocessed domain events of ``types`` (oldest first, skipping rows
    another worker holds), inside the caller's transaction. Only events this app recorded from
    the domain count: a client's post of the same type is never claimed."""
    unknown = set(types) - DOMAIN_TYPES
    if unknown:
        raise ValueError(f"Not domain event types: {sorted(unknown)}")
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [Event.Source.DOMAIN, list(types), batch])
        rows = cursor.fetchall()
    return ClaimedEvents(keys=[(row[0], row[1]) for row in rows],
                         match_ids=sorted({row[2] for row in rows if row[2]}))


def domain_events_mark_processed(claimed: ClaimedEvents) -> None:
    """Mark claimed events processed, in the transaction that claimed them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} SET processed_at = now() "
            "WHERE (id, received_at) IN (SELECT * FROM unnest(%s::bigint[], "
            "%s::timestamptz[]))",
            [[key[0] for key in claimed.keys], [key[1] for key in claimed.keys]])
