"""Create matches and scorer accounts for a load test, and write the plan the locustfiles read.

    manage.py load_plan --matches 20 --out var/load/plan.json

Each match gets its own scorer (a fresh account with a random password) and two new sides;
run it on the deployment under test. The plan file holds those passwords: keep it out of git
(``var/`` is ignored) and delete the accounts after the test (``--delete``).
"""

import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from games.models import Player, Team
from games.services import match_create

PREFIX = "load-"


class Command(BaseCommand):
    help = "Create load-test matches and scorers; write their plan as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--matches", type=int, default=20)
        parser.add_argument("--overs", type=int, default=50)
        parser.add_argument("--out", default="var/load/plan.json")
        parser.add_argument("--delete", action="store_true",
                            help="Delete the load-test scorer accounts instead.")

    def handle(self, *args, matches, overs, out, delete, **options):
        users = get_user_model().objects
        if delete:
            count, _ = users.filter(username__startswith=PREFIX).delete()
            self.stdout.write(f"Deleted {count} load-test accounts and their rows.")
            return
        token = secrets.token_hex(3)
        plan = {"matches": []}
        for n in range(matches):
            password = secrets.token_urlsafe(12)
            scorer = users.create_user(f"{PREFIX}{token}-{n}", password=password)
            sides = []
            for side in "AB":
                team = Team.objects.create(name=f"Load {token}-{n} {side}")
                players = Player.objects.bulk_create(
                    Player(name=f"{side}{i} load {token}-{n}") for i in range(1, 12))
                sides.append((team, players))
            (team_a, players_a), (team_b, players_b) = sides
            match = match_create(team_a=team_a, team_b=team_b, players_a=players_a,
                                 players_b=players_b, toss_winner=team_a, toss_decision="bat",
                                 created_by=scorer, overs=overs, bowler_max_overs=None)
            plan["matches"].append({"id": match.pk, "scorer": scorer.username,
                                    "password": password})
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plan, indent=1))
        self.stdout.write(f"Wrote {path}: {matches} matches with their scorers.")
