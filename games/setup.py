"""Writes that set cricket up rather than score it: tournaments and their organisers, teams and
their squads, a match from the scorer's set-up form, and who may score it."""

from __future__ import annotations

import datetime

from django.db import transaction

from cricket.engine.conditions import conditions_for
from games.appointments import appoint
from games.models import Match, Player, Team, Tournament
from games.selectors import known_players, playing_conditions_in_force
from games.services import match_create
from games.teams import team_for_side


def tournament_save(*, tournament: Tournament, by, organisers=()) -> Tournament:
    """Create or change a tournament; whoever saves it stays one of its organisers, and the
    co-organisers named are invited (``games.appointments``)."""
    with transaction.atomic():
        tournament.save()
        appoint(target=tournament, users=organisers, by=by)
    return tournament


def players_by_names(*, team: Team, names: list[str]) -> list[Player]:
    """The team's players for these names: one already in its squad (or who has played for it)
    under that name or an alias, else a new player. So a club's regulars keep one identity, and
    with it their career figures, from match to match."""
    known = known_players(team=team)
    found = {name: known[name.casefold()] for name in names if name.casefold() in known}
    new = Player.objects.bulk_create(Player(name=n) for n in names if n not in found)
    found.update((player.name, player) for player in new)
    return [found[name] for name in names]


def team_save(*, team: Team, names: list[str], by, managers=()) -> Team:
    """Create or change a team and set its squad to these names (the rest leave the squad, not
    the records). Whoever saves it stays one of its managers; co-managers are invited."""
    with transaction.atomic():
        team.save()
        team.squad.set(players_by_names(team=team, names=names))
        appoint(target=team, users=managers, by=by)
    return team


def match_setup(
    *, team_a_name: str, team_b_name: str, names_a: list[str], names_b: list[str],
    toss_winner: str, toss_decision: str, created_by, scorers=(), competition: str = "custom",
    conditions: dict | None = None, captains: dict | None = None, keepers: dict | None = None,
    **match_fields,
) -> Match:
    """Create a match from the scorer's set-up form: teams and players by name (a team the
    creator manages, else their guest XI of it, else a new team they manage: ``games.teams``),
    the toss (``"a"`` or ``"b"`` won it), the playing conditions of ``competition`` on the
    match's date with the scorer's ``conditions`` over them, captains and keepers by name per
    side; the creator scores it, and the other ``scorers`` are invited to."""
    captains, keepers = captains or {}, keepers or {}
    day = match_fields.get("start_date") or datetime.date.today()
    preset, fields = None, {}
    if competition != "custom":
        preset = playing_conditions_in_force(competition=competition, on=day.isoformat())
        # Staff keep the presets as rows; the engine's seed stands in for a missing one.
        fields = (preset.match_fields() if preset
                  else conditions_for(competition, day.isoformat()))
    fields.update(conditions or {})
    with transaction.atomic():
        teams, sides = {}, {}
        for side, name, names in (("a", team_a_name, names_a), ("b", team_b_name, names_b)):
            team = team_for_side(name=name, by=created_by)
            teams[side] = team
            sides[side] = players_by_names(team=team, names=names)

        def role(chosen: dict) -> tuple[Player, ...]:
            return tuple(sides[side][names.index(chosen[side])]
                         for side, names in (("a", names_a), ("b", names_b))
                         if chosen.get(side) in names)

        match = match_create(
            team_a=teams["a"], team_b=teams["b"], players_a=sides["a"], players_b=sides["b"],
            toss_winner=teams[toss_winner], toss_decision=toss_decision,
            created_by=created_by, playing_conditions=preset, captains=role(captains),
            keepers=role(keepers), **fields, **match_fields,
        )
        appoint(target=match, users=scorers, by=created_by)
    return match


def match_set_scorers(*, match: Match, scorers, by) -> list:
    """Replace a match's scorers (its organisers, creator or staff appoint them): those named
    who score it already go on, the others are invited, the rest stop. Returns the invited."""
    return appoint(target=match, users=scorers, by=by, keep_by=False)

