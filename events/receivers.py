"""Domain events from committed scoring actions, written in the scoring transaction (outbox)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from core.metrics import events_ingested
from cricket.engine.scorecard import innings_summary, scorecard
from cricket.engine.state import ENDED
from events.services import domain_events_record
from games.signals import action_recorded, players_merged, teams_linked


def _closed(state: dict) -> int:
    return sum(1 for inn in state["innings"] if inn["closed"])


def domain_events_for(*, match, entry, before: dict, after: dict, config) -> list[tuple[str, dict]]:
    """Which domain events one committed action produces, with their payloads."""
    events: list[tuple[str, dict]] = []
    base = {"seq": entry.seq}
    if before["status"] == "scheduled" and after["status"] != "scheduled":
        events.append(("match_started", {**base, "teams": [t.name for t in config.teams]}))
    if entry.kind == "delivery":
        inn = after["innings"][-1]
        events.append(("delivery_recorded", {
            **base, "innings": inn["number"], "action": entry.payload,
            "score": {"runs": inn["runs"], "wickets": inn["wickets"],
                      "legal_balls": inn["legal_balls"]},
        }))
    elif entry.kind == "undo":
        events.append(("delivery_undone", {**base, "undone_seq": entry.payload.get("undone_seq"),
                                           "undone": entry.payload.get("undone")}))
    elif entry.kind == "correct":
        events.append(("delivery_corrected", {
            **base, "target_seq": entry.payload["target_seq"],
            "before": entry.payload.get("before"), "after": entry.payload["action"],
            "match_completed": after["status"] in ENDED,
        }))
    for inn in after["innings"][_closed(before):]:
        if inn["closed"]:
            events.append(("innings_completed", {**base, **innings_summary(config, inn)}))
    if before["status"] not in ENDED and after["status"] in ENDED:
        events.append(("match_completed", {**base, "scorecard": scorecard(config, after)}))
    return events


@receiver(action_recorded, dispatch_uid="events.domain_events")
def record_domain_events(sender, match, entry, before, after, config, **kwargs):
    events = domain_events_for(match=match, entry=entry, before=before, after=after,
                               config=config)
    if events:
        actor = f"user:{entry.recorded_by_id}" if entry.recorded_by_id else "system"
        domain_events_record(match_id=match.pk, actor=actor, events=events)
        count = len(events)
        transaction.on_commit(lambda: events_ingested.labels("domain").inc(count))


@receiver(players_merged, dispatch_uid="events.players_merged")
def record_players_merged(sender, keep, match_ids, **kwargs):
    for match_id in match_ids:  # one per match: the boards recompute each one's contribution
        domain_events_record(match_id=match_id, actor="system",
                             events=[("players_merged", {"keep": keep.pk})])


@receiver(teams_linked, dispatch_uid="events.teams_linked")
def record_teams_linked(sender, team, match_ids, **kwargs):
    for match_id in match_ids:  # the friendlies become official: their boards recompute
        domain_events_record(match_id=match_id, actor="system",
                             events=[("teams_linked", {"team": team.pk})])
