"""Writes to the leaderboards: aggregation from events, the global follow-up, and rebuilds.

Exactly once, with any number of workers: events are claimed with ``FOR UPDATE SKIP LOCKED``
and marked processed in the transaction that changes the boards, so a crash or a retry leaves
them to be claimed again and two workers never take the same one. A match's contribution is
recomputed from its current state under a per-match advisory lock (so two events of one match
in two workers give the latest, whichever commits last), and board rows are recomputed, not
incremented, under a per-scope lock. Caches and rank sets follow after commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import connection, transaction

from core.metrics import matches_set_aside
from events.services import domain_events_claim, domain_events_mark_processed
from games.models import Match
from leaderboards import aggregate
from leaderboards import cache as board_cache
from leaderboards.contribution import format_key, match_contribution
from leaderboards.models import DirtyKey, MatchBatting, MatchBowling, MatchTeam, SetAsideMatch
from leaderboards.scopes import (
    DEFAULT_POINTS,
    FRIENDLIES,
    global_scopes,
    parse,
    row_scopes,
    tournament_scope,
)
from leaderboards.selectors import contribution_keys

logger = logging.getLogger(__name__)

LEADERBOARD_EVENTS = ("match_completed", "delivery_corrected", "delivery_undone",
                      "players_merged", "teams_linked")
KINDS = ("team", "batting", "bowling")
_CONTRIBUTIONS = {"team": MatchTeam, "batting": MatchBatting, "bowling": MatchBowling}



def _season(match: Match) -> str:
    if match.tournament_id and match.tournament.season:
        return match.tournament.season
    return str(match.start_date.year) if match.start_date else ""


def _replace_contributions(match_ids: list[int]) -> dict[str, dict[str, set[int]]]:
    """Recompute these matches' contributions from their current state (locked per match);
    return the board keys touched, old rows and new: {scope: {kind: keys}}."""
    touched: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))

    def touch(rows, kind):
        column = "team_id" if kind == "team" else "player_id"
        for row in rows:
            for scope in row_scopes(row):
                touched[scope][kind].add(row[column])

    with connection.cursor() as cursor:  # per-match locks, always in id order
        cursor.execute("SELECT count(pg_advisory_xact_lock(1, id)) FROM "
                       "(SELECT id FROM unnest(%s::int[]) AS id ORDER BY id) AS ids",
                       [sorted(match_ids)])
    for kind, model in _CONTRIBUTIONS.items():
        old = model.objects.filter(match_id__in=match_ids)
        touch(old.values("tournament_id", "format", "season", "official",
                         "team_id" if kind == "team" else "player_id"), kind)
        old.delete()
    matches = Match.objects.filter(pk__in=match_ids).select_related("tournament", "team_a",
                                                                    "team_b")
    new_rows: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    set_aside: dict[int, str] = {}
    for match in matches:
        try:
            rows = _contribution_rows(match)
        except Exception as error:  # one bad match must not freeze every board
            set_aside[match.pk] = f"{type(error).__name__}: {error}"
            continue
        for kind, items in rows.items():
            new_rows[kind] += items
    _record_set_aside(match_ids, set_aside)
    for kind, items in new_rows.items():
        _copy(_CONTRIBUTIONS[kind], items)
        touch(items, kind)
    return touched


def _copy(model, rows: list[dict]) -> None:
    """Insert contribution rows with COPY (one round trip per table and batch)."""
    if not rows:
        return
    columns = list(rows[0])
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _points(scope_key: str) -> tuple[int, int, int]:
    from games.models import Tournament

    scope = parse(scope_key)
    if not scope.is_tournament:
        return DEFAULT_POINTS
    t = Tournament.objects.filter(pk=scope.params[0]).values_list(
        "points_win", "points_tie", "points_no_result").first()
    return t or DEFAULT_POINTS


def _recompute(touched: dict[str, dict[str, set[int]]]) -> None:
    """Recompute the touched keys of these scopes now, and sync caches after commit."""
    aggregate.lock_scopes(touched)
    for scope_key in sorted(touched):
        scope, points = parse(scope_key), _points(scope_key)
        for kind, keys in touched[scope_key].items():
            aggregate.recompute(scope, kind, sorted(keys), points)
    if touched:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO leaderboards_boardstamp (scope, updated_at) SELECT s, now() FROM "
                "unnest(%s::varchar[]) AS s ON CONFLICT (scope) DO UPDATE SET updated_at = "
                "EXCLUDED.updated_at", [sorted(touched)])
    _after_commit(touched)


def _after_commit(touched: dict[str, dict[str, set[int]]]) -> None:
    def sync():
        board_cache.bump(touched)
        for scope_key, kinds in touched.items():
            for kind in ("batting", "bowling"):
                if kinds.get(kind):
                    board_cache.rank_sync(scope_key, kind, kinds[kind])

    transaction.on_commit(sync)


def _mark_dirty(touched: dict[str, dict[str, set[int]]]) -> None:
    rows = [(scope, kind, key)
            for scope, kinds in touched.items() for kind, keys in kinds.items() for key in keys]
    if not rows:
        return
    scopes, kinds, keys = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO leaderboards_dirtykey (scope, kind, key) SELECT * FROM unnest("
            "%s::varchar[], %s::varchar[], %s::bigint[]) ON CONFLICT DO NOTHING",
            [scopes, kinds, keys])


def _contribution_rows(match: Match) -> dict[str, list[dict]]:
    """A match's rows for each contribution table, checked against the tables' bounds before
    they are written (a COPY refused by a check would fail the whole batch)."""
    config = match.engine_config()
    meta = {"match_id": match.pk, "tournament_id": match.tournament_id,
            "season": _season(match), "format": format_key(config),
            "official": not match.is_friendly}
    rows = match_contribution(config, match.state or {}, meta=meta, knockout=bool(match.stage))
    by_kind = {"team": rows.teams, "batting": rows.batting, "bowling": rows.bowling}
    for kind, items in by_kind.items():
        for row in items:
            _check_row(_CONTRIBUTIONS[kind], row)
    return by_kind


_LIMITS = {"PositiveSmallIntegerField": 32767, "PositiveIntegerField": 2147483647}


def _check_row(model, row: dict) -> None:
    for field in model._meta.concrete_fields:
        limit = _LIMITS.get(field.get_internal_type())
        value = row.get(field.attname)
        if limit is not None and value is not None and not (
                isinstance(value, int) and 0 <= value <= limit):
            raise ValueError(f"{model.__name__}.{field.name} would be {value!r}")


def _record_set_aside(match_ids: list[int], set_aside: dict[int, str]) -> None:
    """Note the matches left out (admin lists them, a metric counts them) and clear the note
    of those that now pass."""
    SetAsideMatch.objects.filter(match_id__in=match_ids).exclude(
        match_id__in=list(set_aside)).delete()
    for match_id, error in set_aside.items():
        logger.error("Leaderboards: match %s set aside: %s", match_id, error)
        SetAsideMatch.objects.update_or_create(match_id=match_id, defaults={"error": error})
    if set_aside:
        count = len(set_aside)
        transaction.on_commit(lambda: matches_set_aside.inc(count))


def leaderboards_process_events(*, batch: int = 200) -> int:
    """Claim unprocessed completion/correction events in batches; per batch, in one
    transaction: replace the matches' contributions, recompute their tournament boards, queue
    the global keys for ``leaderboards_process_global``, and mark the events processed.
    Returns the number of events processed."""
    processed = 0
    while True:
        with transaction.atomic():
            claimed = domain_events_claim(types=LEADERBOARD_EVENTS, batch=batch)
            if not claimed:
                break
            touched = _replace_contributions(claimed.match_ids)
            _recompute({s: k for s, k in touched.items() if s.startswith("t:")})
            _mark_dirty({s: k for s, k in touched.items() if not s.startswith("t:")})
            domain_events_mark_processed(claimed)
        processed += len(claimed)
        if len(claimed) < batch:
            break
    return processed


def leaderboards_catch_up() -> int:
    """A completion's whole effect on the boards: its tournament's, then the global keys it
    touched, so the tournament, global and player pages agree as soon as this has run (the
    global job on its schedule stays the net for keys queued otherwise). Returns the number
    of events processed."""
    processed = leaderboards_process_events()
    if processed:
        leaderboards_process_global()
    return processed


def leaderboards_process_global(*, batch: int = 20_000) -> int:
    """Recompute the global boards' queued keys (claimed with SKIP LOCKED, deleted in the same
    transaction). Returns the number of keys recomputed."""
    done = 0
    while True:
        with transaction.atomic():
            claimed = list(DirtyKey.objects.select_for_update(skip_locked=True)
                           .order_by("id").values_list("id", "scope", "kind", "key")[:batch])
            if not claimed:
                break
            touched: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
            for _, scope, kind, key in claimed:
                touched[scope][kind].add(key)
            _recompute(touched)
            DirtyKey.objects.filter(pk__in=[row[0] for row in claimed]).delete()
        done += len(claimed)
        if len(claimed) < batch:
            break
    return done


def leaderboards_rebuild_tournament(*, tournament) -> None:
    """Recompute one tournament's matches and boards now; its global keys are queued."""
    with transaction.atomic():
        match_ids = list(Match.objects.filter(tournament=tournament).values_list("pk", flat=True))
        touched = _replace_contributions(match_ids)
        scope = tournament_scope(tournament.pk)
        touched.setdefault(scope, defaultdict(set))
        # Keys of the tournament no longer in any match (a match moved away) are dropped too.
        aggregate.lock_scopes([scope])
        for kind in KINDS:
            aggregate.recompute(parse(scope), kind, None, _points(scope))
        _after_commit({scope: {k: set() for k in KINDS}})
        _mark_dirty({s: k for s, k in touched.items() if not s.startswith("t:")})
        transaction.on_commit(lambda: board_cache.rank_clear([scope]))


