"""Import a Cricsheet match through the same write service a scorer uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from games.cricsheet import (
    CricsheetReplay,
    compare,
    format_from_cricsheet,
    sides_from_cricsheet,
)
from games.models import Match, Player, Team, Tournament
from games.services import match_create, match_record_action


@dataclass
class ImportOutcome:
    match: Match
    problems: list[str] = field(default_factory=list)
    strike_corrections: list[str] = field(default_factory=list)
    divergences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.divergences


def _players(data: dict, names: list[str]) -> list[Player]:
    registry = data["info"].get("registry", {}).get("people", {})
    players = []
    for name in names:
        ident = registry.get(name)
        if ident:
            player, _ = Player.objects.get_or_create(cricsheet_id=ident, defaults={"name": name})
        else:
            player = Player.objects.filter(name=name, cricsheet_id=None).first() or \
                Player.objects.create(name=name)
        players.append(player)
    return players


def _tournament(info: dict) -> Tournament | None:
    event = info.get("event", {}).get("name")
    if not event:
        return None
    season = str(info.get("season", ""))
    tournament, _ = Tournament.objects.get_or_create(name=event, season=season)
    return tournament


def cricsheet_create_match(*, data: dict, by=None) -> Match:
    info = data["info"]
    sides = sides_from_cricsheet(data)
    names = list(info["teams"])
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in names}
    toss = info.get("toss", {})
    first = data["innings"][0]["team"] if data["innings"] else names[0]
    # The toss as the file gives it; when it is missing, whatever makes the right side bat first.
    toss_winner = teams.get(toss.get("winner"), teams[first])
    decision = toss.get("decision") or "bat"
    bats_first = (toss_winner.name if decision == "bat"
                  else next(n for n in names if n != toss_winner.name))
    if bats_first != first:  # files occasionally disagree with themselves; the innings win
        toss_winner, decision = teams[first], "bat"
    return match_create(
        team_a=teams[names[0]], team_b=teams[names[1]],
        players_a=_players(data, sides[names[0]]["players"]),
        players_b=_players(data, sides[names[1]]["players"]),
        substitutes_a=_players(data, sides[names[0]]["substitutes"]),
        substitutes_b=_players(data, sides[names[1]]["substitutes"]),
        toss_winner=toss_winner, toss_decision=decision, created_by=by,
        tournament=_tournament(info), venue=info.get("venue", ""),
        stage=info.get("event", {}).get("stage", ""),
        start_date=info["dates"][0], **format_from_cricsheet(data),
    )


def cricsheet_import(*, data: dict, by=None) -> ImportOutcome:
    """Create the match, replay every action through ``match_record_action``, compare."""
    with transaction.atomic():
        match = cricsheet_create_match(data=data, by=by)
    config = match.engine_config()
    name_to_id = {name: pid for pid, name in config.names.items()}
    team_to_id = {team.name: team.id for team in config.teams}

    def apply(action: dict) -> dict:
        match_record_action(match=match, action=action, by=by, expected_seq=match.seq)
        return match.state

    replay = CricsheetReplay(data, apply, config=config, ids=name_to_id.__getitem__,
                             team_ids=team_to_id.__getitem__)
    report = replay.run()
    match.refresh_from_db()
    return ImportOutcome(
        match=match, problems=compare(data, match.state, team_to_id.__getitem__),
        strike_corrections=report.strike_corrections, divergences=report.divergences,
    )
