import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from games.cricsheet_import import REFUSED, WARNINGS, cricsheet_import


def _sources(paths: list[Path]) -> Iterator[tuple[str, bytes | Exception]]:
    """(name, file contents) for every JSON file in the files, folders and zips given."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.json")):
                yield str(file.relative_to(path)), file.read_bytes()
        elif path.suffix == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    for name in sorted(archive.namelist()):
                        if name.endswith(".json"):
                            yield name, archive.read(name)
            except (OSError, zipfile.BadZipFile) as error:
                yield path.name, error
        else:
            try:
                yield path.name, path.read_bytes()
            except OSError as error:
                yield path.name, error


class Command(BaseCommand):
    help = ("Import Cricsheet JSON matches (files, folders or zips) by replaying them through "
            "the scoring service, and give a verdict per match: imported exactly, imported with "
            "warnings (listed), or refused (why; a refused match leaves nothing behind).")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path,
                            help="Cricsheet JSON files, folders or zip archives")
        parser.add_argument("--bulk", action="store_true",
                            help="fold each match in memory and write its log at once "
                                 "(an archive: many matches a second)")
        parser.add_argument("--progress", type=int, default=0, metavar="N",
                            help="print a progress line every N matches")

    def handle(self, *args, files, bulk, progress, **options):
        counts = {"exact": 0, "warnings": 0, "refused": 0}
        started, actions = time.perf_counter(), 0
        for done, (name, content) in enumerate(_sources(files), 1):
            line = self._import_one(name, content, bulk)
            counts[line[0]] += 1
            actions += line[2]
            self.stdout.write(line[1])
            if progress and done % progress == 0:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"… {done} matches in {elapsed:.1f} s "
                                  f"({done / elapsed:.1f} matches/s)")
        total = sum(counts.values())
        elapsed = max(time.perf_counter() - started, 1e-9)
        self.stdout.write(
            f"{total - counts['refused']} of {total} matches imported "
            f"({counts['exact']} exactly, {counts['warnings']} with warnings), "
            f"{counts['refused']} refused; {actions} actions in {elapsed:.1f} s "
            f"({total / elapsed:.1f} matches/s, {actions / elapsed:.0f} actions/s).")
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} match(es) refused.")

    def _import_one(self, name: str, content: bytes | Exception, bulk: bool):
        """(kind, the verdict line, actions recorded)."""
        if isinstance(content, Exception):
            return "refused", f"{name}: refused: cannot read the file ({content})", 0
        try:
            data = json.loads(content)
            data["info"]["teams"], data["innings"]
        except (ValueError, KeyError, TypeError) as error:
            return "refused", f"{name}: refused: not a Cricsheet match ({error!r})", 0
        outcome = cricsheet_import(data=data, bulk=bulk)
        notes = "".join(f"; note: {problem}" for problem in outcome.file_problems)
        if outcome.verdict == REFUSED:
            return "refused", f"{name}: refused: {'; '.join(outcome.reasons[:3])}{notes}", 0
        match = outcome.match
        line = (f"{name}: {outcome.verdict}: match {match.pk} {match} — "
                f"{match.result_text or match.status}{notes}")
        if outcome.verdict == WARNINGS:
            line += "".join(f"\n    warning: {w}" for w in outcome.warnings)
            return "warnings", line, outcome.actions
        return "exact", line, outcome.actions
