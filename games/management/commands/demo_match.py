import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cricket.cricsheet import CricsheetReplay
from cricket.engine import apply_in_place, new_state
from games.cricsheet_import import cricsheet_create_match
from games.models import Match
from games.services import match_record_action

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cricsheet" / "1082594.json"


def _actions(match: Match, data: dict) -> list[dict]:
    """Every action a scorer would enter for the fixture, worked out with the bare engine."""
    config = match.engine_config()
    ids = {name: pid for pid, name in config.names.items()}
    teams = {team.name: team.id for team in config.teams}
    state, actions = new_state(), []

    def apply(action):
        apply_in_place(config, state, action)
        actions.append(action)
        return state

    CricsheetReplay(data, apply, config=config, ids=ids.__getitem__,
                    team_ids=teams.__getitem__).run()
    return actions


class Command(BaseCommand):
    help = ("Replay a real match (shipped under games/fixtures, Cricsheet data) ball by ball "
            "through the write service, so a newcomer sees the live scoreboard move.")

    def add_arguments(self, parser):
        parser.add_argument("--pace", type=float, default=3.0, help="seconds between actions")
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, pace, url, **options):
        data = json.loads(FIXTURE.read_text())
        marker = Path(settings.BASE_DIR) / "var" / "demo-match.txt"
        match = None
        if marker.exists():
            match = Match.objects.filter(pk=int(marker.read_text() or 0)).first()
        if match is None or match.status in (Match.Status.COMPLETED, Match.Status.ABANDONED):
            match, _people = cricsheet_create_match(data=data)
            marker.write_text(str(match.pk))
        actions = _actions(match, data)
        self.stdout.write(f"Demo match: {match} — watch it at {url}/matches/{match.pk}/ "
                          f"(one action every {pace:g} s; DEMO=0 turns this off)")
        try:
            for action in actions[match.seq:]:  # resume where an earlier run stopped
                time.sleep(pace)
                match_record_action(match=match, action=action, expected_seq=match.seq)
        except KeyboardInterrupt:  # Ctrl-C on make run: a quiet stop; the next run resumes
            return
        self.stdout.write(f"Demo match finished: {match.result_text}")
