"""Reads of the boards, shaped once for pages and the JSON API, cached in Redis per scope
generation (tournament boards 2 minutes, global 5; a change bumps the generation at once)."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.db.models import F

from core.metrics import cache_lookup
from games.models import Player, Tournament
from leaderboards import cache as board_cache
from leaderboards.models import (
    BattingRecord,
    BoardStamp,
    BowlingRecord,
    MatchBatting,
    MatchBowling,
    MatchTeam,
    Standing,
)
from leaderboards.scopes import FRIENDLIES, GLOBAL, tournament_scope

PAGE_SIZE = 100
TOP = 10
# sort name -> ordering (best first); ties broken by player name, then id, so pages are stable.
BATTING_SORTS = {
    "runs": [F("runs").desc()], "average": [F("average").desc(nulls_last=True)],
    "strike_rate": [F("strike_rate").desc(nulls_last=True)], "highest": [F("highest").desc()],
    "hundreds": [F("hundreds").desc(), F("fifties").desc()], "fifties": [F("fifties").desc()],
    "sixes": [F("sixes").desc()], "fours": [F("fours").desc()], "innings": [F("innings").desc()],
}
BOWLING_SORTS = {
    "wickets": [F("wickets").desc(), F("average").asc(nulls_last=True)],
    "average": [F("average").asc(nulls_last=True)],
    "economy": [F("economy").asc(nulls_last=True)],
    "strike_rate": [F("strike_rate").asc(nulls_last=True)],
    "maidens": [F("maidens").desc()],
    "best": [F("best_wickets").desc(), F("best_runs").asc()],
}


class UnknownSort(ValueError):
    pass


def _cached(scope: str, name: str, compute):
    key = f"lb:v1:{scope}:{board_cache.generation(scope)}:{name}"
    value = cache.get(key)
    cache_lookup("leaderboards", value is not None)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=board_cache.timeout_for(scope))
    return value


def _overs(balls: int, per: int = 6) -> str:
    return f"{balls // per}.{balls % per}" if balls % per else str(balls // per)


def _round(value, places=2):
    return None if value is None else round(value, places)


def _standing_row(s: Standing) -> dict:
    return {
        "team": {"id": s.team_id, "name": s.team.name}, "played": s.played, "won": s.won,
        "lost": s.lost, "tied": s.tied, "drawn": s.drawn, "no_result": s.no_result,
        "points": s.points, "nrr": _round(s.nrr, 3), "runs_for": s.runs_for,
        "overs_for": _overs(round(s.overs_for * 6)), "runs_against": s.runs_against,
        "overs_against": _overs(round(s.overs_against * 6)),
    }


def _batting_row(r: BattingRecord, rank: int) -> dict:
    return {
        "rank": rank, "player": {"id": r.player_id, "name": r.player.name},
        "innings": r.innings, "not_outs": r.not_outs, "runs": r.runs, "balls": r.balls,
        "highest": r.highest_text, "average": _round(r.average), "strike_rate": _round(
            r.strike_rate), "fifties": r.fifties, "hundreds": r.hundreds, "fours": r.fours,
        "sixes": r.sixes,
    }


def _bowling_row(r: BowlingRecord, rank: int) -> dict:
    return {
        "rank": rank, "player": {"id": r.player_id, "name": r.player.name},
        "innings": r.innings, "overs": _overs(r.balls), "maidens": r.maidens, "runs": r.runs,
        "wickets": r.wickets, "best": r.best_text, "average": _round(r.average),
        "economy": _round(r.economy), "strike_rate": _round(r.strike_rate),
    }


def standings(*, scope: str) -> list[dict]:
    def compute():
        rows = (Standing.objects.filter(scope=scope).select_related("team")
                .order_by("-points", F("nrr").desc(nulls_last=True), "-won", "team__name"))
        return [_standing_row(s) for s in rows]

    return _cached(scope, "standings", compute)


DEFAULT_SORT = {"batting": "runs", "bowling": "wickets"}


def table(*, scope: str, kind: str, sort: str | None = None, page: int = 1) -> dict:
    """One page of a scope's batting or bowling table (``sort`` None: the kind's default)."""
    sorts, model, shape = ((BATTING_SORTS, BattingRecord, _batting_row) if kind == "batting"
                           else (BOWLING_SORTS, BowlingRecord, _bowling_row))
    sort = sort or DEFAULT_SORT[kind]
    if sort not in sorts:
        raise UnknownSort(f"Sort by one of: {', '.join(sorts)}.")

    def compute():
        rows = model.objects.filter(scope=scope)
        total = rows.count()
        pages = max(1, math.ceil(total / PAGE_SIZE))
        current = min(max(page, 1), pages)
        start = (current - 1) * PAGE_SIZE
        chunk = (rows.select_related("player")
                 .order_by(*sorts[sort], "player__name", "player_id")[start:start + PAGE_SIZE])
        return {"sort": sort, "page": current, "pages": pages, "total": total,
                "rows": [shape(r, start + i + 1) for i, r in enumerate(chunk)]}

    return _cached(scope, f"{kind}:{sort}:{page}", compute)


def board_updated(*, scope: str):
    """When the scope's boards were last recomputed (None before the first time)."""
    return BoardStamp.objects.filter(scope=scope).values_list("updated_at", flat=True).first()


