"""Board scopes: which contributions a board row aggregates.

``t:<id>`` one tournament (every match its organisers entered); ``all`` every official match;
``f:<format>``, ``s:<season>`` and ``fs:<format>|<season>`` the official boards filtered by
format and/or season; ``friendlies`` the matches a guest XI played (``games.teams``), kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass

GLOBAL = "all"
FRIENDLIES = "friendlies"
DEFAULT_POINTS = (2, 1, 1)  # win, tie (or draw), no result


@dataclass(frozen=True)
class Scope:
    key: str
    where: str  # SQL over a contribution table aliased c
    params: tuple

    @property
    def is_tournament(self) -> bool:
        return self.key.startswith("t:")


def tournament_scope(tournament_id: int) -> str:
    return f"t:{tournament_id}"


def global_scope(format: str | None = None, season: str | None = None) -> str:
    if format and season:
        return f"fs:{format}|{season}"
    if format:
        return f"f:{format}"
    if season:
        return f"s:{season}"
    return GLOBAL


def global_scopes(format: str, season: str) -> list[str]:
    """Every global board a match of this format and season counts in."""
    return [GLOBAL, global_scope(format), global_scope(season=season),
            global_scope(format, season)]


def row_scopes(row: dict) -> list[str]:
    """Every board a contribution row counts in."""
    scopes = (global_scopes(row["format"], row["season"]) if row["official"]
              else [FRIENDLIES])
    if row["tournament_id"]:
        scopes.append(tournament_scope(row["tournament_id"]))
    return scopes


def parse(key: str) -> Scope:
    if key == GLOBAL:
        return Scope(key, "c.official", ())
    if key == FRIENDLIES:
        return Scope(key, "NOT c.official", ())
    kind, _, rest = key.partition(":")
    if kind == "t":
        return Scope(key, "c.tournament_id = %s", (int(rest),))
    if kind == "f":
        return Scope(key, "c.official AND c.format = %s", (rest,))
    if kind == "s":
        return Scope(key, "c.official AND c.season = %s", (rest,))
    if kind == "fs":
        format, _, season = rest.partition("|")
        return Scope(key, "c.official AND c.format = %s AND c.season = %s", (format, season))
    raise ValueError(f"Unknown leaderboard scope {key!r}.")
