import json
import multiprocessing
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

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
        parser.add_argument("--jobs", type=int, default=1, metavar="N",
                            help="import in N worker processes (one per core)")

    def handle(self, *args, files, bulk, progress, jobs, **options):
        counts = {"exact": 0, "warnings": 0, "refused": 0}
        started, actions = time.perf_counter(), 0
        sources = ((name, content, bulk) for name, content in _sources(files))
        if jobs > 1:
            # Each worker opens its own database connections: none may cross a fork, pooled
            # ones included (two processes on one socket read each other's results).
            for connection in connections.all():
                connection.close()
                if hasattr(connection, "close_pool"):
                    connection.close_pool()
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap(_import_one, sources, chunksize=4)
        else:
            pool, results = None, map(_import_one, sources)
        try:
            for done, line in enumerate(results, 1):
                counts[line[0]] += 1
                actions += line[2]
                self.stdout.write(line[1])
                if progress and done % progress == 0:
                    elapsed = time.perf_counter() - started
                    self.stdout.write(f"… {done} matches in {elapsed:.1f} s "
                                      f"({done / elapsed:.1f} matches/s)")
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        self._summary(counts, actions, started)

    def _summary(self, counts: dict, actions: int, started: float) -> None:
        total = sum(counts.values())
        elapsed = max(time.perf_counter() - started, 1e-9)
        self.stdout.write(
            f"{total - counts['refused']} of {total} matches imported "
            f"({counts['exact']} exactly, {counts['warnings']} with warnings), "
            f"{counts['refused']} refused; {actions} actions in {elapsed:.1f} s "
            f"({total / elapsed:.1f} matches/s, {actions / elapsed:.0f} actions/s).")
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} match(es) refused.")


def _import_one(source: tuple[str, bytes | Exception, bool]) -> tuple[str, str, int]:
    """(kind, the verdict line, actions recorded) for one file."""
    name, content, bulk = source
    if isinstance(content, Exception):
        return "refused", f"{name}: refused: cannot read the file ({content})", 0
    try:
        data = json.loads(content)
    except ValueError as error:
        return "refused", f"{name}: refused: not JSON ({error})", 0
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict) \
            or "teams" not in data["info"] or not isinstance(data.get("innings"), list):
        return "refused", f"{name}: refused: not a Cricsheet match (no info.teams or innings)", 0
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
