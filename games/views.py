"""Fan pages: the match list and the match centre, server-rendered; the centre is kept live by
static/js/scoreboard.js fetching its fragment again when the realtime feed says it changed."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

from games.centre import centre_context
from games.models import Match
from games.selectors import match_get, match_lists

CENTRE_TTL = 60 * 60  # a version's fragment never changes; an hour keeps the busy ones warm


def match_list(request: HttpRequest) -> HttpResponse:
    return render(request, "games/match_list.html", match_lists())


def _match(match_id: int) -> Match:
    try:
        return match_get(match_id=match_id)
    except Match.DoesNotExist as error:
        raise Http404(f"There is no match {match_id}.") from error


def _centre_etag(request: HttpRequest, match_id: int) -> str | None:
    seq = Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()
    return None if seq is None else f'"c{match_id}-{seq}"'


def centre_html(match: Match, *, all_commentary: bool = False) -> str:
    """The match centre's panels for the match's current version, rendered once per version
    for every fan (cached in Redis; rendered here when Redis is away). With every over of
    commentary it is rendered for the one request that asks."""
    if all_commentary:
        return render_to_string("games/_centre.html", centre_context(match, all_commentary=True))
    # The write time too: a match edited in admin is a new rendering, and a test database's
    # reused ids never meet an old one.
    key = f"centre:{match.pk}:{match.seq}:{match.updated_at.timestamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("games/_centre.html", centre_context(match))
        cache.set(key, html, CENTRE_TTL)
    return html


@require_GET
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _match(match_id)
    centre = centre_html(match, all_commentary=request.GET.get("commentary") == "all")
    return render(request, "games/match_detail.html", {"match": match, "centre": centre})


@require_GET
@cache_control(no_cache=True)  # revalidate each time: a match changes by the ball
@condition(etag_func=_centre_etag)  # the fan's version is current: 304 from the seq alone
def match_centre(request: HttpRequest, match_id: int) -> HttpResponse:
    """The centre's panels alone, for the page's live updates and its polling fallback."""
    match = _match(match_id)
    response = HttpResponse(centre_html(
        match, all_commentary=request.GET.get("commentary") == "all"))
    response["ETag"] = f'"c{match.pk}-{match.seq}"'
    response["X-Seq"] = str(match.seq)
    return response
