"""Import a Cricsheet match: through the write service a scorer uses, or in bulk.

Atomic either way: the match, its players and its log are created in one transaction, and a
match that cannot be replayed (the engine refuses a fact, or the result differs from the file's)
is rolled back, leaving nothing behind. The verdict says which of three it was: imported
exactly, imported with warnings (what the umpires allowed that the Laws would not expect), or
refused (why).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction

from cricket.cricsheet import (
    CricsheetReplay,
    ReplayReport,
    compare,
    competition_from_cricsheet,
    file_problems,
    format_from_cricsheet,
    sides_from_cricsheet,
)
from cricket.engine import IllegalAction
from games.models import Match, Player, PlayerAlias, PlayingConditions, Team, Tournament
from games.selectors import playing_conditions_in_force
from games.services import match_create, match_record_action, match_record_log
from games.setup import players_by_names
from games.teams import team_for_side

EXACT, WARNINGS, REFUSED = "imported exactly", "imported with warnings", "refused"


class _Refused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ImportOutcome:
    match: Match | None
    verdict: str = EXACT
    reasons: list[str] = field(default_factory=list)  # why refused
    warnings: list[str] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # where the file contradicts itself
    strike_corrections: list[str] = field(default_factory=list)
    actions: int = 0

    @property
    def ok(self) -> bool:
        return self.verdict != REFUSED


def _people(data: dict, names: list[str]) -> dict[str, Player]:
    """Players by the file's names. A registry id is the person: found again whatever name this
    file gives them (a new name is kept as an alias); a name without one matches by name."""
    registry = data["info"].get("registry", {}).get("people", {})
    ids = {registry[name] for name in names if registry.get(name)}
    known = {p.cricsheet_id: p for p in Player.objects.filter(cricsheet_id__in=ids)}
    unregistered = [name for name in names if not registry.get(name)]
    by_name: dict[str, Player] = {}
    for player in Player.objects.filter(name__in=unregistered, cricsheet_id=None):
        by_name.setdefault(player.name, player)
    registered = [Player(name=name, cricsheet_id=registry[name]) for name in names
                  if registry.get(name) and registry[name] not in known]
    if registered:  # one INSERT; another import may be adding the same people right now
        Player.objects.bulk_create(registered, ignore_conflicts=True)
        known.update((p.cricsheet_id, p) for p in Player.objects.filter(
            cricsheet_id__in=[p.cricsheet_id for p in registered]))
    unnamed = Player.objects.bulk_create(
        Player(name=name) for name in dict.fromkeys(unregistered) if name not in by_name)
    by_name.update((player.name, player) for player in unnamed)
    people = {name: known[registry[name]] if registry.get(name) else by_name[name]
              for name in names}
    aliases = [PlayerAlias(player=player, name=name) for name, player in people.items()
               if player.name != name]
    PlayerAlias.objects.bulk_create(aliases, ignore_conflicts=True)
    return people


def _tournament(info: dict) -> Tournament | None:
    event = info.get("event", {}).get("name")
    if not event:
        return None
    season = str(info.get("season", ""))
    tournament, _ = Tournament.objects.get_or_create(name=event, season=season)
    return tournament


def _fielded_people(sides: dict, teams: dict[str, Team]) -> dict[str, Player]:
    """Players by the file's names as the sides' own people (``players_by_names``): what an
    import by a user gets, so a file cannot take over anyone's records by naming them."""
    people: dict[str, Player] = {}
    for name, side in sides.items():
        names = side["players"] + side["substitutes"]
        people.update(zip(names, players_by_names(team=teams[name], names=names), strict=True))
    return people


