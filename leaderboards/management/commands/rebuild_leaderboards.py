"""Recompute every leaderboard from scratch (the incremental jobs must give the same rows)."""

import time

from django.core.management.base import BaseCommand

from leaderboards.services import leaderboards_rebuild


class Command(BaseCommand):
    help = "Recompute every match's contribution and every board from scratch."

    def handle(self, *args, **options):
        started = time.perf_counter()
        done = leaderboards_rebuild()
        self.stdout.write(f"Rebuilt {done['scopes']} boards from {done['matches']} matches in "
                          f"{time.perf_counter() - started:.1f} s.")
        for match_id, error in done["set_aside"]:
            self.stdout.write(f"Set aside (not on any board): match {match_id}: {error}")
