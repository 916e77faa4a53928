"""Query parameters shared by the board pages and the JSON API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest

FORMAT = re.compile(r"T[1-9][0-9]{0,2}|ODI|multi-day|unlimited|[1-9][0-9]{0,2}-over")
SEASON = re.compile(r"(19|20)[0-9]{2}(/[0-9]{2}|/[0-9]{4})?")


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
    if not 1 <= page <= 10_000:
        raise BadQuery("page must be from 1 to 10000.")
    format, season = request.GET.get("format") or None, request.GET.get("season") or None
    # Checked before they name a cache key: anyone may ask, so only real shapes get one.
    if format is not None and not FORMAT.fullmatch(format):
        raise BadQuery("format must be T20, ODI, multi-day, unlimited or N-over (e.g. 40-over).")
    if season is not None and not SEASON.fullmatch(season):
        raise BadQuery("season must look like 2024 or 2023/24.")
    return BoardQuery(sort=request.GET.get("sort") or None, page=page, format=format,
                      season=season)