def leaderboards_rebuild() -> dict:
    """Everything from scratch: every ended match's contribution, then every board in full.
    Holds the leaderboard tables exclusively meanwhile, so no aggregation interleaves."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Deferred FK checks still pending in an enclosing transaction would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "LOCK TABLE leaderboards_matchteam, leaderboards_matchbatting, "
                "leaderboards_matchbowling, leaderboards_standing, leaderboards_battingrecord, "
                "leaderboards_bowlingrecord, leaderboards_dirtykey IN EXCLUSIVE MODE")
            cursor.execute(
                "TRUNCATE leaderboards_matchteam, leaderboards_matchbatting, "
                "leaderboards_matchbowling, leaderboards_standing, leaderboards_battingrecord, "
                "leaderboards_bowlingrecord, leaderboards_dirtykey")
        ended = Match.objects.filter(status__in=[Match.Status.COMPLETED, Match.Status.ABANDONED])
        ids = list(ended.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            _replace_contributions(ids[start:start + 500])
        scopes = {FRIENDLIES}
        for tournament_id, format, season in contribution_keys():
            scopes.update(global_scopes(format, season))
            if tournament_id:
                scopes.add(tournament_scope(tournament_id))
        for scope_key in sorted(scopes):
            for kind in KINDS:
                aggregate.recompute(parse(scope_key), kind, None, _points(scope_key))
        transaction.on_commit(lambda: (board_cache.bump(scopes), board_cache.rank_clear()))
        aside = list(SetAsideMatch.objects.values_list("match_id", "error"))
    return {"matches": len(ids) - len(aside), "scopes": len(scopes), "set_aside": aside}
