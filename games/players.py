"""Players are people: one identity across names and teams. ``player_merge`` folds duplicates
(the same person created twice under two names) into one, everywhere they played."""

from __future__ import annotations

from django.db import transaction

from cricket import engine
from games.models import LogEntry, Match, MatchPlayer, Player, PlayerAlias
from games.services import match_refold
from games.signals import players_merged

# Where an action names a player (a correction's or an undo's copy included, recursively).
PLAYER_KEYS = {"striker", "non_striker", "bowler", "player", "player_out", "out", "in",
               "replaced_by", "fielders"}


def renamed(value, old: str, new: str, keys: set[str], key: str | None = None):
    """An action with the id ``old`` under any of ``keys`` (at any depth) changed to ``new``."""
    if isinstance(value, dict):
        return {k: renamed(v, old, new, keys, k) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, old, new, keys, key) for v in value]
    if key in keys and value == old:
        return new
    return value


def player_merge(*, keep: Player, duplicates: list[Player]) -> list[int]:
    """Merge ``duplicates`` into ``keep``: their appearances, logs and states name ``keep``,
    their names become its aliases, a Cricsheet id moves over if ``keep`` has none, and the
    duplicates are deleted. Returns the ids of the matches changed (their boards follow)."""
    duplicates = [p for p in duplicates if p.pk != keep.pk]
    with transaction.atomic():
        keep = Player.objects.select_for_update().get(pk=keep.pk)
        changed: set[int] = set()
        for duplicate in duplicates:
            shared = MatchPlayer.objects.filter(player=duplicate).values("match_id").intersection(
                MatchPlayer.objects.filter(player=keep).values("match_id"))
            if shared.exists():
                raise engine.IllegalAction(
                    f"{duplicate.name} and {keep.name} played in the same match: two people, "
                    "not one.")
            old, new = str(duplicate.pk), str(keep.pk)
            match_ids = set(MatchPlayer.objects.filter(player=duplicate)
                            .values_list("match_id", flat=True))
            MatchPlayer.objects.filter(player=duplicate).update(player=keep)
            for entry in LogEntry.objects.filter(match_id__in=match_ids).only("payload"):
                payload = renamed(entry.payload, old, new, PLAYER_KEYS)
                if payload != entry.payload:
                    LogEntry.objects.filter(pk=entry.pk).update(payload=payload)
            names = {duplicate.name, *duplicate.aliases.values_list("name", flat=True)}
            PlayerAlias.objects.bulk_create(
                [PlayerAlias(player=keep, name=name) for name in names if name != keep.name],
                ignore_conflicts=True)
            if keep.cricsheet_id is None and duplicate.cricsheet_id:
                keep.cricsheet_id, duplicate.cricsheet_id = duplicate.cricsheet_id, None
                duplicate.save(update_fields=["cricsheet_id"])
                keep.save(update_fields=["cricsheet_id"])
            duplicate.delete()
            changed |= match_ids
        for match in Match.objects.filter(pk__in=changed):
            match_refold(match=match)  # the config and state from the rewritten log
        players_merged.send(sender=Player, keep=keep, match_ids=sorted(changed))
    return sorted(changed)
