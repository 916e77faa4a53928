"""Fan pages: the match list and the match centre, server-rendered; the centre is kept live by
static/js/scoreboard.js fetching its fragment again when the realtime feed says it changed."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from centre.panels import (
    OVERLAY_MODES,
    OVERLAY_THEMES,
    centre_panels_html,
    overlay_context,
    share_card,
    toss_text,
)
from core.replicas import replica_reads
from games.models import Match
from games.selectors import (
    match_as_of,
    match_get_for_fans,
    match_lists,
    match_lists_version,
    match_payload,
    match_roles,
    match_seq,
)

ACCENT = re.compile(r"[0-9a-fA-F]{6}")
LISTS_SHARED_FOR = 5  # seconds a cache in front may answer the match lists' fragment
CENTRE_TTL = 60 * 60  # a version's fragment never changes; an hour keeps the busy ones warm


def _lists_etag(request: HttpRequest) -> str:
    tournament = request.GET.get("tournament", "")
    return f'"ml-{tournament}-{match_lists_version(tournament=tournament)}"'


@replica_reads
@require_GET
@condition(etag_func=_lists_etag)  # nothing changed anywhere in the lists: 304, one query
def match_list(request: HttpRequest) -> HttpResponse:
    """Live, upcoming and recent matches; ``?fragment=1`` is the lists alone, which the page
    polls every 10 s (one request for every live match on it) to stay current. The fragment is
    the same for everyone: any cache in front may answer it for a few seconds, so its fans'
    polls reach the web tier a few times a minute, however many they are."""
    context = match_lists(tournament=request.GET.get("tournament") or None)
    fragment = bool(request.GET.get("fragment"))
    response = render(request, "games/_match_lists.html" if fragment else
                      "games/match_list.html", context)
    if fragment:
        patch_cache_control(response, public=True, max_age=LISTS_SHARED_FOR)
    else:
        patch_cache_control(response, no_cache=True)
    return response


def _match(match_id: int) -> Match:
    try:
        return match_get_for_fans(match_id=match_id)
    except Match.DoesNotExist as error:
        raise Http404(f"There is no match {match_id}.") from error


def _card_etag(request: HttpRequest, match_id: int) -> str | None:
    """The share image's validator: its own prefix, so no other representation of the match
    (the API's JSON is "m…") ever answers to it."""
    seq = match_seq(match_id=match_id)
    return None if seq is None else f'"card{match_id}-{seq}"'


def centre_html(match: Match, *, all_commentary: bool = False) -> str:
    """The match centre's panels for the match's current version, rendered once per version
    for every fan, with or without every over of commentary (cached in Redis; rendered here
    when Redis is away)."""
    # The write time too: a match edited in admin is a new rendering, and a test database's
    # reused ids never meet an old one.
    key = (f"centre:{match.pk}:{match.seq}:{match.updated_at.timestamp()}:"
           f"{'all' if all_commentary else 'some'}")
    html = cache.get(key)
    if html is None:
        html = centre_panels_html(match, all_commentary=all_commentary)
        cache.set(key, html, CENTRE_TTL)
    return html


def _versioned(view_name: str, match_id: int) -> str:
    """A version-addressed URL's stem: the page's script adds the version (and its query)."""
    return reverse(view_name, args=[match_id, 0])[:-1]


@replica_reads
@require_GET
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    """The match centre, live; with ``?at=<seq>`` the match as it stood after that entry of its
    log (folded to there, cached per version like any rendering): a link to "the moment it
    turned", with no live feed."""
    match = _match(match_id)
    all_commentary = request.GET.get("commentary") == "all"
    at = request.GET.get("at")
    if at is not None:
        if not re.fullmatch(r"[0-9]{1,10}", at) or int(at) > match.seq:
            return HttpResponseBadRequest(
                f"'at' is an entry of this match's log: a whole number from 0 to {match.seq}.",
                content_type="text/plain; charset=utf-8")
        at = int(at)
    shown = match if at is None or at == match.seq else match_as_of(match=match, seq=at)
    return render(request, "games/match_detail.html", {
        "match": match, "centre": centre_html(shown, all_commentary=all_commentary),
        "feed": settings.REALTIME_URL, "at": at, "rewind": _rewind(shown, at, match.seq),
        "centre_url": _versioned("games:match-centre", match.pk),
        "query": "commentary=all" if all_commentary else ""})


def _rewind(shown: Match, at: int | None, last: int) -> dict | None:
    """What the page says about the moment it shows (``?at=``)."""
    if at is None:
        return None
    innings = shown.state["innings"][-1] if shown.state.get("innings") else None
    config = shown.engine_config()
    score = "before the first ball" if innings is None else (
        f"{config.team(innings['batting']).name} {innings['runs']}/{innings['wickets']} "
        f"({innings['overs_done']}.{innings['over_balls']} ov)")
    return {"score": score, "previous": at - 1 if at > 0 else None,
            "next": at + 1 if at < last else None, "last": last}


# A version's page never changes: a cache in front of the web tier (HAProxy's, a CDN's) may keep
# it for good and answer every fan but the first.
IMMUTABLE = "public, max-age=31536000, immutable"


def _at_version(request: HttpRequest, match: Match, seq: int,
                view_name: str) -> HttpResponse | None:
    """None if ``seq`` is the match's version; else where to go: the current version's URL
    (an older version is never served again), or 404 for a version not yet reached."""
    if seq == match.seq:
        return None
    if seq > match.seq:
        response = HttpResponse(f"Match {match.pk} has no version {seq} yet (it is at "
                                f"{match.seq}).", status=404, content_type="text/plain")
    else:
        response = HttpResponse(status=302)
        response["Location"] = reverse(view_name, args=[match.pk, match.seq]) + (
            f"?{request.GET.urlencode()}" if request.GET else "")
    response["Cache-Control"] = "no-cache"
    return response


@replica_reads
@require_GET
@gzip_page  # ~40 KB of markup is ~6 KB on the wire (it holds no secret to leak)
def match_centre(request: HttpRequest, match_id: int, seq: int) -> HttpResponse:
    """The centre's panels at one version, at a URL of its own that never changes: the polling
    fallback's read (the live page is sent its changes over the feed: realtime/page_feed.py)."""
    match = _match(match_id)
    elsewhere = _at_version(request, match, seq, "games:match-centre")
    if elsewhere is not None:
        return elsewhere
    response = HttpResponse(centre_html(
        match, all_commentary=request.GET.get("commentary") == "all"))
    response["Cache-Control"] = IMMUTABLE
    response["X-Seq"] = str(match.seq)
    return response


@replica_reads
@require_GET
def match_version(request: HttpRequest, match_id: int) -> JsonResponse:
    """The match's version, for the polling fallback: one indexed read (from a replica where
    there is one), cacheable for a second by any cache in front."""
    seq = match_seq(match_id=match_id)
    if seq is None:
        return JsonResponse({"error": f"There is no match {match_id}."}, status=404)
    response = JsonResponse({"v": seq})
    response["Cache-Control"] = "public, max-age=1"
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
        "fragment": _versioned("games:match-overlay-fragment", match.pk),
        "query": request.GET.urlencode()})


@replica_reads
@require_GET
def match_overlay_fragment(request: HttpRequest, match_id: int, seq: int) -> HttpResponse:
    """The overlay's panels at one version, at a URL of its own that never changes."""
    choice = _overlay_choice(request)
    if isinstance(choice, HttpResponse):
        return choice
    match = _match(match_id)
    elsewhere = _at_version(request, match, seq, "games:match-overlay-fragment")
    if elsewhere is not None:
        return elsewhere
    response = render(request, "games/_overlay.html", overlay_context(match, choice[0]))
    response["Cache-Control"] = IMMUTABLE
    response["X-Seq"] = str(match.seq)
    return response


@replica_reads
@require_GET
@cache_control(no_cache=True)
@condition(etag_func=_card_etag)
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