def cricsheet_create_match(*, data: dict, by=None) -> tuple[Match, dict[str, Player]]:
    """The match with its sides and conditions; (match, the file's names -> players).

    Run by the system or staff (``by`` None or staff), the file's registry ids link its people
    to everyone's records; run by a user, its sides are theirs or guest XIs (``games.teams``)
    and its people their sides' own."""
    info = data["info"]
    sides = sides_from_cricsheet(data)
    names = list(info["teams"])
    teams = {name: team_for_side(name=name, by=by) for name in names}
    if by is None or by.is_staff:
        people = _people(data, [p for side in sides.values()
                                for p in side["players"] + side["substitutes"]])
    else:
        people = _fielded_people(sides, teams)
    toss = info.get("toss", {})
    first = data["innings"][0]["team"] if data["innings"] else names[0]
    # The toss as the file gives it; when it is missing, whatever makes the right side bat first.
    won = toss.get("winner") if toss.get("winner") in teams else first
    toss_winner, decision = teams[won], toss.get("decision") or "bat"
    bats_first = won if decision == "bat" else next(n for n in names if n != won)
    if bats_first != first:  # files occasionally disagree with themselves; the innings win
        toss_winner, decision = teams[first], "bat"
    conditions: PlayingConditions | None = playing_conditions_in_force(
        competition=competition_from_cricsheet(data), on=info["dates"][0])

    def squad(team: str, role: str) -> list[Player]:
        return [people[name] for name in sides[team][role]]

    match = match_create(
        team_a=teams[names[0]], team_b=teams[names[1]],
        players_a=squad(names[0], "players"), players_b=squad(names[1], "players"),
        substitutes_a=squad(names[0], "substitutes"), substitutes_b=squad(names[1], "substitutes"),
        toss_winner=toss_winner, toss_decision=decision, created_by=by,
        tournament=_tournament(info), venue=info.get("venue", ""),
        stage=info.get("event", {}).get("stage", ""), start_date=info["dates"][0],
        playing_conditions=conditions,
        **format_from_cricsheet(data, conditions.match_fields() if conditions else None),
    )
    return match, people


def cricsheet_import(*, data: dict, by=None, bulk: bool = False) -> ImportOutcome:
    """Create the match and replay it; roll everything back unless it equals the file.

    ``bulk`` folds the match in memory and writes its log and state at once
    (``match_record_log``); otherwise every action goes through ``match_record_action``.
    Both produce the same log and state.
    """
    outcome = ImportOutcome(match=None, file_problems=file_problems(data))
    try:
        with transaction.atomic():
            match, people = cricsheet_create_match(data=data, by=by)
            config = match.engine_config()
            ids = {name: str(player.pk) for name, player in people.items()}
            # By the file's names: a team found by how its name reads may spell it otherwise.
            team_ids = dict(zip(data["info"]["teams"], (t.id for t in config.teams), strict=True))
            def one_by_one(action: dict) -> dict:
                match_record_action(match=match, action=action, by=by, expected_seq=match.seq)
                return match.state

            def player_id(name: str) -> str:
                if name not in ids:
                    raise IllegalAction(f"{name} is not among either side's players in the file.")
                return ids[name]

            def replay(apply) -> ReplayReport:
                def noting_warnings(action: dict) -> dict:
                    state = apply(action)
                    outcome.warnings += state["warnings"]
                    return state

                return CricsheetReplay(data, noting_warnings, config=config, ids=player_id,
                                       team_ids=team_ids.__getitem__).run()

            if bulk:
                with connection.cursor() as cursor:
                    # An archive import can be run again; it need not wait for each commit
                    # to reach the disk (a crash loses the last few matches, never corrupts).
                    cursor.execute("SET LOCAL synchronous_commit = off")
                reports: list[ReplayReport] = []
                match_record_log(match=match, by=by,
                                 record=lambda apply: reports.append(replay(apply)))
                report = reports[0]
            else:
                report = replay(one_by_one)
            outcome.actions = match.seq
            problems = report.divergences + compare(data, match.state, team_ids.__getitem__)
            if problems:
                raise _Refused(problems)
    except IllegalAction as error:
        outcome.verdict, outcome.reasons = REFUSED, [error.message]
        return outcome
    except _Refused as refused:
        outcome.verdict, outcome.reasons = REFUSED, refused.reasons
        return outcome
    match.refresh_from_db()
    outcome.match = match
    outcome.strike_corrections = report.strike_corrections
    outcome.verdict = WARNINGS if outcome.warnings else EXACT
    return outcome
