"""Board pages (server-rendered): a tournament, the global boards, full tables, a player."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.replicas import replica_reads
from games.models import Player, Tournament
from games.selectors import player_matches
from leaderboards import selectors
from leaderboards.cache import TIMEOUT_GLOBAL, TIMEOUT_RANK, TIMEOUT_TOURNAMENT
from leaderboards.params import BadQuery, board_query
from leaderboards.scopes import global_scope, tournament_scope

COLUMNS = {
    "batting": [("innings", "Inns"), ("runs", "Runs"), ("highest", "HS"), ("average", "Ave"),
                ("strike_rate", "SR"), ("hundreds", "100s"), ("fifties", "50s"),
                ("fours", "4s"), ("sixes", "6s")],
    "bowling": [("overs", "Overs"), ("maidens", "Mdns"), ("runs", "Runs"),
                ("wickets", "Wkts"), ("best", "Best"), ("average", "Ave"),
                ("economy", "Econ"), ("strike_rate", "SR")],
}


def _public(response: HttpResponse, max_age: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={max_age // 2}"
    return response


def _bad(request, message: str) -> HttpResponse:
    return render(request, "leaderboards/bad_query.html", {"message": message}, status=400)


@replica_reads
@require_GET
def tournament_page(request: HttpRequest, slug: str) -> HttpResponse:
    tournament = get_object_or_404(Tournament, slug=slug)
    board = selectors.board_summary(scope=tournament_scope(tournament.pk))
    return _public(render(request, "leaderboards/board.html", {
        "title": str(tournament), "tournament": tournament, "board": board,
        "columns": COLUMNS}), TIMEOUT_TOURNAMENT)


@replica_reads
@require_GET
def global_page(request: HttpRequest) -> HttpResponse:
    try:
        query = board_query(request)
    except BadQuery as error:
        return _bad(request, str(error))
    board = selectors.board_summary(scope=global_scope(query.format, query.season))
    return _public(render(request, "leaderboards/board.html", {
        "title": "Leaderboards", "board": board, "filters": selectors.global_filters(),
        "query": query, "columns": COLUMNS}), TIMEOUT_GLOBAL)


def _table_page(request, kind: str, tournament: Tournament | None) -> HttpResponse:
    try:
        query = board_query(request)
        scope = (tournament_scope(tournament.pk) if tournament
                 else global_scope(query.format, query.season))
        table = selectors.table(scope=scope, kind=kind, sort=query.sort, page=query.page)
    except (BadQuery, selectors.UnknownSort) as error:
        return _bad(request, str(error))
    sortable = selectors.BATTING_SORTS if kind == "batting" else selectors.BOWLING_SORTS
    return _public(render(request, "leaderboards/table.html", {
        "kind": kind, "tournament": tournament, "table": table, "query": query,
        "updated": selectors.board_updated(scope=scope),
        "columns": COLUMNS[kind], "sortable": sortable,
        "title": f"{'Batting' if kind == 'batting' else 'Bowling'} · "
                 f"{tournament or 'all matches'}"}),
        TIMEOUT_TOURNAMENT if tournament else TIMEOUT_GLOBAL)


@replica_reads
@require_GET
def tournament_table_page(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    return _table_page(request, kind, get_object_or_404(Tournament, slug=slug))


@replica_reads
@require_GET
def global_table_page(request: HttpRequest, kind: str) -> HttpResponse:
    return _table_page(request, kind, None)


@replica_reads
@require_GET
def player_page(request: HttpRequest, player_id: int) -> HttpResponse:
    player = get_object_or_404(Player, pk=player_id)
    figures = selectors.player_figures(player=player)
    rank = {kind: selectors.player_rank(player_id=player.pk, scope="all", kind=kind)
            for kind in ("batting", "bowling")}
    return _public(render(request, "leaderboards/player.html", {
        "figures": figures, "rank": rank, "columns": COLUMNS,
        "updated": selectors.board_updated(scope="all"),
        "matches": player_matches(player_id=player.pk)}), TIMEOUT_RANK)


@replica_reads
@require_GET
def tournaments_page(request: HttpRequest) -> HttpResponse:
    """Every tournament, newest season first."""
    return _public(render(request, "leaderboards/tournaments.html", {
        "tournaments": Tournament.objects.all()}), TIMEOUT_TOURNAMENT)
