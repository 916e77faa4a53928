"""JSON for the boards, shaped for a CDN: a strong ETag from the body, public caching with
stale-while-revalidate (tournament boards 2 minutes, global 5, players 5)."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from core.replicas import replica_reads
from games.models import Player, Tournament
from leaderboards import selectors
from leaderboards.cache import RANK_VALUE, TIMEOUT_GLOBAL, TIMEOUT_RANK, TIMEOUT_TOURNAMENT
from leaderboards.params import BadQuery, board_query
from leaderboards.scopes import global_scope, tournament_scope


def cacheable_json(request: HttpRequest, data, max_age: int) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    response["Cache-Control"] = (f"public, max-age={max_age}, "
                                 f"stale-while-revalidate={max_age // 2}")
    # Django's own If-None-Match handling (a 304 keeps the ETag and Cache-Control).
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _table(request, scope: str, kind: str, max_age: int) -> HttpResponse:
    try:
        query = board_query(request)
        data = selectors.table(scope=scope, kind=kind, sort=query.sort, page=query.page)
    except (BadQuery, selectors.UnknownSort) as error:
        return _error(400, str(error))
    return cacheable_json(request, {"scope": scope, **data}, max_age)


@replica_reads
@require_GET
def tournament_board(request: HttpRequest, slug: str) -> HttpResponse:
    tournament = Tournament.objects.filter(slug=slug).first()
    if tournament is None:
        return _error(404, f"There is no tournament {slug!r}.")
    data = {"tournament": {"slug": tournament.slug, "name": tournament.name,
                           "season": tournament.season},
            **selectors.board_summary(scope=tournament_scope(tournament.pk))}
    return cacheable_json(request, data, TIMEOUT_TOURNAMENT)


@replica_reads
@require_GET
def tournament_table(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    tournament = Tournament.objects.filter(slug=slug).first()
    if tournament is None:
        return _error(404, f"There is no tournament {slug!r}.")
    return _table(request, tournament_scope(tournament.pk), kind, TIMEOUT_TOURNAMENT)


@replica_reads
@require_GET
def global_board(request: HttpRequest) -> HttpResponse:
    try:
        query = board_query(request)
    except BadQuery as error:
        return _error(400, str(error))
    scope = global_scope(query.format, query.season)
    data = {"filters": selectors.global_filters(), "format": query.format,
            "season": query.season, **selectors.board_summary(scope=scope)}
    return cacheable_json(request, data, TIMEOUT_GLOBAL)


@replica_reads
@require_GET
def global_table(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        query = board_query(request)
    except BadQuery as error:
        return _error(400, str(error))
    return _table(request, global_scope(query.format, query.season), kind, TIMEOUT_GLOBAL)


@replica_reads
@require_GET
def player_detail(request: HttpRequest, player_id: int) -> HttpResponse:
    player = Player.objects.filter(pk=player_id).first()
    if player is None:
        return _error(404, f"There is no player {player_id}.")
    return cacheable_json(request, selectors.player_figures(player=player), TIMEOUT_RANK)


@replica_reads
@require_GET
def player_rank(request: HttpRequest, player_id: int) -> HttpResponse:
    """Where a player stands: ?kind=batting|bowling and &tournament=<slug> or &format/&season."""
    kind = request.GET.get("kind", "batting")
    if kind not in ("batting", "bowling"):
        return _error(400, "kind must be batting or bowling.")
    if not Player.objects.filter(pk=player_id).exists():
        return _error(404, f"There is no player {player_id}.")
    slug = request.GET.get("tournament")
    if slug:
        tournament = Tournament.objects.filter(slug=slug).first()
        if tournament is None:
            return _error(404, f"There is no tournament {slug!r}.")
        scope = tournament_scope(tournament.pk)
    else:
        scope = global_scope(request.GET.get("format"), request.GET.get("season"))
    rank = selectors.player_rank(player_id=player_id, scope=scope, kind=kind)
    return cacheable_json(request, {"player": player_id, "scope": scope, "kind": kind,
                                    "by": RANK_VALUE[kind][1],
                                    "rank": rank}, TIMEOUT_RANK)
