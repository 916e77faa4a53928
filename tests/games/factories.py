"""Database factories for games tests."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from games.models import Match, Player, Team
from games.services import match_create

_counter = itertools.count(1)


def make_user(username: str | None = None, *, staff: bool = False):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username, password="pw-" + username,
                                                is_staff=staff)


def make_match(*, players: int = 11, scorer=None, prefix: str = "", **format_fields) -> Match:
    """A match between two new sides; ``prefix`` keeps team names unique in a database that
    outlives the process (the benchmarks')."""
    n = next(_counter)
    team_a = Team.objects.create(name=f"{prefix}Alpha {n}")
    team_b = Team.objects.create(name=f"{prefix}Bravo {n}")
    a = [Player.objects.create(name=f"A{i} {n}") for i in range(1, players + 1)]
    b = [Player.objects.create(name=f"B{i} {n}") for i in range(1, players + 1)]
    format_fields.setdefault("players_per_side", players)
    match = match_create(team_a=team_a, team_b=team_b, players_a=a, players_b=b,
                         toss_winner=team_a, toss_decision="bat", created_by=scorer,
                         **format_fields)
    match.a_ids = [str(p.pk) for p in a]
    match.b_ids = [str(p.pk) for p in b]
    return match


def start_action(match: Match) -> dict:
    return {"kind": "start_innings", "striker": match.a_ids[0], "non_striker": match.a_ids[1],
            "bowler": match.b_ids[0]}


def accept_invitations(user) -> int:
    """``user`` (or the user of that name) accepts every invitation waiting for them, through
    the page (a client of their own). Returns how many there were."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    client = Client()
    client.force_login(user)
    waiting = list(user.appointments.values_list("pk", flat=True))
    for pk in waiting:
        response = client.post("/score/appointments/", {"appointment": pk, "decision": "accept"})
        assert response.status_code == 302, response.content[:200]
    return len(waiting)
