"""Teams belong to their managers. A match set up by someone who does not manage a side it
names plays that side as a *guest XI*: a team of its own (its players new records, its squad
its creator's), linked to the real team only when one of that team's managers accepts. So a
stranger's friendly never joins a squad, never lands on a real player's career, and never
counts on the official boards (``Match.is_friendly``) until the real team says it was them.

Accepting a link moves the guest's matches to the real team: each guest player takes the real
squad's player of the same name (``games.players.player_merge``: logs, states and boards
follow), the rest join the squad, and the guest team goes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from cricket import engine
from games.models import LogEntry, Match, MatchPlayer, Player, Team
from games.permissions import can_manage_team
from games.players import player_merge, renamed
from games.selectors import guest_xi, known_players, official_team_named
from games.services import match_refold
from games.signals import teams_linked

# Where an action names a side (a penalty's beneficiary, an awarded winner, a follow-on's side).
TEAM_KEYS = {"team", "winner", "batting"}


def team_for_side(*, name: str, by) -> Team:
    """The team a match set up by ``by`` fields under ``name``: the real team whose name reads
    the same when ``by`` manages it (or is staff, or the system importing), else ``by``'s guest
    XI of it; a name no team has yet makes a new team that ``by`` manages."""
    real = official_team_named(name)
    if real is None:
        team = Team.objects.create(name=name)
        if by is not None:
            team.managers.add(by)
        return team
    if by is None or can_manage_team(by, real):
        return real
    guest = guest_xi(team=real, user=by)
    if guest is None:
        guest = Team.objects.create(name=real.name, guest_of=real,
                                    link_status=Team.LinkStatus.PENDING)
        guest.managers.add(by)
    return guest


def team_link_accept(*, guest: Team) -> list[int]:
    """The real team takes the guest XI's matches and players (see the module's note); returns
    the ids of the matches moved. The caller checks that the user manages the real team."""
    with transaction.atomic():
        guest = Team.objects.select_for_update().get(pk=guest.pk)
        real = Team.objects.select_for_update().get(pk=guest.guest_of_id)
        matches = Match.objects.filter(Q(team_a=guest) | Q(team_b=guest))
        if matches.filter(Q(team_a=real) | Q(team_b=real)).exists():
            raise engine.IllegalAction(
                f"The guest XI played against {real.name} itself: it cannot be {real.name}.")
        match_ids = sorted(matches.values_list("pk", flat=True))
        # Who the real team already knows, before the guest's appearances become its own.
        known = known_players(team=real)
        players = list(Player.objects.filter(Q(squads=guest) | Q(appearances__team=guest))
                       .distinct().order_by("pk"))
        old, new = str(guest.pk), str(real.pk)
        Match.objects.filter(team_a=guest).update(team_a=real)
        Match.objects.filter(team_b=guest).update(team_b=real)
        Match.objects.filter(toss_winner=guest).update(toss_winner=real)
        MatchPlayer.objects.filter(team=guest).update(team=real)
        for entry in LogEntry.objects.filter(match_id__in=match_ids).only("payload"):
            payload = renamed(entry.payload, old, new, TEAM_KEYS)
            if payload != entry.payload:
                LogEntry.objects.filter(pk=entry.pk).update(payload=payload)
        refolded: set[int] = set()
        for player in players:
            same = known.get(player.name.casefold())
            if same is not None:
                try:
                    refolded.update(player_merge(keep=same, duplicates=[player]))
                    continue
                except engine.IllegalAction:  # two people who played together
                    pass
            real.squad.add(player)
        # The rest are refolded here once: their config must name the real team's id.
        for match in Match.objects.filter(pk__in=match_ids).exclude(pk__in=refolded):
            match_refold(match=match)
        guest.delete()
        teams_linked.send(sender=Team, team=real, match_ids=match_ids)
    return match_ids


def team_link_reject(*, guest: Team) -> None:
    """The guest XI stays its creator's own team: its matches stay friendlies."""
    Team.objects.filter(pk=guest.pk).update(link_status=Team.LinkStatus.REJECTED)
