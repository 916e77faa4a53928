"""Fan pages: the match list and the live scoreboard, server-rendered then kept live by JS."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from games.models import Match
from games.selectors import match_get, match_lists
from realtime.snapshots import snapshot_view


def match_list(request: HttpRequest) -> HttpResponse:
    return render(request, "games/match_list.html", match_lists())


def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    try:
        match = match_get(match_id=match_id)
    except Match.DoesNotExist as error:
        raise Http404(f"There is no match {match_id}.") from error
    view = snapshot_view(match)
    innings = sorted(view["innings"].values(), key=lambda inn: inn["number"])
    return render(request, "games/match_detail.html", {
        "match": match, "view": view, "innings": innings,
        "current": innings[-1] if innings else None,
    })
