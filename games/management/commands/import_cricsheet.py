import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from games.cricsheet_import import cricsheet_import
from games.engine import IllegalAction


class Command(BaseCommand):
    help = ("Replay Cricsheet JSON matches through the scoring service and report, per match, "
            "whether totals, wickets, legal balls, extras and the outcome equal the file's.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="Cricsheet JSON files or folders")

    def handle(self, *args, files, **options):
        paths = []
        for path in files:
            paths += sorted(path.rglob("*.json")) if path.is_dir() else [path]
        failures = corrections = 0
        for path in paths:
            try:
                data = json.loads(path.read_text())
                outcome = cricsheet_import(data=data)
            except (OSError, ValueError, KeyError) as error:
                failures += 1
                self.stdout.write(f"{path.name}: CANNOT READ ({error})")
                continue
            except IllegalAction as error:
                failures += 1
                self.stdout.write(f"{path.name}: REJECTED by the engine: {error.message}")
                continue
            corrections += len(outcome.strike_corrections)
            match = outcome.match
            line = (f"{path.name}: match {match.pk} {match} — {match.result_text or match.status}"
                    f"; strike corrections: {len(outcome.strike_corrections)}")
            if outcome.ok:
                self.stdout.write(f"{line}; OK")
            else:
                failures += 1
                first = (outcome.divergences + outcome.problems)[0]
                self.stdout.write(f"{line}; MISMATCH: first divergence: {first}")
        self.stdout.write(f"{len(paths) - failures} of {len(paths)} matches equal the files; "
                          f"{corrections} strike corrections recorded.")
        if failures:
            raise CommandError(f"{failures} match(es) did not replay to the file's figures.")
