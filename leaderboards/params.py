"""Query parameters shared by the board pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class BoardQuery:
    sort: str | None
    page: int
    format: str | None
    season: str | None


def board_query(request: HttpRequest) -> BoardQuery:
    raw = request.GET.get("page", "1")
    try:
        page = int(raw)
    except ValueError as error:
        raise BadQuery(f"page must be a whole number, not {raw!r}.") from error
    if page < 1:
        raise BadQuery("page starts at 1.")
    return BoardQuery(sort=request.GET.get("sort") or None, page=page,
                      format=request.GET.get("format") or None,
                      season=request.GET.get("season") or None)
