from django.core.management.base import BaseCommand

from cricket.engine.state import STATE_SCHEMA
from games.models import Match
from games.services import match_refold


class Command(BaseCommand):
    help = ("Re-fold the stored state of every match whose state predates the engine's current "
            "schema (or of all matches with --all) from its log.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, all=False, **options):
        done = 0
        for match in Match.objects.order_by("pk").iterator():
            if all or (match.state or {}).get("schema") != STATE_SCHEMA:
                match_refold(match=match)
                done += 1
        self.stdout.write(f"re-folded {done} match(es)")