def board_summary(*, scope: str) -> dict:
    """Points table and the top ten batters and bowlers of one scope."""
    batting, bowling = table(scope=scope, kind="batting"), table(scope=scope, kind="bowling")
    return {"scope": scope, "standings": standings(scope=scope),
            "updated": board_updated(scope=scope),
            "batting": batting["rows"][:TOP], "bowling": bowling["rows"][:TOP],
            "batters": batting["total"], "bowlers": bowling["total"]}


def global_filters() -> dict:
    """The formats and seasons the global boards can be filtered by."""
    def compute():
        keys = contribution_keys()
        return {"formats": sorted({f for _, f, _ in keys if f}),
                "seasons": sorted({s for _, _, s in keys if s}, reverse=True)}

    return _cached(GLOBAL, "filters", compute)


def contribution_keys() -> set[tuple]:
    """Every (tournament, format, season) with contributions. All three tables: a knockout
    match has player rows but no points-table rows."""
    keys = set()
    for model in (MatchTeam, MatchBatting, MatchBowling):
        keys.update(model.objects.values_list("tournament_id", "format", "season").distinct())
    return keys


def player_figures(*, player: Player) -> dict:
    """Career (every official match), per format and per tournament figures of one player,
    and their friendlies (a guest XI's matches: ``games.teams``) apart."""
    batting = {r.scope: r for r in BattingRecord.objects.filter(player=player)
               .select_related("player")}
    bowling = {r.scope: r for r in BowlingRecord.objects.filter(player=player)
               .select_related("player")}
    scopes = set(batting) | set(bowling)
    tournaments = {t.pk: t for t in Tournament.objects.filter(
        pk__in=[int(s[2:]) for s in scopes if s.startswith("t:")])}

    def figures(scope):
        bat, bowl = batting.get(scope), bowling.get(scope)
        return {"batting": _batting_row(bat, None) if bat else None,
                "bowling": _bowling_row(bowl, None) if bowl else None}

    return {
        "player": {"id": player.pk, "name": player.name},
        "career": figures(GLOBAL),
        "friendlies": figures(FRIENDLIES),
        "formats": [{"format": s[2:], **figures(s)} for s in sorted(scopes)
                    if s.startswith("f:")],
        "tournaments": [{"tournament": {"slug": t.slug, "name": str(t)},
                         **figures(tournament_scope(t.pk))}
                        for t in sorted(tournaments.values(),
                                        key=lambda t: (t.season, t.name), reverse=True)],
    }


def player_rank(*, player_id: int, scope: str, kind: str) -> dict | None:
    """Where a player stands in a scope (batting by runs, bowling by wickets): from the scope's
    Redis sorted set, cached five minutes per generation."""
    key = f"lb:v1:{scope}:{board_cache.generation(scope)}:rank:{kind}:{player_id}"
    found = cache.get(key)
    cache_lookup("leaderboard-ranks", found is not None)
    if found is None:
        found = board_cache.rank_of(scope, kind, player_id) or {}
        cache.set(key, found, timeout=board_cache.TIMEOUT_RANK)
    return found or None
