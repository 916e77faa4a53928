"""Fan pages: the match list and the match centre, server-rendered; the centre is kept live by
static/js/scoreboard.js fetching its fragment again when the realtime feed says it changed."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from games.centre import (
    OVERLAY_MODES,
    OVERLAY_THEMES,
    centre_context,
    overlay_context,
    share_card,
    toss_text,
)
from games.models import Match
from games.selectors import (
    match_get_for_fans,
    match_lists,
    match_lists_version,
    match_payload,
    match_roles,
    match_seq,
)
from scorekeeper.replicas import replica_reads

ACCENT = re.compile(r"[0-9a-fA-F]{6}")
CENTRE_TTL = 60 * 60  # a version's fragment never changes; an hour keeps the busy ones warm


def _lists_etag(request: HttpRequest) -> str:
    tournament = request.GET.get("tournament", "")
    return f'"ml-{tournament}-{match_lists_version(tournament=tournament)}"'


@replica_reads
@require_GET
@cache_control(no_cache=True)
@condition(etag_func=_lists_etag)  # nothing changed anywhere in the lists: 304, one query
def match_list(request: HttpRequest) -> HttpResponse:
    """Live, upcoming and recent matches; ``?fragment=1`` is the lists alone, which the page
    polls (one request for every live match on it) to stay current."""
    context = match_lists(tournament=request.GET.get("tournament") or None)
    template = "games/_match_lists.html" if request.GET.get("fragment") else "games/match_list.html"
    return render(request, template, context)


def _match(match_id: int) -> Match:
    try:
        return match_get_for_fans(match_id=match_id)
    except Match.DoesNotExist as error:
        raise Http404(f"There is no match {match_id}.") from error


def _centre_etag(request: HttpRequest, match_id: int) -> str | None:
    seq = match_seq(match_id=match_id)
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


@replica_reads
@require_GET
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _match(match_id)
    centre = centre_html(match, all_commentary=request.GET.get("commentary") == "all")
    return render(request, "games/match_detail.html", {"match": match, "centre": centre,
                                                       "feed": settings.REALTIME_URL})


@replica_reads
@require_GET
@gzip_page  # ~40 KB of markup a ball is ~6 KB on the wire (it holds no secret to leak)
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


def _overlay_choice(request: HttpRequest) -> tuple[list[str], str, str] | HttpResponse:
    """The overlay's query: ``mode`` (bug, strip, card — several comma-separated), ``theme``
    (dark or light) and ``accent`` (a hex colour for the panels' accent, without the #)."""
    modes = [m for m in request.GET.get("mode", "bug").split(",") if m]
    theme, accent = request.GET.get("theme", "dark"), request.GET.get("accent", "0a5a1e")
    wrong = [m for m in modes if m not in OVERLAY_MODES]
    if wrong or not modes or theme not in OVERLAY_THEMES or not ACCENT.fullmatch(accent):
        return HttpResponseBadRequest(
            f"Choose mode from {', '.join(OVERLAY_MODES)} (comma-separated), theme from "
            f"{' or '.join(OVERLAY_THEMES)} and accent as six hex digits (0a5a1e); got "
            f"mode={request.GET.get('mode', '')!r}, theme={theme!r}, accent={accent!r}.",
            content_type="text/plain")
    return modes, theme, accent


@replica_reads
@require_GET
def match_overlay(request: HttpRequest, match_id: int) -> HttpResponse:
    """The broadcast overlay: a transparent 1920x1080 page for OBS browser sources, chosen and
    themed by query parameters (docs/match-centre.md), live through the same feed."""
    choice = _overlay_choice(request)
    if isinstance(choice, HttpResponse):
        return choice
    modes, theme, accent = choice
    match = _match(match_id)
    return render(request, "games/overlay.html", {
        **overlay_context(match, modes), "theme": theme, "accent": accent,
        "feed": settings.REALTIME_URL,
        "fragment": f"{reverse('games:match-overlay-fragment', args=[match.pk])}?"
                    f"{request.GET.urlencode()}"})


@replica_reads
@require_GET
@cache_control(no_cache=True)
@condition(etag_func=_centre_etag)
def match_overlay_fragment(request: HttpRequest, match_id: int) -> HttpResponse:
    choice = _overlay_choice(request)
    if isinstance(choice, HttpResponse):
        return choice
    match = _match(match_id)
    response = render(request, "games/_overlay.html", overlay_context(match, choice[0]))
    response["X-Seq"] = str(match.seq)
    return response


@replica_reads
@require_GET
@cache_control(no_cache=True)
@condition(etag_func=_centre_etag)
def match_card_image(request: HttpRequest, match_id: int) -> HttpResponse:
    """The match as a 1200x630 image to share (the page's Open Graph image)."""
    match = _match(match_id)
    return render(request, "games/card.svg", share_card(match), content_type="image/svg+xml")


@replica_reads
@require_GET
def match_scorecard(request: HttpRequest, match_id: int) -> HttpResponse:
    """Every innings' full scorecard on one page, laid out to print."""
    match = _match(match_id)
    view = match_payload(match=match)
    return render(request, "games/scorecard.html", {
        "match": match, "view": view, "toss": toss_text(match), "roles": match_roles(match=match)})
