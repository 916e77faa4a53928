"""The append-only events table, range-partitioned by month on ``received_at``.

Domain events are written by the scoring service's transaction (an outbox); client events arrive
in batches through ``POST /api/events``. Old months are archived and dropped by
``events.partitions``; a DEFAULT partition keeps any row outside every month range.
"""

from django.db import models
from psqlextra.models import PostgresPartitionedModel
from psqlextra.types import PostgresPartitioningMethod

ID_SEQUENCE = "events_event_id_seq"


class Event(PostgresPartitionedModel):
    class Source(models.TextChoices):
        DOMAIN = "domain"
        CLIENT = "client"

    # PostgreSQL requires the partition key in the primary key; django-postgres-extra's
    # automatic "id" would clash with that (upstream #268), so the id is a plain bigint fed by
    # its own sequence and the key is (id, received_at).
    pk = models.CompositePrimaryKey("id", "received_at")
    id = models.BigIntegerField(
        db_default=models.Func(models.Value(ID_SEQUENCE), function="nextval",
                               output_field=models.BigIntegerField()),
    )
    event_type = models.CharField(max_length=64)
    source = models.CharField(max_length=6, choices=Source.choices)
    actor = models.CharField(max_length=100, blank=True, help_text="user:<id> or client:<id>")
    match = models.ForeignKey("games.Match", null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(help_text="The client's clock.")
    received_at = models.DateTimeField(db_default=models.functions.Now(),
                                       help_text="The server's clock; the partition key.")
    processed_at = models.DateTimeField(null=True, blank=True)

    class PartitioningMeta:
        method = PostgresPartitioningMethod.RANGE
        key = ["received_at"]

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "processed_at"], name="event_type_processed"),
            models.Index(fields=["event_type"], condition=models.Q(processed_at__isnull=True),
                         name="event_unprocessed"),
            models.Index(fields=["actor"], name="event_actor"),
            models.Index(models.F("received_at").desc(), name="event_received_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.id}"


class EventRecord(models.Model):
    """A read-only view of the same table for Django admin.

    Admin cannot register models with a composite primary key (Django 5.2); ``id`` is unique on
    its own (one sequence), so this unmanaged twin uses it as the key. Never written through.
    """

    id = models.BigIntegerField(primary_key=True)
    event_type = models.CharField(max_length=64)
    source = models.CharField(max_length=6, choices=Event.Source.choices)
    actor = models.CharField(max_length=100, blank=True)
    match = models.ForeignKey("games.Match", null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        managed = False
        db_table = "events_event"
        verbose_name = "event"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.id}"


class ClientBatch(models.Model):
    """A client's batch id, stored with its events in one transaction: a retried batch (the
    202 was lost) is answered, not stored again."""

    batch_id = models.CharField(max_length=64, unique=True)
    accepted = models.PositiveIntegerField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.batch_id
